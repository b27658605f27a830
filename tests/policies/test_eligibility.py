from datetime import date, timedelta

from django.utils import timezone

from policies.eligibility import _truthy, insured_on
from qalqan.people.status import status_recompute


def test_a_privileged_person_is_insured_through_the_materialised_status(make_person):
    person = make_person(categories=["disabled"])
    assert insured_on(person, timezone.localdate()) is False  # no status row yet: not insured
    status_recompute(person_ids=[person.pk])
    assert insured_on(person, timezone.localdate()) is True


def test_a_contributor_without_contributions_is_not_insured(make_person):
    person = make_person(categories=["employee"])
    status_recompute(person_ids=[person.pk])
    assert insured_on(person, timezone.localdate()) is False


def test_status_shapes_and_the_last_insured_day():
    day = date(2026, 5, 31)
    assert _truthy(None, day) is False and _truthy(True, day) is True
    assert _truthy({"insured": True, "insured_until": day}, day) is True
    assert _truthy({"insured": True, "insured_until": day - timedelta(days=1)}, day) is False
    assert _truthy({"is_insured": True}, day) is True
