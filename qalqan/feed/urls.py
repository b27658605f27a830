from django.urls import path

from . import views

app_name = "feed"
urlpatterns = [
    path("", views.deliveries, name="deliveries"),
    path("dead-letters/", views.dead_letters, name="dead-letters"),
    path("dead-letters/<int:message_id>/redeliver/", views.redeliver, name="redeliver"),
    path("endpoints/", views.endpoints, name="endpoints"),
    path("endpoints/<int:endpoint_id>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
]
