from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qalqan.people"
    label = "people"
    verbose_name = "Population registry"

    def ready(self):
        from . import receivers  # noqa: F401  (connects persons_changed)
