"""Citizen pages: sign in (ИИН + one-time code), my status and policies, apply (product → start date →
subsidy and premium due → confirm), renew a term (the same flow, its start fixed), pay (card through Stripe.js, or pension savings — sandbox), top up,
download the PDF. Another citizen's policy or payment is 404."""
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insurers.pricing import PricingTableMissing, quote
from insurers.selectors import marketplace_products
from qalqan.api.errors import ApiProblem
from qalqan.orgs.principal import principal_for_user
from qalqan.payments.models import Payment
from qalqan.payments.providers import provider_for
from qalqan.payments.selectors import payments_for
from qalqan.payments.services import payment_start
from qalqan.people.preferences import PreferenceRejected, person_preferences_set

from . import eligibility
from .forms import CodeForm, IinForm, NotifyPreferenceForm, StartDateForm, TopUpForm
from .models import Policy
from .pdf import policy_pdf
from .selectors import policies_for, policy_of, renewal_of
from .services import (MAX_START_AHEAD_DAYS, application_submit, policy_renew, policy_renewable, renewal_window,
                       topup_request)
from .signin import citizen_user_for, signin_code_check, signin_code_send

SESSION_PERSON = "signin_person"


def citizen_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        principal = principal_for_user(request.user)
        if principal is None or principal.kind != "citizen":
            return redirect(f"{reverse('portal:sign-in')}?next={request.get_full_path()}")
        request.principal = principal
        return view(request, *args, **kwargs)
    return wrapper


def sign_in(request):
    form = IinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_id = signin_code_send(iin=form.cleaned_data["iin"])
        request.session[SESSION_PERSON] = person_id
        request.session["signin_next"] = request.GET.get("next", "")
        return redirect("portal:sign-in-code")
    return render(request, "policies/portal/sign_in.html", {"form": form})


def sign_in_code(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_id = request.session.get(SESSION_PERSON)
        if person_id and signin_code_check(person_id=person_id, code=form.cleaned_data["code"]):
            user = citizen_user_for(person_id=person_id)
            next_url = request.session.pop("signin_next", "")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else "portal:home")
        form.add_error("code", _("The code is wrong or has expired."))
    return render(request, "policies/portal/sign_in_code.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:sign-in")


@citizen_required
def home(request):
    person = request.principal.person
    today = timezone.localdate()
    return render(request, "policies/portal/home.html", {
        "person": person, "insured": eligibility.insured_on(person, today),
        "policies": policies_for(request.principal).order_by("-id"),
    })


@citizen_required
def notification_settings(request):
    """My notification channel and e-mail (always my own: the page takes no person from the request)."""
    person = request.principal.person
    form = NotifyPreferenceForm(request.POST or None,
                                initial={"notify_channel": person.notify_channel, "email": person.email})
    if request.method == "POST" and form.is_valid():
        try:
            person_preferences_set(person_id=person.pk, notify_channel=form.cleaned_data["notify_channel"],
                                   email=form.cleaned_data["email"])
        except PreferenceRejected as exc:
            for error in exc.errors:
                form.add_error(error["field"], error["message"])
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("portal:notifications")
    return render(request, "policies/portal/notifications.html", {"form": form, "person": person})


@citizen_required
def apply_product(request):
    """Step 1: choose a product (prices after my own subsidy)."""
    person, today = request.principal.person, timezone.localdate()
    insured = eligibility.insured_on(person, today)
    return render(request, "policies/portal/apply_product.html",
                  {"offers": _offers(person, day=today, insured=insured), "insured": insured})


def _offers(person, *, day, insured: bool, kind: str | None = None) -> list[dict]:
    offers = []
    for offer in marketplace_products(day=day):
        if kind is not None and offer.product.kind != kind:
            continue
        try:
            q = quote(offer.version, birth_date=person.birth_date, sex=person.sex, day=day, insured=insured)
        except PricingTableMissing:
            continue
        offers.append({"offer": offer, "quote": q, "serves": offer.version.serves_region(person.region)})
    return offers


