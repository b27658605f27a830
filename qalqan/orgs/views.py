from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from .principal import principal_for_user

# Each kind of user lands in its own back office after signing in (URL names owned by those apps).
HOME_BY_KIND = {
    "fund": "fund:home",
    "insurer": "insurers:home",
    "clinic": "claims:home",
    "citizen": "portal:home",
}


@login_required
def staff_home(request):
    principal = principal_for_user(request.user)
    name = HOME_BY_KIND.get(principal.kind) if principal else None
    try:
        return redirect(reverse(name)) if name else redirect("/")
    except NoReverseMatch:
        return redirect("/")
