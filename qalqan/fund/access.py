"""Who may use the fund's back office: signed-in staff of the fund (one place for every fund page)."""
from django.core.exceptions import PermissionDenied

from qalqan.orgs.principal import Principal, principal_for_user


def fund_staff(request) -> Principal:
    """The fund principal of a signed-in user; staff of another organisation and citizens get 403.
    Views put @login_required first, so strangers are sent to sign in."""
    principal = principal_for_user(request.user)
    if principal is None or principal.kind != "fund":
        raise PermissionDenied("fund staff only")
    return principal


def actor_of(request, principal: Principal) -> str:
    """What run and audit rows record as `by`: the organisation and the staff user."""
    return f"{principal.organisation.code}:{request.user.get_username()}"
