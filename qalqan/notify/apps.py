from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "qalqan.notify"
    label = "notify"
    verbose_name = "Notifications"
