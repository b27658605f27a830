from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qalqan.audit"
    label = "audit"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the django-fsm signal)
