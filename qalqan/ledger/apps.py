from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "qalqan.ledger"
    label = "ledger"
    verbose_name = "Double-entry ledger"
