"""Pages: the public status check and calculator, the citizen's contributions, the fund's refund queue."""
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_fsm import TransitionNotAllowed

from qalqan.core.kzid import InvalidNumber, parse_iin
from qalqan.core.masking import mask_iin
from qalqan.core.money import tenge_to_tiyn
from qalqan.orgs.principal import principal_for_user

from .insurance_selectors import contribution_months, contributions_for, refunds_for, status_by_iin, status_of
from .models import Contribution, PayerKind, Refund, TemporaryStatusGrant
from .rates import NoRule, RateBook, contribution_calculate
from .refunds import RefundInvalid, RefundRefused, refund_approve, refund_reject, refund_request
from .selectors import person_by_iin
from .status import StatusRefused, temporary_status_grant
from .throttling import allow_public_request


def become_insured_steps(today: date) -> list[dict]:
    """What an uninsured person can do (seed 003), with this month's self-payer amount from the rate tables."""
    try:
        monthly = RateBook().due(kind=PayerKind.SELF_PAYER, period=today.replace(day=1)).amount_tiyn
    except NoRule:
        monthly = None
    return [
        {"title": _("Pay contributions yourself"),
         # xgettext:no-python-format  (a literal per cent sign, never %-formatted)
         "text": _("Pay as a self-payer (no job, no individual entrepreneur registration): the monthly amount is "
                   "5 % of the minimum wage, or twelve months at once.")
         , "amount_tiyn": monthly},
        {"title": _("Pay off your debt"),
         "text": _("Months without contributions over the last 12 stay owed; pay them and the status returns. "
                   "You can see the debt where you check your status, after signing in.")},
        {"title": _("Check whether you belong to a privileged category"),
         "text": _("The state pays for 15 categories: children, pensioners, people with disabilities, full-time "
                   "students, mothers of many children with state awards, and others.")},
        {"title": _("Register as unemployed"),
         "text": _("Apply at the employment centre or on enbek.kz: from 2026 the local authority (МИО) pays your "
                   "contributions.")},
        {"title": _("Ask whether you are at level D or E of social well-being"),
         "text": _("From 2026 the local authority pays for people at the crisis (D) or emergency (E) level.")},
        {"title": _("Shown uninsured by mistake?"),
         "text": _("If you are in a privileged category, the Fund can grant a one-month temporary status on your "
                   "documents while the records are corrected.")},
    ]


@require_http_methods(["GET", "POST"])
def status_page(request):
    """The public status check, without JavaScript. The page's own form posts (so the ИИН stays out of URLs and
    access logs); a GET with ?iin= (the home page's form) answers too. The answer shows only a masked ИИН."""
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    context = {"iin": data.get("iin", "").strip(), "result": None, "error": None}
    if context["iin"]:
        if not allow_public_request(request):
            context["error"] = _("Too many checks from your address; please wait a minute and try again.")
            return render(request, "people/status.html", context, status=429)
        try:
            parse_iin(context["iin"])
        except InvalidNumber:
            context["error"] = _("This is not a valid IIN: check the 12 digits and try again.")
            return render(request, "people/status.html", context, status=422)
        row = status_by_iin(context["iin"])
        insured, basis, until = row if row else (False, None, None)
        context["result"] = {"iin": mask_iin(context["iin"]), "insured": insured, "basis": basis,
                             "insured_until": until}
        if not insured:
            context["steps"] = become_insured_steps(today)
    return render(request, "people/status.html", context)


def calculator_page(request):
    kinds = [(value, label) for value, label in PayerKind.choices]
    context = {"kinds": kinds, "form": request.GET, "due": None, "error": None}
    if request.GET.get("kind"):
        try:
            year, month = (int(p) for p in request.GET.get("period", "").split("-"))
            period = date(year, month, 1)
            income = request.GET.get("income", "").replace(" ", "").replace(",", ".")
            income_tiyn = tenge_to_tiyn(income) if income else None
            if income_tiyn is not None and income_tiyn < 0:
                raise ValueError
            context["due"] = contribution_calculate(kind=request.GET["kind"], period=period, income_tiyn=income_tiyn)
        except (ValueError, ArithmeticError):
            context["error"] = _("Enter the month as YYYY-MM and the income as a number of tenge.")
        except NoRule:
            context["error"] = _("There is no contribution rule for this payer in that month.")
        if context["error"]:
            return render(request, "people/calculator.html", context, status=422)
    return render(request, "people/calculator.html", context)


def _citizen(request):
    if not request.user.is_authenticated:
        return None
    principal = principal_for_user(request.user)
    if principal is None or principal.kind != "citizen":
        raise PermissionDenied
    return principal


