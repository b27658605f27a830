from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qalqan.demo"
    label = "demo"
