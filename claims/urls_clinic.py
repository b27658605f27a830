from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.clinic_home, name="home"),
    path("events/<int:event_id>/", views.clinic_event, name="event"),
    path("payouts/<int:settlement_id>/", views.clinic_payout, name="payout"),
    path("payouts/<int:settlement_id>/pdf/", views.clinic_payout_pdf, name="payout-pdf"),
]
