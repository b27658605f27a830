"""Insurer back office: the signed-in staff user's own organisation's products — list, publish a product or
a new version of one, stop selling one. Another insurer's product is 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qalqan.api.errors import ApiProblem
from qalqan.orgs.principal import principal_for_user
from qalqan.refdata.models import Benefit

from .forms import ProductForm, initial_from
from .selectors import own_offer, own_product, products_of
from .services import product_publish, product_withdraw


def _insurer_of(request):
    principal = principal_for_user(request.user)
    if principal is None or principal.kind != "insurer":
        raise Http404("not an insurer's staff member")
    return principal.organisation


@login_required
def product_list(request):
    organisation = _insurer_of(request)
    return render(request, "insurers/product_list.html",
                  {"organisation": organisation, "offers": products_of(organisation)})


@login_required
def product_publish_page(request, code: str | None = None):
    """A new product, or (with `code`) the next version of one of ours, prefilled with the version on sale."""
    organisation = _insurer_of(request)
    offer = own_offer(organisation, code) if code else None
    if code and offer is None:
        raise Http404()
    benefits = Benefit.objects.valid_on(timezone.localdate()).order_by("package", "code")
    form = ProductForm(request.POST or None, benefits=benefits, initial=initial_from(offer) if offer else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = product_publish(insurer=organisation, **form.publish_arguments())
        except ApiProblem as problem:
            form.add_problem(problem)
        else:
            messages.success(request, _("Published %(code)s, version %(number)s.")
                             % {"code": version.product.code, "number": version.number})
            return redirect("insurers:product-list")
    return render(request, "insurers/product_form.html", {"organisation": organisation, "form": form, "offer": offer})


@login_required
@require_POST
def product_withdraw_page(request, code: str):
    product = own_product(_insurer_of(request), code)
    if product is None:
        raise Http404()
    product_withdraw(product_id=product.pk)
    messages.success(request, _("%(code)s is no longer on sale; sold policies are not affected.") % {"code": code})
    return redirect("insurers:product-list")
