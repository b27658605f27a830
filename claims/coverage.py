"""Reads of policies, benefits and tariffs that claims need (the policies app's models, queried here).

`facts_for(...)` gathers in a handful of queries everything the format-logical checks need for a whole batch.
"""
from datetime import date

from policies.models import Policy, PolicyBenefit
from qalqan.people.models import Person

from .checks import BenefitFact, Facts, PolicyFact, TariffFact
from .models import ClaimRule, InsuredEvent, ServiceTariff

# A policy covers service dates in its term while it is (or was, until it ended) in force.
COVERING_STATUSES = (Policy.Status.ACTIVE, Policy.Status.EXPIRED, Policy.Status.CANCELLED, Policy.Status.TRANSFERRED)


def tariff_facts() -> dict[str, list[TariffFact]]:
    tariffs: dict[str, list[TariffFact]] = {}
    for row in ServiceTariff.objects.values_list("code", "benefit", "tariff_tiyn", "valid_from", "valid_to"):
        tariffs.setdefault(row[0], []).append(TariffFact(*row))
    return tariffs


def policy_facts(person_ids) -> dict[int, list[PolicyFact]]:
    """Every policy that may cover a day for these persons, with its benefits (two queries, three with rules)."""
    rows = list(Policy.objects.filter(holder_id__in=person_ids, status__in=COVERING_STATUSES).values_list(
        "id", "number", "insurer_id", "version__product_id", "start_date", "end_date", "ended_on", "holder_id"))
    if not rows:
        return {}
    benefits: dict[int, dict[str, BenefitFact]] = {}
    for policy_id, code, limit, used, waiting in PolicyBenefit.objects.filter(
            policy_id__in=[r[0] for r in rows]).values_list("policy_id", "benefit", "limit_tiyn", "used_tiyn",
                                                             "waiting_until"):
        benefits.setdefault(policy_id, {})[code] = BenefitFact(code, limit, used, waiting)
    above = set(ClaimRule.objects.filter(product_id__in={r[3] for r in rows}, allow_above_tariff=True)
                .values_list("product_id", flat=True))
    result: dict[int, list[PolicyFact]] = {}
    for pid, number, insurer_id, product_id, start, end, ended_on, holder_id in rows:
        until = min(end, ended_on) if ended_on else end
        result.setdefault(holder_id, []).append(PolicyFact(
            id=pid, number=number, insurer_id=insurer_id, product_id=product_id, covers_from=start,
            covers_until=until, benefits=benefits.get(pid, {}), allow_above_tariff=product_id in above))
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


def eligibility_of(person: Person | None, day: date) -> list[dict]:
    """The person's policies covering `day` with the remaining limit per benefit."""
    if person is None:
        return []
    policies = (Policy.objects.filter(holder=person, status=Policy.Status.ACTIVE, start_date__lte=day,
                                      end_date__gt=day)
                .select_related("insurer").prefetch_related("benefits").order_by("id"))
    return [{"number": p.number, "insurer": p.insurer.code,
             "benefits": [{"code": b.benefit, "remaining_tiyn": b.remaining_tiyn,
                           "limit_tiyn": b.limit_tiyn, "waiting_until": b.waiting_until} for b in p.benefits.all()]}
            for p in policies]
