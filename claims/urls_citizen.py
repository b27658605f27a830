from django.urls import path

from . import views

app_name = "claims-citizen"
urlpatterns = [
    path("", views.citizen_events, name="events"),
    path("<int:event_id>/", views.citizen_event, name="event"),
]
