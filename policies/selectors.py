"""Policy reads; the one place that scopes applications and policies to their holder (others' → 404)."""
from datetime import date

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone

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


def policy_of(principal, number: str, *, today: date | None = None) -> Policy | None:
    """The term of this number that matters now: the one covering today, else the latest not cancelled, else the
    latest (after a renewal one number has several terms)."""
    today = today or timezone.localdate()
    return (policies_for(principal).filter(number=number)
            .annotate(rank=Case(When(Q(start_date__lte=today, end_date__gt=today)
                                     & ~Q(status=Policy.Status.CANCELLED), then=Value(0)),
                                When(~Q(status=Policy.Status.CANCELLED), then=Value(1)),
                                default=Value(2), output_field=IntegerField()))
            .order_by("rank", "-start_date", "-id").first())


def renewal_of(policy: Policy) -> Policy | None:
    """The next term renewing `policy` (not cancelled), for the policy page."""
    return (Policy.objects.filter(application__renews=policy).exclude(status=Policy.Status.CANCELLED)
            .select_related("insurer", "version__product").order_by("-id").first())
