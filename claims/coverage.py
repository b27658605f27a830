"""Reads of policies, benefits and tariffs that claims need (the policies app's models, queried here).

Two statements give everything the format-logical checks need for a whole batch, whatever its size:
PERSONS_AND_POLICIES (read into Facts by `facts_from`) and BILLED_ELSEWHERE (`add_billed`); intake runs them
inside its own round trips (claims/intake.py).
"""
import time
from datetime import date

from insurers.models import ProductVersion
from policies.models import Policy, PolicyBenefit
from qalqan.core.sql import plain_array, quoted_array
from qalqan.orgs.models import Organisation
from qalqan.people.models import Person

from .checks import BenefitFact, Facts, PolicyFact, TariffFact
from .models import ClaimRule, InsuredEvent, ServiceTariff

# A policy covers service dates in its term while it is (or was, until it ended) in force.
COVERING_STATUSES = [s.value for s in (Policy.Status.ACTIVE, Policy.Status.EXPIRED, Policy.Status.CANCELLED,
                                       Policy.Status.TRANSFERRED)]


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


# Every policy of the batch's persons that may cover a day (the covering statuses), with its benefits, the
# insurer's code and the product's tariff tolerance, and each person's notification contact: one statement with
# the ИИНs as one array parameter (no placeholder per value to build and parse), prepared once per connection.
PERSONS_AND_POLICIES = f"""
SELECT person.iin, person.id, person.notify_channel, person.email,
       policy.id, policy.number, policy.insurer_id, insurer.code, version.product_id, policy.start_date,
       policy.end_date, policy.ended_on, benefit.benefit, benefit.limit_tiyn, benefit.used_tiyn,
       benefit.waiting_until, rule.allow_above_tariff IS TRUE
  FROM {Person._meta.db_table} person
  LEFT JOIN {Policy._meta.db_table} policy ON policy.holder_id = person.id AND policy.status = ANY(%s)
  LEFT JOIN {Organisation._meta.db_table} insurer ON insurer.id = policy.insurer_id
  LEFT JOIN {ProductVersion._meta.db_table} version ON version.id = policy.version_id
  LEFT JOIN {PolicyBenefit._meta.db_table} benefit ON benefit.policy_id = policy.id
  LEFT JOIN {ClaimRule._meta.db_table} rule ON rule.product_id = version.product_id
 WHERE person.iin = ANY(%s::text[])
"""


def persons_and_policies_params(iins) -> list:
    return [COVERING_STATUSES, quoted_array(sorted(set(iins)))]


# The services other clinics have already billed for these (ИИН, day) pairs: the double-billing check. One index
# probe per pair (persons = ANY(…) AND days = ANY(…) probed every person on every day of the batch).
BILLED_ELSEWHERE = f"""
SELECT person.id, event.service_code, event.service_date, event.clinic_id
  FROM (SELECT DISTINCT * FROM unnest(%s::text[], %s::date[])) AS billing_day(iin, day)
  JOIN {Person._meta.db_table} person ON person.iin = billing_day.iin
  JOIN {InsuredEvent._meta.db_table} event
    ON event.person_id = person.id AND event.service_date = billing_day.day
 WHERE event.status <> %s AND event.clinic_id <> %s
"""


def billed_elsewhere_params(pairs: list[tuple[str, date]], *, clinic_id: int) -> list:
    """BILLED_ELSEWHERE's parameters for (ИИН, service date) pairs, for a clinic."""
    return [quoted_array([iin for iin, _ in pairs]), plain_array([day.isoformat() for _, day in pairs]),
            InsuredEvent.Status.INVALID.value, clinic_id]


def facts_from(rows: list[tuple]) -> Facts:
    """Facts from the rows of PERSONS_AND_POLICIES: persons by ИИН (with their notification contact), their
    covering policies with benefits, and the tariffs; nothing billed yet (add_billed)."""
    facts = Facts(tariffs=tariff_facts())
    policies: dict[int, PolicyFact] = {}
    for (iin, person_id, channel, email, pid, number, insurer_id, insurer_code, product_id, start, end, ended_on,
         code, limit, used, waiting, above) in rows:
        if iin not in facts.person_ids:
            facts.person_ids[iin] = person_id
            facts.contacts[person_id] = (channel, email)
        if pid is None:
            continue
        policy = policies.get(pid)
        if policy is None:
            until = min(end, ended_on) if ended_on else end
            policy = policies[pid] = PolicyFact(
                id=pid, number=number, insurer_id=insurer_id, product_id=product_id, covers_from=start,
                covers_until=until, benefits={}, allow_above_tariff=above, insurer_code=insurer_code)
            facts.policies.setdefault(person_id, []).append(policy)
        if code is not None:
            policy.benefits[code] = BenefitFact(code, limit, used, waiting)
    return facts


def add_billed(facts: Facts, rows: list[tuple]) -> None:
    """Add the rows of BILLED_ELSEWHERE to the facts."""
    for person_id, code, day, clinic_id in rows:
        facts.billed.setdefault((person_id, code, day), set()).add(clinic_id)

