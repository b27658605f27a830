from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qalqan.people"
    label = "people"
    verbose_name = "Population registry"
