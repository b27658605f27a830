"""Bearer-token authentication for API routers, by kind of caller."""
from ninja.security import HttpBearer

from qalqan.orgs.hot_tokens import bearer_token
from qalqan.orgs.principal import Principal
from qalqan.orgs.services import TokenRejected, token_authenticate

from .errors import Forbidden, Unauthorized


def principal_from_request(request) -> Principal | None:
    """Resolve (once per request) the principal behind the Authorization header, or None."""
    if hasattr(request, "_qalqan_principal"):
        return request._qalqan_principal
    raw = bearer_token(request.META)
    principal = None
    if raw:
        try:
            principal = token_authenticate(raw)
        except TokenRejected as exc:
            request._qalqan_token_error = str(exc)
    request._qalqan_principal = principal
    return principal


class BearerAuth(HttpBearer):
    def __init__(self, *kinds: str):
        super().__init__()
        self.kinds = set(kinds)

    def __call__(self, request):
        principal = principal_from_request(request)
        if principal is None:
            reason = getattr(request, "_qalqan_token_error", "a bearer token is required")
            raise Unauthorized(f"Authentication failed: {reason}.")
        if principal.kind not in self.kinds:
            raise Forbidden(f"This endpoint is for {', '.join(sorted(self.kinds))} callers, not {principal.kind}.")
        request.principal = principal
        return principal

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return principal_from_request(request)


fund_auth = BearerAuth("fund")
insurer_auth = BearerAuth("insurer")
clinic_auth = BearerAuth("clinic")
citizen_auth = BearerAuth("citizen")
