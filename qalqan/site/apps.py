from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "qalqan.site"
    label = "site"
    verbose_name = "Public site"
