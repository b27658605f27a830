"""Is a person insured (ОСМС status) on a day? One adapter for the whole policies flow (and the marketplace).

The contributions work owns the status (a materialised InsuranceStatus in qalqan.people). This adapter
reads it through, in order: `qalqan.people.selectors.insurance_status_of(person)`, or
`qalqan.people.insurance_selectors.status_of(person)`, whichever exists; else the `people.InsuranceStatus`
model; else (before any of them existed) a fallback that counts a person as insured when they belong, on
that day, to any benefit category. No status row means not insured.
"""
import importlib
from datetime import date

from django.apps import apps

_LOOKUPS = (("qalqan.people.selectors", "insurance_status_of"), ("qalqan.people.insurance_selectors", "status_of"))


def _status_lookup():
    for module_name, function in _LOOKUPS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        lookup = getattr(module, function, None)
        if lookup is not None:
            return lookup
    return None


def insured_on(person, day: date) -> bool:
    lookup = _status_lookup()
    if lookup is not None:
        return _truthy(lookup(person), day)
    try:
        model = apps.get_model("people", "InsuranceStatus")
    except LookupError:
        return person.memberships.valid_on(day).exists()
    return _truthy(model.objects.filter(person=person).first(), day)


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
