"""Demo: clinics have reported services to some policy holders, so that the clinic's events, the patient's
confirmations, the insurer's adjudication queue, the commissioner's disputes and the payouts all have
something to show. Each holder's events take a different road: left with the patient, confirmed and left to
the insurer, approved (and, for one insurer, settled and paid), denied, disputed. Idempotent: the demo's
events are reported once (the clinic's event ids start with DEMO-)."""
from datetime import timedelta

from django.utils import timezone

from policies.models import Policy
from qalqan.orgs.models import Organisation

from .checks import EventItem
from .intake import events_receive
from .models import InsuredEvent
from .services import claim_approve, claim_deny, event_confirm, event_dispute
from .settlement import settlements_run

HOLDERS = 24
# (service code, benefit, amount in tiyn, ICD-10); amounts at or under each service's tariff
SERVICES = [("KDU-001", "kdu", 500_000, "J06.9"), ("KDU-002", "kdu", 120_000, "D64.9"),
            ("KDU-001", "kdu", 450_000, "I10")]
ROADS = ["awaiting", "confirmed", "approved", "approved", "denied", "disputed"]
BY = "demo"


def demo_load(report) -> None:
    demo_events = InsuredEvent.objects.filter(event_id__startswith="DEMO-")
    if not demo_events.exists():
        _report_services(sample_citizens=report.sample_citizens)
    report.claims = demo_events.count()


def _report_services(*, sample_citizens: list[str]) -> None:
    clinics = list(Organisation.objects.filter(kind=Organisation.Kind.CLINIC).order_by("code"))
    active = Policy.objects.filter(status=Policy.Status.ACTIVE).select_related("holder").order_by("id")
    # The sample citizens (who have demo tokens) come first: the first road leaves events for them to answer.
    samples = list(active.filter(holder__iin__in=sample_citizens))
    policies = samples + list(active.exclude(pk__in=[p.pk for p in samples])[:HOLDERS - len(samples)])
    if not clinics or not policies:
        return
    today = timezone.localdate()
    for n, policy in enumerate(policies):
        clinic = clinics[n % len(clinics)]
        items = [EventItem(event_id=f"DEMO-{policy.pk}-{k}", iin=policy.holder.iin, service_code=code,
                           icd10=icd10, service_date=max(policy.start_date, today - timedelta(days=1 + k)),
                           amount_tiyn=amount, benefit=benefit)
                 for k, (code, benefit, amount, icd10) in enumerate(SERVICES)]
        received = events_receive(clinic=clinic, items=items)
        road = "awaiting" if policy in samples else ROADS[n % len(ROADS)]
        _take_road(road, [r.id for r in received if r.status == "awaiting_patient"])
    insurer = Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("code").first()
    settlements_run(insurer_id=insurer.pk, by=BY)


def _take_road(road: str, event_ids: list[int]) -> None:
    for event_id in event_ids:
        if road == "awaiting":
            continue
        if road == "disputed":
            event_dispute(event_id=event_id, by=BY, comment="I was not at this clinic that day")
            continue
        event_confirm(event_id=event_id, by=BY)
        if InsuredEvent.objects.get(pk=event_id).status in InsuredEvent.APPROVED_STATUSES:
            continue  # the product's rule approved it at once
        if road == "approved":
            claim_approve(event_id=event_id, by=BY)
        elif road == "denied":
            claim_deny(event_id=event_id, by=BY, reason_code="not_medically_necessary",
                       comment="the service does not match the diagnosis")
