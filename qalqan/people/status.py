"""The materialised insurance status: recomputed in bulk from the facts, read by look-ups as is.

`status_recompute` loads the facts of up to a few thousand people in a handful of queries, runs the pure
rules of `insurance.py` per person and writes every row back with one INSERT … ON CONFLICT.
"""
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from qalqan.refdata.models import BenefitCategory

from . import insurance
from .models import InsuranceRule, InsuranceStatus, Person, TemporaryStatusGrant

CHUNK = 5000
INSURING_GROUPS = (BenefitCategory.Group.PRIVILEGED, BenefitCategory.Group.MIO)


class StatusRefused(ValueError):
    pass


def insuring_categories() -> tuple[insurance.InsuringCategory, ...]:
    rows = BenefitCategory.objects.filter(group__in=INSURING_GROUPS).values_list("code", "valid_from", "valid_to")
    return tuple(insurance.InsuringCategory(code, start, end) for code, start, end in rows)


def status_rules() -> tuple[insurance.Rule, ...]:
    return tuple(
        insurance.Rule(r.valid_from, r.valid_to, r.required_months, r.grace_months, r.long_grace_months,
                       r.long_streak_months)
        for r in InsuranceRule.objects.order_by("valid_from")
    )


_PAID_SQL = """
SELECT c.person_id, c.period, c.months
FROM people_contribution c
WHERE c.person_id = ANY(%(ids)s) AND c.period >= %(since)s
  AND c.amount_tiyn > COALESCE((SELECT sum(r.amount_tiyn) FROM people_refund r
                                WHERE r.contribution_id = c.id AND r.status IN ('approved', 'paid')), 0)
"""

# Arrays (= ANY) rather than Django's `__in`: a chunk is thousands of ids, one parameter instead of thousands.
_MEMBERSHIPS_SQL = """
SELECT m.person_id, m.category, m.valid_from, m.valid_to FROM people_categorymembership m
WHERE m.person_id = ANY(%(ids)s)
"""
_GRANTS_SQL = """
SELECT g.person_id, g.valid_from, g.valid_to FROM people_temporarystatusgrant g
WHERE g.person_id = ANY(%(ids)s) AND g.valid_to > %(today)s
"""
_EXISTING_SQL = "SELECT id FROM people_person WHERE id = ANY(%(ids)s) ORDER BY id"

_UPSERT_SQL = """
INSERT INTO people_insurancestatus (person_id, insured, basis, insured_until, debt_months, computed_at,
                                    computed_for)
SELECT t.*, %(now)s, %(today)s
FROM unnest(%(pid)s::bigint[], %(insured)s::boolean[], %(basis)s::text[], %(until)s::date[],
            %(debt)s::smallint[]) AS t
ON CONFLICT (person_id) DO UPDATE SET
    insured = EXCLUDED.insured, basis = EXCLUDED.basis, insured_until = EXCLUDED.insured_until,
    debt_months = EXCLUDED.debt_months, computed_at = EXCLUDED.computed_at, computed_for = EXCLUDED.computed_for
"""


def facts_for(person_ids: list[int], *, today: date) -> dict[int, insurance.Facts]:
    """The facts of these people, as the pure rules take them."""
    since = insurance.month_start(insurance.month_index(today) - insurance.LOOKBACK_MONTHS - 12)
    paid: dict[int, set[int]] = {pk: set() for pk in person_ids}
    memberships: dict[int, list] = {pk: [] for pk in person_ids}
    grants: dict[int, list] = {pk: [] for pk in person_ids}
    with connection.cursor() as cursor:
        cursor.execute(_PAID_SQL, {"ids": person_ids, "since": since})
        for pk, period, months in cursor.fetchall():
            first = insurance.month_index(period)
            paid[pk].update(range(first, first + months))
        cursor.execute(_MEMBERSHIPS_SQL, {"ids": person_ids})
        for pk, code, start, end in cursor.fetchall():
            memberships[pk].append(insurance.Membership(code, start, end))
        cursor.execute(_GRANTS_SQL, {"ids": person_ids, "today": today})
        for pk, start, end in cursor.fetchall():
            grants[pk].append(insurance.Grant(start, end))
    return {
        pk: insurance.Facts(frozenset(paid[pk]), tuple(memberships[pk]), tuple(grants[pk])) for pk in person_ids
    }


