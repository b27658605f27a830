from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "qalqan.feed"
    label = "feed"
    verbose_name = "Insurer data feed: outbox and webhooks"

    def ready(self):
        from . import receivers  # noqa: F401