def _renewal_start(request, number: str):
    """The caller's policy being renewed (404 if not theirs, back to its page if not renewable now) and the
    next term's start."""
    policy = _own_policy(request, number)
    today = timezone.localdate()
    if not policy_renewable(policy, today=today):
        opens, closes = renewal_window(policy)
        messages.error(request, _("This policy can be renewed from %(opens)s until %(closes)s, once.")
                       % {"opens": opens.strftime("%d.%m.%Y"), "closes": (closes - timedelta(days=1)).strftime("%d.%m.%Y")})
        return policy, None
    return policy, max(policy.end_date, today)


@citizen_required
def renew_product(request, number: str):
    """Renewal, step 1: the same product is marked; another insurer's product of the same kind may be chosen."""
    policy, start = _renewal_start(request, number)
    if start is None:
        return redirect("portal:policy", number=policy.number)
    insured = eligibility.insured_on(request.principal.person, timezone.localdate())
    return render(request, "policies/portal/apply_product.html", {
        "offers": _offers(request.principal.person, day=start, insured=insured, kind=policy.kind),
        "insured": insured, "renewing": policy, "start": start, "current_product": policy.version.product_id})


@citizen_required
def renew_details(request, number: str, product_id: int):
    """Renewal, steps 2–3: the next term's start is fixed (the day after the last covered day); check, confirm."""
    policy, start = _renewal_start(request, number)
    if start is None:
        return redirect("portal:policy", number=policy.number)
    person, today = request.principal.person, timezone.localdate()
    offer = next((o for o in marketplace_products(day=start)
                  if o.product.pk == product_id and o.product.kind == policy.kind), None)
    if offer is None:
        raise Http404()
    insured = eligibility.insured_on(person, today)
    try:
        q = quote(offer.version, birth_date=person.birth_date, sex=person.sex, day=start, insured=insured)
    except PricingTableMissing as exc:
        messages.error(request, str(exc))
        return redirect("portal:policy", number=policy.number)
    context = {"offer": offer, "renewing": policy, "start": start, "insured": insured, "quote": q, "error": None}
    if request.method == "POST":
        try:
            application = policy_renew(policy_id=policy.pk, product_code=offer.product.code,
                                       insurer_code=offer.product.insurer.code, by=request.principal.actor)
        except ApiProblem as problem:
            context["error"] = problem.detail
        else:
            if application.status == "rejected":
                return render(request, "policies/portal/rejected.html", {"application": application})
            payment = _payment_of(application.policy)
            if payment is not None and payment.status != Payment.Status.SUCCEEDED:
                return redirect("portal:pay", payment_id=payment.pk)
            messages.success(request, _("Renewed: the next term starts on %(date)s.")
                             % {"date": start.strftime("%d.%m.%Y")})
            return redirect("portal:policy", number=policy.number)
    return render(request, "policies/portal/apply_details.html", context)


@citizen_required
def apply_details(request, product_id: int):
    """Step 2: the start date; step 3: the subsidy and premium due; then confirm."""
    person, today = request.principal.person, timezone.localdate()
    offer = next((o for o in marketplace_products(day=today) if o.product.pk == product_id), None)
    if offer is None:
        raise Http404()
    form = StartDateForm(request.POST or request.GET or None, initial={"start_date": today})
    context = {"offer": offer, "form": form, "max_ahead": MAX_START_AHEAD_DAYS}
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start_date"]
        if start < today or start > today + timedelta(days=MAX_START_AHEAD_DAYS):
            form.add_error("start_date", _("Choose a date from today up to %(days)s days ahead.")
                           % {"days": MAX_START_AHEAD_DAYS})
        else:
            insured = eligibility.insured_on(person, today)
            context.update(start=start, insured=insured,
                           quote=quote(offer.version, birth_date=person.birth_date, sex=person.sex, day=start,
                                       insured=insured))
            if request.method == "POST" and request.POST.get("confirm") == "1":
                try:
                    application = application_submit(
                        person_id=person.pk, product_code=offer.product.code, insurer_code=offer.product.insurer.code,
                        start_date=start, by=request.principal.actor)
                except ApiProblem as problem:
                    form.add_error(None, problem.detail)
                else:
                    if application.status == "rejected":
                        return render(request, "policies/portal/rejected.html", {"application": application})
                    return redirect("portal:policy", number=application.policy.number)
    return render(request, "policies/portal/apply_details.html", context)


