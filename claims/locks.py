"""Row locks for claims, in the project's one order: policy → policy benefit → event → (instrument) → ledger
accounts (sorted by id inside transfer_post). Settlements lock the insurer's organisation row first, then its
events: two settlement runs of one insurer never interleave."""
from policies.locks import lock_policy
from policies.models import Policy, PolicyBenefit
from qalqan.orgs.models import Organisation

from .models import InsuredEvent


def lock_event_chain(event_id: int) -> tuple[Policy | None, InsuredEvent]:
    """Lock the event's policy (if any), then the event."""
    policy_id = InsuredEvent.objects.filter(pk=event_id).values_list("policy_id", flat=True).get()
    policy = lock_policy(policy_id) if policy_id else None
    event = InsuredEvent.objects.select_for_update().select_related("clinic").get(pk=event_id)
    return policy, event


def lock_policy_benefit(policy_id: int, benefit: str) -> PolicyBenefit | None:
    return PolicyBenefit.objects.select_for_update().filter(policy_id=policy_id, benefit=benefit).first()


def lock_insurer(insurer_id: int) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=insurer_id)
