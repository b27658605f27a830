"""Celery tasks of the feed: the outbox relay (beat every few seconds, and triggered after each commit)."""
from celery import shared_task

from . import services


@shared_task(name="feed.outbox_relay", ignore_result=True)
def outbox_relay() -> dict:
    result = services.outbox_relay()
    return {"delivered": result.delivered, "failed": result.failed, "dead": result.dead}
