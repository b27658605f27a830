"""Reads of policies, benefits and tariffs that claims need (the policies app's models, queried here).

`facts_for(...)` gathers in a handful of queries everything the format-logical checks need for a whole batch.
"""
import time
from datetime import date

from policies.models import Policy
from qalqan.people.models import Person

from .checks import BenefitFact, Facts, PolicyFact, TariffFact
from .models import ClaimRule, InsuredEvent, ServiceTariff

# A policy covers service dates in its term while it is (or was, until it ended) in force.
COVERING_STATUSES = (Policy.Status.ACTIVE, Policy.Status.EXPIRED, Policy.Status.CANCELLED, Policy.Status.TRANSFERRED)


TARIFF_CACHE_SECONDS = 60
_tariffs: tuple[float, dict[str, list[TariffFact]]] | None = None


def tariff_facts() -> dict[str, list[TariffFact]]:
    """The whole (small) dated tariff table, kept in the process for a minute: tariffs change by law, rarely."""
    global _tariffs
    now = time.monotonic()
    if _tariffs is not None and now - _tariffs[0] < TARIFF_CACHE_SECONDS:
        return _tariffs[1]
    tariffs: dict[str, list[TariffFact]] = {}
    for row in ServiceTariff.objects.values_list("code", "benefit", "tariff_tiyn", "valid_from", "valid_to"):
        tariffs.setdefault(row[0], []).append(TariffFact(*row))
    _tariffs = (now, tariffs)
    return tariffs


def tariffs_forget() -> None:
    """Drop the process cache (after the table changes, and in tests)."""
    global _tariffs
    _tariffs = None


def policy_facts(person_ids) -> dict[int, list[PolicyFact]]:
    """Every policy that may cover a day for these persons, with its benefits (one query; two with rules)."""
    rows = list(Policy.objects.filter(holder_id__in=person_ids, status__in=COVERING_STATUSES).values_list(
        "id", "number", "insurer_id", "version__product_id", "start_date", "end_date", "ended_on", "holder_id",
        "benefits__benefit", "benefits__limit_tiyn", "benefits__used_tiyn", "benefits__waiting_until"))
    if not rows:
        return {}
    above = set(ClaimRule.objects.filter(product_id__in={r[3] for r in rows}, allow_above_tariff=True)
                .values_list("product_id", flat=True))
    policies: dict[int, PolicyFact] = {}
    result: dict[int, list[PolicyFact]] = {}
    for pid, number, insurer_id, product_id, start, end, ended_on, holder_id, code, limit, used, waiting in rows:
        policy = policies.get(pid)
        if policy is None:
            until = min(end, ended_on) if ended_on else end
            policy = policies[pid] = PolicyFact(
                id=pid, number=number, insurer_id=insurer_id, product_id=product_id, covers_from=start,
                covers_until=until, benefits={}, allow_above_tariff=product_id in above)
            result.setdefault(holder_id, []).append(policy)
        if code is not None:
            policy.benefits[code] = BenefitFact(code, limit, used, waiting)
    return result


def facts_for(*, iins, days) -> Facts:
    """Facts for a batch: persons by ИИН, their covering policies, tariffs, and services already billed."""
    person_ids = dict(Person.objects.filter(iin__in=set(iins)).values_list("iin", "id"))
    facts = Facts(person_ids=person_ids, tariffs=tariff_facts())
    if person_ids:
        facts.policies = policy_facts(person_ids.values())
        for person_id, code, day, clinic_id in (
                InsuredEvent.objects.filter(person_id__in=person_ids.values(), service_date__in=set(days))
                .exclude(status=InsuredEvent.Status.INVALID)
                .values_list("person_id", "service_code", "service_date", "clinic_id")):
            facts.billed.setdefault((person_id, code, day), set()).add(clinic_id)
    return facts
