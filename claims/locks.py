"""Row locks for claims, in the project's one order: policy → policy benefit → event → (instrument) → ledger
accounts (sorted by id inside transfer_post). Settlements lock the insurer's organisation row first, then its
events: two settlement runs of one insurer never interleave.

Intake stores its events, then takes transaction-level advisory locks on their (person, service date) keys
before the double-billing check and holds them until it commits, in ascending key order (so two batches never
deadlock): of two clinics reporting the same person's day at the same moment, the later waits for the earlier's
commit and sees its event (stored before the earlier took its locks). Two batches that share a key wait for each
other's check and commit, not for each other's inserts; a batch holds up to 1 000 of these locks, so the server's
lock table (max_locks_per_transaction × max_connections, 6 400 by default) must hold them for every intake
running at once: production raises max_locks_per_transaction (e.g. to 1 024)."""
from collections.abc import Iterable
from datetime import date

from policies.locks import lock_policy
from policies.models import Policy, PolicyBenefit
from qalqan.core.sql import fetch_one_prepared, plain_array
from qalqan.orgs.models import Organisation

from .models import InsuredEvent


def lock_event_chain(event_id: int) -> tuple[Policy | None, InsuredEvent]:
    """Lock the event's policy (if any), then the event."""
    policy_id = InsuredEvent.objects.filter(pk=event_id).values_list("policy_id", flat=True).get()
    policy = lock_policy(policy_id) if policy_id else None
    event = InsuredEvent.objects.select_for_update(of=("self",), no_key=True).select_related("clinic").get(pk=event_id)
    return policy, event


def lock_policy_benefit(policy_id: int, benefit: str) -> PolicyBenefit | None:
    return PolicyBenefit.objects.select_for_update().filter(policy_id=policy_id, benefit=benefit).first()


def lock_insurer(insurer_id: int) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=insurer_id)


# Advisory-lock keys of billing days: this module's tag in the top bits, the ИИН (12 digits < 2^40), the day
# (days since 2000-01-01, 16 bits). Exact, so two different days never share a key (a date outside 2000–2179
# wraps: at worst two intakes wait for each other needlessly).
_BILLING_DAY_TAG = 0x2A << 56
_EPOCH = date(2000, 1, 1)


def billing_day_key(iin: str, day: date) -> int:
    return _BILLING_DAY_TAG | int(iin) << 16 | ((day - _EPOCH).days & 0xFFFF)


def billing_day_keys(keys: Iterable[tuple[str, date]]) -> list[int]:
    """The advisory-lock keys of (ИИН, service date) pairs, distinct and ascending. Pairs with an ИИН that is not
    12 digits have none (no person, so no double billing)."""
    return sorted({billing_day_key(iin, day) for iin, day in keys
                   if len(iin) == 12 and iin.isascii() and iin.isdigit()})


# Holds, until the transaction ends, an advisory lock per key, taken in ascending order in one statement (unnest
# yields the keys in the array's sorted order); prepared once per connection.
LOCK_BILLING_DAYS = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k"


def lock_billing_days(keys: Iterable[tuple[str, date]]) -> int:
    """Hold, until the transaction ends, an advisory lock per (ИИН, service date) (billing_day_keys). Intake
    runs LOCK_BILLING_DAYS in a round trip with its inserts instead (claims/intake.py)."""
    ordered = billing_day_keys(keys)
    if not ordered:
        return 0
    return fetch_one_prepared(LOCK_BILLING_DAYS, [plain_array(map(str, ordered))])[0]
