"""Subsidised policies made directly (the application flow is tested in tests/policies)."""
from datetime import date

from django.utils import timezone

from insurers.services import BenefitIn, pricing_tables_sync, product_publish
from policies.instruments import instrument_issue
from policies.models import Policy

SUBSIDY_TERM_TIYN = 5_200_000


def basic_version(insurer, code: str = "basic"):
    pricing_tables_sync()
    return product_publish(insurer=insurer, code=code, name=code.title(), kind="osms",
                           benefits=[BenefitIn("inpatient", 300_000_000)], valid_from=date(2020, 1, 1))


def make_policy(*, holder, insurer, version, start: date = date(2026, 1, 1), end: date = date(2027, 1, 1),
                status: str = Policy.Status.ACTIVE, subsidy_tiyn: int = SUBSIDY_TERM_TIYN, subsidy_posted=False,
                ended_on: date | None = None) -> Policy:
    instrument = instrument_issue(holder=holder, custodian=insurer, face_value_tiyn=subsidy_tiyn, valid_from=start,
                                  valid_to=end)
    return Policy.objects.create(
        number=instrument.number, instrument=instrument, holder=holder, insurer=insurer, version=version,
        kind="osms", start_date=start, end_date=end, price_tiyn=subsidy_tiyn, subsidy_tiyn=subsidy_tiyn,
        premium_tiyn=0, status=status, subsidy_posted=subsidy_posted, ended_on=ended_on,
        activated_at=timezone.now() if status != Policy.Status.ISSUED else None)
