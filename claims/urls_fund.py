from django.urls import path

from . import views

app_name = "claims-fund"
urlpatterns = [
    path("", views.fund_disputes, name="disputes"),
    path("<int:event_id>/<str:decision>/", views.fund_dispute_decide, name="decide"),
]
