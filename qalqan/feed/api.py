"""Insurer feed API: the pull feed of this insurer's policies, dead letters and re-delivery; fund endpoints."""
from datetime import datetime

from ninja import Router, Schema

from qalqan.api.auth import BearerAuth, fund_auth, insurer_auth
from qalqan.api.errors import NotFound, Unprocessable
from qalqan.api.pagination import paginate

from . import services
from .models import InsurerEndpoint
from .selectors import feed_policies_for, outbox_messages_for, policy_feed_item

router = Router(tags=["insurer feed"])
staff_auth = BearerAuth("insurer", "fund")


class Page(Schema):
    items: list[dict]
    next_cursor: str | None


class MessageOut(Schema):
    id: int
    insurer: str
    event_id: str
    event_type: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    dead_at: datetime | None
    last_status: int | None
    last_error: str


class EndpointIn(Schema):
    insurer: str
    url: str
    is_active: bool = True


class SecretOut(Schema):
    id: int
    created_at: datetime
    expires_at: datetime | None


class EndpointOut(Schema):
    id: int
    insurer: str
    url: str
    is_active: bool
    secrets: list[SecretOut]
    secret: str | None = None


def message_out(message) -> dict:
    return {"id": message.pk, "insurer": message.insurer.code, "event_id": str(message.event_id),
            "event_type": message.event_type, "state": message.state, "attempts": message.attempts,
            "created_at": message.created_at, "next_attempt_at": message.next_attempt_at, "dead_at": message.dead_at,
            "last_status": message.last_status, "last_error": message.last_error}


def endpoint_out(endpoint: InsurerEndpoint, secret: str | None = None) -> dict:
    return {"id": endpoint.pk, "insurer": endpoint.insurer.code, "url": endpoint.url, "is_active": endpoint.is_active,
            "secrets": [{"id": s.pk, "created_at": s.created_at, "expires_at": s.expires_at}
                        for s in services.endpoint_valid_secrets(endpoint)],
            "secret": secret}


@router.get("/insurer/policies", auth=insurer_auth, response=Page,
            summary="The policy data feed: this insurer's policies changed since `updated_since` (RFC 3339), "
                    "oldest change first, with a cursor")
def get_insurer_policies(request, updated_since: datetime | None = None, limit: int | None = None,
                         cursor: str | None = None):
    policies = feed_policies_for(request.principal)
    if updated_since is not None:
        if updated_since.tzinfo is None:
            raise Unprocessable.for_field("updated_since", "updated_since needs a time zone (RFC 3339)")
        policies = policies.filter(updated_at__gte=updated_since)
    return paginate(policies, limit=limit, cursor=cursor, serialize=policy_feed_item, keys=("updated_at", "id"))


@router.get("/insurer/feed/dead-letters", auth=staff_auth, response=Page,
            summary="Messages the relay gave up on (an insurer sees its own; the fund sees all)")
def get_dead_letters(request, limit: int | None = None, cursor: str | None = None):
    dead = outbox_messages_for(request.principal).filter(dead_at__isnull=False)
    return paginate(dead, limit=limit, cursor=cursor, serialize=message_out)


@router.post("/insurer/feed/dead-letters/{message_id}/redeliver", auth=staff_auth, response=MessageOut,
             summary="Queue a dead message for delivery again (409 when it is not dead)")
def post_redeliver(request, message_id: int):
    message = outbox_messages_for(request.principal).filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    message = services.outbox_redeliver(message_id=message.pk, by=request.principal.actor)
    return message_out(outbox_messages_for(request.principal).get(pk=message.pk))


@router.get("/fund/insurer-endpoints", auth=fund_auth, response=list[EndpointOut],
            summary="Insurers' webhook endpoints and their valid secrets (secret values are never listed)")
def get_endpoints(request):
    return [endpoint_out(e) for e in InsurerEndpoint.objects.select_related("insurer").order_by("insurer__code")]


@router.post("/fund/insurer-endpoints", auth=fund_auth, response={201: EndpointOut, 200: EndpointOut},
             summary="Register an insurer's webhook URL (201 with its first secret, shown once) or change it (200)")
def post_endpoint(request, body: EndpointIn):
    if not body.url.startswith(("http://", "https://")):
        raise Unprocessable.for_field("url", "url must be http(s)")
    try:
        saved = services.endpoint_register(insurer_code=body.insurer, url=body.url, is_active=body.is_active)
    except services.UnknownInsurer as exc:
        raise Unprocessable.for_field("insurer", str(exc)) from None
    return (201 if saved.new_secret else 200), endpoint_out(saved.endpoint, saved.new_secret)


@router.post("/fund/insurer-endpoints/{endpoint_id}/rotate", auth=fund_auth, response=EndpointOut,
             summary="A new signing secret (shown once); the old one stays valid for the overlap period")
def post_rotate(request, endpoint_id: int):
    if not InsurerEndpoint.objects.filter(pk=endpoint_id).exists():
        raise NotFound()
    saved = services.endpoint_rotate_secret(endpoint_id=endpoint_id)
    return endpoint_out(InsurerEndpoint.objects.select_related("insurer").get(pk=endpoint_id), saved.new_secret)
