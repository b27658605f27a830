from django.apps import AppConfig


class InsurersConfig(AppConfig):
    name = "insurers"
    label = "insurers"
    verbose_name = "Insurers and products"
