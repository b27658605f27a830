"""Object-level scoping of the feed (one place) and the policy record both the pull and the push send."""
from policies.models import Policy
from qalqan.orgs.principal import Principal

from .models import OutboxMessage


def feed_policies_for(principal: Principal):
    """The policies an insurer sees in its feed: its own, nothing else."""
    return (Policy.objects.filter(insurer_id=principal.org_id)
            .select_related("holder", "insurer", "version__product"))


def outbox_messages_for(principal: Principal):
    """Fund staff see every message; an insurer only its own."""
    messages = OutboxMessage.objects.select_related("insurer")
    if principal.kind == "fund":
        return messages
    return messages.filter(insurer_id=principal.org_id)


def policy_feed_item(policy: Policy) -> dict:
    holder = policy.holder
    return {
        "number": policy.number, "status": policy.status, "kind": policy.kind,
        "insurer": policy.insurer.code, "product": policy.version.product.code, "product_version": policy.version.number,
        "holder": {"iin": holder.iin, "last_name": holder.last_name, "first_name": holder.first_name,
                   "middle_name": holder.middle_name, "birth_date": holder.birth_date.isoformat(), "sex": holder.sex,
                   "region": holder.region},
        "start_date": policy.start_date.isoformat(), "end_date": policy.end_date.isoformat(),
        "ended_on": policy.ended_on.isoformat() if policy.ended_on else None,
        "price_tiyn": policy.price_tiyn, "subsidy_tiyn": policy.subsidy_tiyn, "premium_tiyn": policy.premium_tiyn,
        "topups_tiyn": policy.topups_tiyn, "face_value_tiyn": policy.face_value_tiyn,
        "updated_at": policy.updated_at.isoformat(),
    }
