from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qalqan.orgs"
    label = "orgs"
    verbose_name = "Organisations and access"
