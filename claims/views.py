"""Back-office pages for clinics, insurers and the fund's commissioners, plus the citizen's list of services
billed in their name. Scoped by the signed-in user's organisation (claims/selectors.py); views stay thin."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import TransitionNotAllowed

from qalqan.api.errors import ApiProblem
from qalqan.audit.selectors import history_of
from qalqan.core.money import tenge_to_tiyn
from qalqan.orgs.principal import principal_for_user

from . import dashboard
from .forms import (ApproveForm, BatchUploadForm, BulkDenyForm, ClaimRuleForm, CommentForm, DenyForm, EventFilterForm, EventForm,
                    parse_row)
from .intake import events_receive
from .labels import state_label
from .models import ClinicFlag, InsuredEvent, ServiceTariff, Settlement
from .pdf import remittance_pdf
from .selectors import (claim_rules_for, disputes_for, event_of, events_filtered, events_for, flags_for, is_commissioner,
                        remaining_limits, remittance, rule_product_of, settlement_of, settlements_for)
from .services import (claim_approve, claim_rule_set, claim_deny, claims_approve_many, claims_deny_many, dispute_reject,
                       dispute_uphold, event_confirm, event_dispute)
from .settlement import settlements_run

PAGE = 200


def _principal(request, kind: str):
    principal = principal_for_user(request.user)
    if principal is None or principal.kind != kind:
        raise Http404("not for this user")
    return principal


def _filtered(events, request, *, with_clinic: bool):
    form = EventFilterForm(request.GET or None, with_clinic=with_clinic)
    events = events_filtered(events, form.filters())
    return events.select_related("clinic", "insurer", "policy").order_by("-id")[:PAGE], form


def _event_or_404(principal, event_id):
    event = event_of(principal, event_id)
    if event is None:
        raise Http404("no such event")
    return event


def _settlement_or_404(principal, settlement_id):
    settlement = settlement_of(principal, settlement_id)
    if settlement is None:
        raise Http404("no such settlement")
    return settlement


def _pdf(settlement):
    response = HttpResponse(remittance_pdf(remittance(settlement)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="remittance-{settlement.pk}.pdf"'
    return response


def _problem(request, exc: Exception) -> None:
    messages.error(request, getattr(exc, "detail", "") or str(exc) or _("Not allowed in the event's state."))


# --- clinic --------------------------------------------------------------------------------------------------

@login_required
def clinic_home(request):
    principal = _principal(request, "clinic")
    form, upload = EventForm(prefix="one"), BatchUploadForm(prefix="batch")
    if request.method == "POST" and "one-event_id" in request.POST:
        form = EventForm(request.POST, prefix="one")
        if form.is_valid():
            [received] = events_receive(clinic=principal.organisation, items=[form.item()], deliver_now=True)
            messages.success(request, _("Event %(id)s: %(status)s") % {"id": received.id,
                                                                       "status": state_label(received.status)})
            return redirect("claims:event", event_id=received.id)
    elif request.method == "POST":
        upload = BatchUploadForm(request.POST, request.FILES, prefix="batch")
        if upload.is_valid():
            items, errors = [], []
            for index, row in enumerate(upload.cleaned_data["file"], start=1):
                try:
                    items.append(parse_row(row))
                except (ValueError, TypeError) as exc:
                    errors.append(_("Row %(n)s: %(e)s") % {"n": index, "e": exc})
            received = events_receive(clinic=principal.organisation, items=items) if items else []
            counts = {}
            for answer in received:
                counts[answer.status] = counts.get(answer.status, 0) + 1
            messages.success(request, _("Batch received: %(counts)s") % {
                "counts": ", ".join(f"{state_label(k)}: {v}" for k, v in sorted(counts.items())) or "0"})
            for error in errors[:20]:
                messages.error(request, error)
            return redirect("claims:home")
    events, filters = _filtered(events_for(principal), request, with_clinic=False)
    return render(request, "claims/clinic_home.html", {
        "organisation": principal.organisation, "form": form, "upload": upload, "events": events,
        "filters": filters,
        "tariffs": ServiceTariff.objects.valid_on(timezone.localdate()).order_by("code"),
        "payouts": settlements_for(principal).order_by("-id")[:50]})


@login_required
def clinic_event(request, event_id: int):
    principal = _principal(request, "clinic")
    event = _event_or_404(principal, event_id)
    return render(request, "claims/event_detail.html", {"event": event, "history": history_of(event),
                                                        "side": "clinic"})


@login_required
def clinic_payout(request, settlement_id: int):
    principal = _principal(request, "clinic")
    return render(request, "claims/settlement_detail.html",
                  {"statement": remittance(_settlement_or_404(principal, settlement_id)), "side": "clinic"})


@login_required
def clinic_payout_pdf(request, settlement_id: int):
    return _pdf(_settlement_or_404(_principal(request, "clinic"), settlement_id))


# --- insurer -------------------------------------------------------------------------------------------------

@login_required
def insurer_queue(request):
    principal = _principal(request, "insurer")
    deny = BulkDenyForm(prefix="bulk")
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        allowed = sorted(events_for(principal).filter(pk__in=ids).values_list("id", flat=True))
        by = request.user.get_username()
        if "deny" in request.POST:
            deny = BulkDenyForm(request.POST, prefix="bulk")
            if deny.is_valid():
                result = claims_deny_many(event_ids=allowed, by=by, **deny.cleaned_data)
                messages.success(request, _("Denied: %(n)s; refused: %(m)s") % {
                    "n": len(result["denied"]), "m": len(result["refused"]) + len(ids) - len(allowed)})
                return redirect(request.get_full_path())
        else:
            result = claims_approve_many(event_ids=allowed, by=by)
            messages.success(request, _("Approved: %(n)s; refused: %(m)s") % {
                "n": len(result["approved"]), "m": len(result["refused"]) + len(ids) - len(allowed)})
            return redirect(request.get_full_path())
    events, filters = _filtered(events_for(principal), request, with_clinic=True)
    return render(request, "claims/insurer_queue.html", {
        "organisation": principal.organisation, "events": events, "filters": filters, "deny": deny})


@login_required
def insurer_event(request, event_id: int):
    principal = _principal(request, "insurer")
    event = _event_or_404(principal, event_id)
    approve, deny = ApproveForm(prefix="approve"), DenyForm(prefix="deny")
    if request.method == "POST":
        by = request.user.get_username()
        try:
            if "approve" in request.POST:
                approve = ApproveForm(request.POST, prefix="approve")
                if approve.is_valid():
                    amount = approve.cleaned_data["approved"]
                    claim_approve(event_id=event.pk, by=by, approved_tiyn=tenge_to_tiyn(amount) if amount else None)
                    return redirect("claims-insurer:event", event_id=event.pk)
            else:
                deny = DenyForm(request.POST, prefix="deny")
                if deny.is_valid():
                    claim_deny(event_id=event.pk, by=by, reason_code=deny.cleaned_data["reason_code"],
                               comment=deny.cleaned_data["comment"])
                    return redirect("claims-insurer:event", event_id=event.pk)
        except ApiProblem as exc:
            _problem(request, exc)
            return redirect("claims-insurer:event", event_id=event.pk)
    limits = remaining_limits(event)
    return render(request, "claims/event_detail.html", {
        "event": event, "history": history_of(event), "side": "insurer", "limits": limits,
        "approve": approve, "deny": deny,
        "decidable": event.status in (InsuredEvent.Status.CONFIRMED, InsuredEvent.Status.UNDER_REVIEW)})


@login_required
def insurer_settlements(request):
    principal = _principal(request, "insurer")
    if request.method == "POST":
        done = settlements_run(insurer_id=principal.org_id, by=request.user.get_username())
        messages.success(request, _("Settlements made or retried: %(n)s") % {"n": len(done)})
        return redirect("claims-insurer:settlements")
    pending = events_for(principal).filter(status__in=InsuredEvent.APPROVED_STATUSES, settlement__isnull=True)
    return render(request, "claims/settlements.html", {
        "organisation": principal.organisation, "settlements": settlements_for(principal).order_by("-id")[:PAGE],
        "pending": pending.count(), "side": "insurer"})


@login_required
def insurer_settlement(request, settlement_id: int):
    principal = _principal(request, "insurer")
    return render(request, "claims/settlement_detail.html",
                  {"statement": remittance(_settlement_or_404(principal, settlement_id)), "side": "insurer"})


@login_required
def insurer_settlement_pdf(request, settlement_id: int):
    return _pdf(_settlement_or_404(_principal(request, "insurer"), settlement_id))


@login_required
def insurer_dashboard(request):
    principal = _principal(request, "insurer")
    rows = dashboard.loss_ratios(principal.organisation)
    return render(request, "claims/dashboard.html", {
        "organisation": principal.organisation, "rows": rows, "bars": dashboard.chart_bars(rows),
        "hundred_y": dashboard.hundred_percent_y(rows), "width": dashboard.CHART_WIDTH,
        "height": dashboard.CHART_HEIGHT})


@login_required
def insurer_rules(request):
    """Auto-approval rules and tariff tolerance, product by product."""
    principal = _principal(request, "insurer")
    failed = None
    if request.method == "POST":
        product = rule_product_of(principal, request.POST.get("product", ""))
        if product is None:
            raise Http404("no such product")
        form = ClaimRuleForm(request.POST, prefix=product.code)
        if form.is_valid():
            claim_rule_set(product_id=product.pk, by=request.user.get_username(), **form.values())
            messages.success(request, _("Rule of %(product)s saved.") % {"product": product.name})
            return redirect("claims-insurer:rules")
        failed = (product.pk, form)
    rows = []
    for row in claim_rules_for(principal):
        product, rule = row["product"], row["rule"]
        form = failed[1] if failed and failed[0] == product.pk else ClaimRuleForm(prefix=product.code, initial={
            "auto_approve": rule.auto_approve, "max_amount": Decimal(rule.max_amount_tiyn) / 100,
            "requires_patient_confirmation": rule.requires_patient_confirmation,
            "allow_above_tariff": rule.allow_above_tariff})
        rows.append({"product": product, "rule": rule, "form": form})
    return render(request, "claims/rules.html", {"organisation": principal.organisation, "rows": rows})


# --- fund: commissioners ------------------------------------------------------------------------------------

def _commissioner(request):
    principal = _principal(request, "fund")
    if not is_commissioner(principal):
        raise Http404("only insurance commissioners")
    return principal


@login_required
def fund_disputes(request):
    principal = _commissioner(request)
    return render(request, "claims/fund_disputes.html", {
        "disputes": disputes_for(principal).order_by("id")[:PAGE], "form": CommentForm(),
        "flags": flags_for(principal).filter(kind=ClinicFlag.Kind.POSSIBLE_DOUBLE_BILLING)[:PAGE],
        "upheld": flags_for(principal).filter(kind=ClinicFlag.Kind.DISPUTE_UPHELD)[:PAGE],
        "closed": settlements_for(principal).filter(status=Settlement.Status.CLOSED).order_by("id")[:PAGE]})


@login_required
@require_POST
def fund_dispute_decide(request, event_id: int, decision: str):
    principal = _commissioner(request)
    if decision not in ("uphold", "reject") or disputes_for(principal).filter(pk=event_id).first() is None:
        raise Http404("no such dispute")
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    service = dispute_uphold if decision == "uphold" else dispute_reject
    try:
        service(event_id=event_id, by=request.user.get_username(), comment=comment)
    except ApiProblem as exc:
        _problem(request, exc)
    return redirect("claims-fund:disputes")


# --- citizen -------------------------------------------------------------------------------------------------

@login_required
def citizen_events(request):
    principal = _principal(request, "citizen")
    return render(request, "claims/citizen_events.html", {
        "events": events_for(principal).select_related("clinic").order_by("-id")[:PAGE], "form": CommentForm()})


@login_required
def citizen_event(request, event_id: int):
    principal = _principal(request, "citizen")
    event = _event_or_404(principal, event_id)
    if request.method == "POST":
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        service = event_dispute if "dispute" in request.POST else event_confirm
        try:
            service(event_id=event.pk, by=principal.actor, comment=comment)
        except (ApiProblem, TransitionNotAllowed) as exc:  # already answered
            _problem(request, exc)
        return redirect(reverse("claims-citizen:event", kwargs={"event_id": event.pk}))
    return render(request, "claims/citizen_event.html", {"event": event, "form": CommentForm()})