@require_http_methods(["GET", "POST"])
def my_contributions(request):
    """The citizen's own page: status, contributions month by month, debt, refunds, what to do."""
    principal = _citizen(request)
    if principal is None:
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    if request.method == "POST":
        contribution = contributions_for(principal).filter(pk=request.POST.get("contribution") or 0).first()
        if contribution is None:
            raise Http404
        try:
            refund_request(contribution_id=contribution.pk, reason=request.POST.get("reason", ""),
                           comment=request.POST.get("comment", "")[:2000], requester=Refund.Requester.CITIZEN,
                           requested_by=principal.actor, person_id=principal.person_id)
            messages.success(request, _("Your refund request was sent to the Fund."))
        except (RefundInvalid, RefundRefused) as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    status = status_of(principal.person)
    overview = contribution_months(person_id=principal.person_id, today=today)
    context = {
        "person": principal.person, "status": status, "overview": overview,
        "contributions": contributions_for(principal).order_by("-period", "-id")[:100],
        "refunds": refunds_for(principal).order_by("-id")[:50], "reasons": Refund.Reason.choices,
        "steps": None if status and status.insured else become_insured_steps(today),
    }
    return render(request, "people/my_contributions.html", context)


def _fund_staff(request) -> str | None:
    if not request.user.is_authenticated:
        return None
    principal = principal_for_user(request.user)
    if principal is None or principal.kind != "fund":
        raise PermissionDenied
    return f"{principal.organisation.code}:{request.user.get_username()}"


@require_http_methods(["GET", "POST"])
def fund_refunds(request):
    """Fund staff: the refund queue, approve or reject each request with a reason."""
    actor = _fund_staff(request)
    if actor is None:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST" and request.POST.get("action") == "request":
        return _record_payer_request(request, actor)
    if request.method == "POST":
        refund_id = int(request.POST.get("refund") or 0)
        reason = request.POST.get("reason", "").strip()
        if not Refund.objects.filter(pk=refund_id).exists():
            raise Http404
        try:
            if request.POST.get("decision") == "approve":
                refund_approve(refund_id=refund_id, by=actor, reason=reason)
                messages.success(request, _("Refund approved; the payout has been sent to the bank."))
            else:
                refund_reject(refund_id=refund_id, by=actor, reason=reason)
                messages.success(request, _("Refund rejected."))
        except RefundInvalid as exc:
            messages.error(request, str(exc))
        except TransitionNotAllowed:
            messages.error(request, _("This refund has already been decided."))
        return redirect(request.path)
    queryset = Refund.objects.select_related("contribution").order_by("-id")
    status = request.GET.get("status", "requested")
    if status in Refund.Status.values:
        queryset = queryset.filter(status=status)
    return render(request, "people/fund_refunds.html", {"refunds": queryset[:200], "status": status,
                                                        "statuses": Refund.Status.choices,
                                                        "reasons": Refund.Reason.choices})


def _record_payer_request(request, actor: str):
    """A payer (an employer, an entrepreneur, the state) asks by letter for a refund of its payment, named by the
    payment's reference; fund staff record it here and it joins the queue. The amount is optional (by default
    the whole payment, or the part above the cap for an overpayment)."""
    reference = request.POST.get("reference", "").strip()
    contribution = Contribution.objects.filter(reference=reference).first() if reference else None
    if contribution is None:
        messages.error(request, _("No payment has this reference."))
        return redirect(request.path)
    amount = request.POST.get("amount", "").replace(" ", "").replace(",", ".")
    try:
        amount_tiyn = tenge_to_tiyn(amount) if amount else None
    except (ValueError, ArithmeticError):
        messages.error(request, _("Enter the amount as a number of tenge."))
        return redirect(request.path)
    try:
        refund_request(contribution_id=contribution.pk, reason=request.POST.get("reason", ""),
                       comment=request.POST.get("comment", "")[:2000], amount_tiyn=amount_tiyn,
                       requester=Refund.Requester.PAYER, requested_by=actor)
        messages.success(request, _("The payer's refund request was recorded."))
    except (RefundInvalid, RefundRefused) as exc:
        messages.error(request, str(exc))
    return redirect(request.path)


@require_http_methods(["GET", "POST"])
def fund_temporary_status(request):
    """Fund staff: grant a one-month temporary status, on documents, to a privileged person wrongly shown as
    uninsured; the page lists the grants made."""
    actor = _fund_staff(request)
    if actor is None:
        return redirect_to_login(request.get_full_path())
    form = {"iin": "", "reason": ""}
    error, code = None, 200
    if request.method == "POST":
        form = {"iin": request.POST.get("iin", "").strip(), "reason": request.POST.get("reason", "").strip()[:2000]}
        person = None
        try:
            parse_iin(form["iin"])
        except InvalidNumber:
            error, code = _("This is not a valid IIN: check the 12 digits and try again."), 422
        else:
            person = person_by_iin(form["iin"])
            if person is None:
                error, code = _("No one with this IIN is in the registry."), 404
            elif not form["reason"]:
                error, code = _("Name the documents the temporary status rests on."), 422
        if error is None:
            try:
                grant = temporary_status_grant(person_id=person.pk, by=actor, reason=form["reason"])
            except StatusRefused as exc:
                error, code = str(exc), 409
            else:
                messages.success(request, _("Temporary status granted to %(iin)s until %(date)s.") % {
                    "iin": mask_iin(person.iin), "date": grant.valid_to - timedelta(days=1)})
                return redirect(request.path)
    grants = TemporaryStatusGrant.objects.select_related("person").order_by("-id")[:100]
    return render(request, "people/fund_temporary_status.html",
                  {"form": form, "error": error, "grants": grants}, status=code)
