"""Registry reads shared by the API and pages."""
from .models import Person


def person_by_iin(iin: str) -> Person | None:
    return Person.objects.filter(iin=iin).first()


def people_list():
    return Person.objects.all()