def _own_policy(request, number: str) -> Policy:
    policy = policy_of(request.principal, number)
    if policy is None:
        raise Http404()
    return policy


def _payment_of(policy: Policy) -> Payment | None:
    first = policy
    while first.previous_id:
        first = first.previous
    return Payment.objects.filter(subject="policy", subject_id=first.pk).first()


@citizen_required
def policy_detail(request, number: str):
    policy = _own_policy(request, number)
    renewal = renewal_of(policy)
    return render(request, "policies/portal/policy.html", {
        "policy": policy, "payment": _payment_of(policy), "topup_form": TopUpForm(),
        "valid_until": policy.end_date - timedelta(days=1), "topups": policy.topups.order_by("-id"),
        "renewable": policy_renewable(policy, today=timezone.localdate()), "renewal": renewal,
        "renewal_payment": _payment_of(renewal) if renewal else None,
    })


@citizen_required
def policy_pdf_download(request, number: str):
    policy = _own_policy(request, number)
    response = HttpResponse(policy_pdf(policy), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{policy.number}.pdf"'
    return response


@citizen_required
@require_POST
def policy_topup(request, number: str):
    policy = _own_policy(request, number)
    form = TopUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a whole number of tenge."))
        return redirect("portal:policy", number=number)
    try:
        topup = topup_request(policy_id=policy.pk, amount_tiyn=form.cleaned_data["amount_tenge"] * 100,
                              by=request.principal.actor)
    except ApiProblem as problem:
        messages.error(request, problem.detail)
        return redirect("portal:policy", number=number)
    payment = Payment.objects.get(subject="topup", subject_id=topup.pk)
    return redirect("portal:pay", payment_id=payment.pk)


def _own_payment(request, payment_id: int) -> Payment:
    payment = payments_for(request.principal).filter(pk=payment_id).first()
    if payment is None:
        raise Http404()
    return payment


def _number_of(payment: Payment) -> str:
    from .models import TopUp

    if payment.subject == "topup":
        return TopUp.objects.select_related("policy").get(pk=payment.subject_id).policy.number
    return Policy.objects.get(pk=payment.subject_id).number


@citizen_required
def pay(request, payment_id: int):
    payment = _own_payment(request, payment_id)
    return render(request, "policies/portal/pay.html", {
        "payment": payment, "number": _number_of(payment),
        "stripe_js": settings.STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/",
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY, "pension_label": provider_for("pension").label,
    })


@citizen_required
@require_POST
def pay_card(request, payment_id: int):
    """Called by the page's script with the card (or payment method) id that Stripe.js made."""
    payment = _own_payment(request, payment_id)
    try:
        started = payment_start(payment_id=payment.pk, person_id=request.principal.person_id, provider="stripe",
                                payment_method=request.POST.get("payment_method") or None, by=request.principal.actor)
    except ApiProblem as problem:
        return JsonResponse({"error": problem.detail}, status=problem.status)
    return JsonResponse({"status": started.payment.status, "payment_intent": started.intent.ref,
                         "client_secret": started.intent.client_secret})


@citizen_required
@require_POST
def pay_pension(request, payment_id: int):
    payment = _own_payment(request, payment_id)
    try:
        payment_start(payment_id=payment.pk, person_id=request.principal.person_id, provider="pension",
                      by=request.principal.actor)
    except ApiProblem as problem:
        messages.error(request, problem.detail)
        return redirect("portal:pay", payment_id=payment.pk)
    messages.success(request, _("Paid from pension savings (sandbox)."))
    return redirect("portal:policy", number=_number_of(payment))


@citizen_required
def pay_status(request, payment_id: int):
    payment = _own_payment(request, payment_id)
    return JsonResponse({"status": payment.status,
                         "next": reverse("portal:policy", kwargs={"number": _number_of(payment)})})
