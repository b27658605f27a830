"""Demo contributions for the demo people, so that statuses are a realistic mix; idempotent (references are
deterministic, so a second run stores nothing new)."""
import random
from datetime import date

from django.utils import timezone

from . import insurance
from .contributions import contributions_intake
from .models import Contribution, Person, Refund, TemporaryStatusGrant
from .rates import RateBook
from .refunds import refund_approve, refund_pay, refund_request
from .status import status_recompute

SEED = 2026


def _period(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def demo_rows(people: list[tuple[int, str, set[str]]], *, today: date, book: RateBook) -> list[dict]:
    """Payments for the last months: most employees paid every month, some stopped (grace or lapsed), some
    entrepreneurs and self-payers behind; a few people without a category paid now and then."""
    rng = random.Random(SEED)
    now = insurance.month_index(today)
    rows = []

    def pay(iin, kind, first, last, amount_of, step=1):
        for month in range(first, last + 1, step):
            rows.append({"iin": iin, "kind": kind, "period": _period(month), "amount_tiyn": amount_of(month),
                         "reference": f"demo-{iin}-{kind}-{_period(month)}"})

    for _, iin, categories in people:
        luck = rng.random()
        if "employee" in categories:
            income = rng.choice([150_000, 250_000, 300_000, 450_000, 700_000, 1_200_000]) * 100
            employee = lambda m, income=income: book.due(kind="employee", period=insurance.month_start(m),  # noqa: E731
                                                          income_tiyn=income).amount_tiyn
            employer = lambda m, income=income: book.due(kind="employer", period=insurance.month_start(m),  # noqa: E731
                                                          income_tiyn=income).amount_tiyn
            if luck < 0.78:    # steady job for 1–6 years
                start = now - rng.randrange(13, 72)
                pay(iin, "employee", start, now - 1, employee)
                pay(iin, "employer", start, now - 1, employer)
            elif luck < 0.88:  # lost the job two months ago: still insured (grace)
                pay(iin, "employee", now - 30, now - 3, employee)
            else:              # irregular: gaps in the last year
                pay(iin, "employee", now - 14, now - 1, employee, step=2)
        elif "individual_entrepreneur" in categories:
            fixed = lambda m: book.due(kind="self_employed", period=insurance.month_start(m)).amount_tiyn  # noqa: E731
            pay(iin, "self_employed", now - (24 if luck < 0.7 else 30), now - (1 if luck < 0.7 else 8), fixed)
        elif "self_payer" in categories:
            monthly = book.due(kind="self_payer", period=today.replace(day=1)).amount_tiyn
            if luck < 0.6:     # paid the year at once: 51 000 ₸
                rows.append({"iin": iin, "kind": "self_payer", "period": _period(now - 11), "months": 12,
                             "amount_tiyn": 12 * monthly, "reference": f"demo-{iin}-year-{_period(now - 11)}"})
            else:
                pay(iin, "self_payer", now - 6, now - 1, lambda m: monthly)
        elif not categories and luck < 0.3:
            pay(iin, "self_payer", now - 5, now - 2, lambda m: 4_250_00)
    return rows


def demo_load(report, *, iins: list[str] | None = None) -> None:
    """Contributions for the demo people (`iins`, by default those of qalqan.demo.services.demo_people)."""
    if iins is None:
        from qalqan.demo.services import demo_people

        iins = [row["iin"] for row in demo_people()]
    today = timezone.localdate()
    book = RateBook()
    people = [(pk, iin, set()) for pk, iin in Person.objects.filter(iin__in=iins).order_by("pk")
              .values_list("pk", "iin")]
    by_pk = {pk: cats for pk, _, cats in people}
    for pk, code in Person.objects.filter(pk__in=by_pk).values_list("pk", "memberships__category"):
        if code:
            by_pk[pk].add(code)
    rows = demo_rows(people, today=today, book=book)
    # Two payments for ИИН the registry does not know yet: held in suspense until they appear.
    rows += [{"iin": "900101300007", "kind": "employee", "period": _period(insurance.month_index(today) - 1),
              "amount_tiyn": 6_000_00, "reference": "demo-suspense-1"},
             {"iin": "000101500001", "kind": "self_payer", "period": _period(insurance.month_index(today) - 1),
              "amount_tiyn": 4_250_00, "reference": "demo-suspense-2"}]
    created = 0
    for offset in range(0, len(rows), 10_000):
        created += contributions_intake(rows=rows[offset:offset + 10_000], today=today).created
    _demo_refunds()
    _demo_temporary_status(people, today=today)
    status_recompute(person_ids=[pk for pk, _, _ in people], today=today)
    if hasattr(report, "contributions"):
        report.contributions = created


def _demo_refunds() -> None:
    """Three refund requests in the fund's queue, one of them approved and paid."""
    if Refund.objects.filter(requested_by="demo").exists():
        return
    samples = list(Contribution.objects.filter(reference__startswith="demo-", in_suspense=False,
                                               kind="employee").order_by("id")[:3])
    for contribution, reason in zip(samples, ["duplicate", "wrong_person", "duplicate"]):
        refund_request(contribution_id=contribution.pk, reason=reason, requester=Refund.Requester.PAYER,
                       requested_by="demo", comment="demo: the employer reports an erroneous payment")
    first = Refund.objects.filter(requested_by="demo").order_by("id").first()
    if first:
        refund_approve(refund_id=first.pk, by="fund", reason="demo: bank statement checked")
        refund_pay(refund_id=first.pk)  # the queued payout finds it paid and does nothing


def _demo_temporary_status(people, *, today: date) -> None:
    if TemporaryStatusGrant.objects.exists():
        return
    uninsured = [pk for pk, _, cats in people if not cats]
    if uninsured:
        TemporaryStatusGrant.objects.create(person_id=uninsured[0], valid_from=today,
                                            valid_to=insurance.month_start(insurance.month_index(today) + 1),
                                            granted_by="fund", reason="demo: disability papers being re-issued")
