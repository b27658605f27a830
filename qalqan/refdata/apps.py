from django.apps import AppConfig


class RefdataConfig(AppConfig):
    name = "qalqan.refdata"
    label = "refdata"
    verbose_name = "Reference tables"
