from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "qalqan.payments"
    label = "payments"
    verbose_name = "Premium payments"
