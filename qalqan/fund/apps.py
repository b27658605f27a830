from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "qalqan.fund"
    label = "fund"
    verbose_name = "Fund: dashboards and subsidy runs"
