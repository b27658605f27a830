from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qalqan.core"
    label = "core"
