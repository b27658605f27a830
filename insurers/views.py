"""Insurer back office: the products of the signed-in staff user's own organisation."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from qalqan.orgs.principal import principal_for_user

from .selectors import products_of


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
