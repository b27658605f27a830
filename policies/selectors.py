"""Policy reads; the one place that scopes applications and policies to their holder (others' → 404)."""
from django.db.models import Prefetch

from .models import Application, Policy, PolicyBenefit


def applications_for(principal):
    if principal is None or principal.kind != "citizen":
        return Application.objects.none()
    return Application.objects.filter(person_id=principal.person_id)


def policies_for(principal):
    """The caller's current policies (a transferred row is history; its successor carries the number)."""
    if principal is None or principal.kind != "citizen":
        return Policy.objects.none()
    return (Policy.objects.filter(holder_id=principal.person_id).exclude(status=Policy.Status.TRANSFERRED)
            .select_related("insurer", "version__product", "holder")
            .prefetch_related(Prefetch("benefits", queryset=PolicyBenefit.objects.order_by("benefit"))))


def policy_of(principal, number: str) -> Policy | None:
    return policies_for(principal).filter(number=number).first()
