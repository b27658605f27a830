from django.urls import path

from .dashboard import fund_dashboard

app_name = "fund"
urlpatterns = [
    path("", fund_dashboard, name="home"),
    path("dashboard/", fund_dashboard, name="dashboard"),
]
