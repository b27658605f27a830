from django.urls import path

from . import views

app_name = "claims-insurer"
urlpatterns = [
    path("", views.insurer_queue, name="queue"),
    path("<int:event_id>/", views.insurer_event, name="event"),
    path("settlements/", views.insurer_settlements, name="settlements"),
    path("settlements/<int:settlement_id>/", views.insurer_settlement, name="settlement"),
    path("settlements/<int:settlement_id>/pdf/", views.insurer_settlement_pdf, name="settlement-pdf"),
    path("dashboard/", views.insurer_dashboard, name="dashboard"),
    path("rules/", views.insurer_rules, name="rules"),
]
