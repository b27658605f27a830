"""Staff pages of the insurer feed: deliveries (what the relay did with each message: attempts, HTTP status,
last error), dead letters with re-delivery, and — for fund staff — the insurers' webhook endpoints.

Fund staff see every insurer; insurer staff the same pages for their own organisation only (the scoping is
selectors.outbox_messages_for: another insurer's message is a 404). Other users get 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qalqan.orgs.models import Organisation
from qalqan.orgs.principal import Principal, principal_for_user

from . import services
from .forms import DeliveryFilterForm, EndpointForm
from .models import InsurerEndpoint
from .selectors import outbox_messages_for

RECENT = 200


def _staff(request, *kinds: str) -> Principal:
    principal = principal_for_user(request.user)
    if principal is None or principal.kind not in (kinds or ("fund", "insurer")):
        raise PermissionDenied("fund or insurer staff only")
    return principal


def _actor(request, principal: Principal) -> str:
    return f"{principal.organisation.code}:{request.user.get_username()}"


def _insurer_choices(principal: Principal) -> list[tuple[str, str]] | None:
    if principal.kind != "fund":
        return None
    return list(Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("code")
                .values_list("code", "name"))


@login_required
@require_GET
def deliveries(request):
    principal = _staff(request)
    form = DeliveryFilterForm(request.GET, insurers=_insurer_choices(principal))
    scoped = outbox_messages_for(principal)
    recent = form.filter(scoped).order_by("-id")[:RECENT]
    waiting = scoped.filter(delivered_at__isnull=True, dead_at__isnull=True)
    return render(request, "feed/deliveries.html", {
        "principal": principal, "form": form, "messages_list": recent,
        "waiting": waiting.count(), "failing": waiting.filter(attempts__gt=0).count(),
        "dead": scoped.filter(dead_at__isnull=False).count()})


@login_required
@require_GET
def dead_letters(request):
    principal = _staff(request)
    dead = outbox_messages_for(principal).filter(dead_at__isnull=False).order_by("-dead_at", "-id")[:RECENT]
    return render(request, "feed/dead_letters.html", {"principal": principal, "messages_list": dead})


@login_required
@require_POST
def redeliver(request, message_id: int):
    principal = _staff(request)
    message = outbox_messages_for(principal).filter(pk=message_id).first()
    if message is None:
        raise Http404("no such message")
    try:
        services.outbox_redeliver(message_id=message.pk, by=_actor(request, principal))
        messages.success(request, _("Message %(id)s is queued for delivery again.") % {"id": message.event_id})
    except services.NotDead:
        messages.error(request, _("Message %(id)s is %(state)s, not dead: only a dead letter can be re-delivered.")
                       % {"id": message.event_id, "state": message.state})
    return redirect("feed:dead-letters")


def _endpoints_page(request, principal: Principal, form: EndpointForm, *, secret: str | None = None, saved=None,
                    status: int = 200):
    endpoints = InsurerEndpoint.objects.select_related("insurer").order_by("insurer__code")
    rows = [{"endpoint": e, "secrets": services.endpoint_valid_secrets(e)} for e in endpoints]
    return render(request, "feed/endpoints.html", {"principal": principal, "form": form, "rows": rows,
                                                   "secret": secret, "saved": saved}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def endpoints(request):
    """Fund staff register an insurer's webhook URL; the first secret is shown on this response only."""
    principal = _staff(request, "fund")
    if request.method == "GET":
        return _endpoints_page(request, principal, EndpointForm())
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _endpoints_page(request, principal, form, status=422)
    saved = services.endpoint_register(insurer_code=form.cleaned_data["insurer"], url=form.cleaned_data["url"],
                                       is_active=form.cleaned_data["is_active"])
    if saved.new_secret is None:
        messages.success(request, _("The endpoint of %(insurer)s is updated; its secrets are unchanged.")
                         % {"insurer": saved.endpoint.insurer.name})
    return _endpoints_page(request, principal, EndpointForm(), secret=saved.new_secret, saved=saved.endpoint)


@login_required
@require_POST
def endpoint_rotate(request, endpoint_id: int):
    """A new signing secret, shown on this response only; the old one stays valid for the overlap."""
    principal = _staff(request, "fund")
    if not InsurerEndpoint.objects.filter(pk=endpoint_id).exists():
        raise Http404("no such endpoint")
    saved = services.endpoint_rotate_secret(endpoint_id=endpoint_id)
    return _endpoints_page(request, principal, EndpointForm(), secret=saved.new_secret, saved=saved.endpoint)
