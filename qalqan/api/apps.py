from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qalqan.api"
    label = "api"
    verbose_name = "API conventions"
