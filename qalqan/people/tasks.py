"""Celery tasks of the registry: thin, take ids, safe to run twice."""
import logging
from datetime import timedelta

from celery import shared_task

from qalqan.core.masking import mask_iins_in_text

from . import status as status_services

logger = logging.getLogger(__name__)


@shared_task(name="people.status_recompute")
def status_recompute(person_id: int) -> int:
    return status_services.status_recompute(person_ids=[person_id])


@shared_task(name="people.status_recompute_many")
def status_recompute_many(person_ids: list[int]) -> int:
    return status_services.status_recompute(person_ids=person_ids)


@shared_task(name="people.status_recompute_range")
def status_recompute_range(first_id: int, last_id: int) -> int:
    return status_services.status_recompute_range(first_id=first_id, last_id=last_id)


@shared_task(name="people.status_sweep")
def status_sweep() -> int:
    """Monthly: end every status whose last day has passed (one UPDATE), then recompute everyone by id range."""
    expired = status_services.status_expire()
    for first_id, last_id in status_services.person_id_ranges():
        status_recompute_range.delay(first_id, last_id)
    return expired


@shared_task(name="people.contributions_match")
def contributions_match(person_ids: list[int]) -> int:
    from .contributions import contributions_match as match

    return match(person_ids=person_ids)


@shared_task(name="people.refund_payout")
def refund_payout(refund_id: int) -> str:
    """Pay an approved refund out; when the bank refuses, the refund stays approved for refund_payouts_retry."""
    from .payouts import PayoutFailed
    from .refunds import refund_pay

    try:
        return refund_pay(refund_id=refund_id).status
    except PayoutFailed as exc:
        logger.warning("refund %s: payout refused (%s); it stays approved and is sent again later", refund_id,
                       mask_iins_in_text(str(exc)))
        return "approved"


@shared_task(name="people.refund_payouts_retry")
def refund_payouts_retry(min_age_seconds: int = 600) -> int:
    """Hourly: send again every approved refund not yet paid (the provider is idempotent by reference)."""
    from .refunds import refunds_awaiting_payout

    ids = refunds_awaiting_payout(min_age=timedelta(seconds=min_age_seconds))
    for refund_id in ids:
        refund_payout.delay(refund_id)
    return len(ids)
