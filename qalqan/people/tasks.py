"""Celery tasks of the registry: thin, take ids, safe to run twice."""
from celery import shared_task

from . import status as status_services


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
    from .refunds import refund_pay

    return refund_pay(refund_id=refund_id).status
