from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("status/", views.status_page, name="status"),
    path("contributions/calculator/", views.calculator_page, name="calculator"),
    path("my/contributions/", views.my_contributions, name="my-contributions"),
    path("fund/refunds/", views.fund_refunds, name="fund-refunds"),
    path("fund/temporary-status/", views.fund_temporary_status, name="fund-temporary-status"),
]
