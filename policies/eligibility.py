"""Is a person insured (ОСМС status) on a day? One adapter for the whole policies flow.

The contributions work owns the status (a materialised InsuranceStatus in qalqan.people). This
adapter uses, in order: `qalqan.people.selectors.insurance_status_of(person)` when it exists; else the
`people.InsuranceStatus` model when it exists; else (until either lands) a fallback that counts a
person as insured when they belong, on that day, to any benefit category (privileged, МИО-paid or
contributor).
"""
from datetime import date

from django.apps import apps

from qalqan.people import selectors as people_selectors


def insured_on(person, day: date) -> bool:
    lookup = getattr(people_selectors, "insurance_status_of", None)
    if lookup is not None:
        return _truthy(lookup(person), day)
    try:
        model = apps.get_model("people", "InsuranceStatus")
    except LookupError:
        model = None
    if model is not None:
        return _truthy(model.objects.filter(person=person).first(), day)
    return person.memberships.valid_on(day).exists()


def _truthy(status, day: date) -> bool:
    """Read whatever shape the status has: a bool, or an object/dict with insured and insured_until."""
    if status is None:
        return False
    if isinstance(status, bool):
        return status
    get = status.get if isinstance(status, dict) else lambda name, default=None: getattr(status, name, default)
    insured = get("insured", None)
    if insured is None:
        insured = get("is_insured", False)
    until = get("insured_until", None)
    if insured and until is not None and isinstance(until, date) and day > until:  # until = last insured day
        return False
    return bool(insured)