def status_recompute(*, person_ids, today: date | None = None) -> int:
    """Recompute and store the status of these people (ids of missing people are skipped). Idempotent."""
    today = today or timezone.localdate()
    ids = sorted(set(person_ids))
    if not ids:
        return 0
    insuring, rules = insuring_categories(), status_rules()
    done = 0
    for offset in range(0, len(ids), CHUNK):
        with connection.cursor() as cursor:
            cursor.execute(_EXISTING_SQL, {"ids": ids[offset:offset + CHUNK]})
            chunk = [pk for (pk,) in cursor.fetchall()]
        done += _recompute_chunk(chunk, insuring=insuring, rules=rules, today=today)
    return done


@transaction.atomic
def _recompute_chunk(ids: list[int], *, insuring, rules, today: date) -> int:
    if not ids:
        return 0
    facts = facts_for(ids, today=today)
    columns: dict[str, list] = {"pid": [], "insured": [], "basis": [], "until": [], "debt": []}
    for pk in ids:
        status = insurance.insurance_status_compute(facts=facts[pk], insuring=insuring, rules=rules, today=today)
        columns["pid"].append(pk)
        columns["insured"].append(status.insured)
        columns["basis"].append(status.basis)
        columns["until"].append(status.insured_until)
        columns["debt"].append(len(status.debt_months))
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, {**columns, "now": timezone.now(), "today": today})
    return len(ids)


def status_expire(*, today: date | None = None) -> int:
    """Set-based first step of the monthly sweep: a status whose last insured day has passed ends now."""
    today = today or timezone.localdate()
    return InsuranceStatus.objects.filter(insured=True, insured_until__lt=today).update(
        insured=False, basis=None, insured_until=None, computed_at=timezone.now(), computed_for=today)


def person_id_ranges(*, size: int = CHUNK) -> list[tuple[int, int]]:
    """Consecutive id ranges of about `size` people, for the sweep to recompute chunk by chunk."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS bucket "
            "FROM people_person) t GROUP BY bucket ORDER BY 1", [size])
        return [(lo, hi) for lo, hi in cursor.fetchall()]


def status_recompute_range(*, first_id: int, last_id: int, today: date | None = None) -> int:
    ids = list(Person.objects.filter(pk__gte=first_id, pk__lte=last_id).values_list("pk", flat=True))
    return status_recompute(person_ids=ids, today=today)


def status_recompute_on_commit(person_ids) -> None:
    """Queue the recompute of these people once the current transaction commits."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    from .tasks import status_recompute as recompute_one, status_recompute_many

    def enqueue():
        if len(ids) == 1:
            recompute_one.delay(ids[0])
        else:
            for offset in range(0, len(ids), CHUNK):
                status_recompute_many.delay(ids[offset:offset + CHUNK])

    transaction.on_commit(enqueue)


@transaction.atomic
def temporary_status_grant(*, person_id: int, by: str, reason: str, today: date | None = None) -> TemporaryStatusGrant:
    """Fund staff grant a privileged person wrongly shown as uninsured a temporary status (one month)."""
    today = today or timezone.localdate()
    if not reason.strip():
        raise StatusRefused("a temporary status needs the documents it rests on (reason)")
    person = Person.objects.select_for_update().get(pk=person_id)
    if TemporaryStatusGrant.objects.filter(person=person, valid_from__lte=today, valid_to__gt=today).exists():
        raise StatusRefused("this person already holds a temporary status today")
    shown = (InsuranceStatus.objects.filter(person=person, insured=True)
             .filter(Q(insured_until__isnull=True) | Q(insured_until__gte=today)).first())
    if shown is not None:
        raise StatusRefused(f"this person is shown as insured already (basis: {shown.basis}); a temporary status "
                            "is for someone wrongly shown as uninsured")
    rule = InsuranceRule.objects.valid_on(today).first()
    months = rule.temporary_months if rule else 1
    end = insurance.month_start(insurance.month_index(today) + months)
    end = end.replace(day=min(today.day, (insurance.month_start(insurance.month_index(end) + 1) - timedelta(days=1)).day))
    grant = TemporaryStatusGrant.objects.create(person=person, valid_from=today, valid_to=end, granted_by=by,
                                                reason=reason)
    status_recompute_on_commit([person.pk])
    return grant
