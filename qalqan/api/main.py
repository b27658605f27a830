"""The one NinjaAPI behind /api/v1/, with the error conventions of shared/API.md."""
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django_fsm import TransitionNotAllowed
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from .errors import ApiProblem, problem_from, problem_response

logger = logging.getLogger(__name__)

class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Qalqan API",
    version="1",
    description="The unified health-financing portal of Kazakhstan: ОСМС and ДМС. Money in integer tiyn.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ApiProblem)
def on_problem(request, exc: ApiProblem):
    return problem_from(exc)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return problem_response(422, "The request does not pass validation.", slug="validation-error",
                            errors=[_field_error(e) for e in exc.errors])


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    response = problem_response(429, "Too many requests; slow down and try again shortly.", slug="rate-limited")
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return problem_response(401, "A valid bearer token is required.", slug="unauthorized")


@api.exception_handler(AuthorizationError)
def on_forbidden(request, exc):
    return problem_response(403, "Not allowed for this caller.", slug="forbidden")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(TransitionNotAllowed)
def on_transition_refused(request, exc: TransitionNotAllowed):
    obj = getattr(exc, "object", None)
    state = getattr(obj, "status", None) or getattr(obj, "state", None)
    method = getattr(getattr(exc, "method", None), "__name__", "this transition")
    return problem_response(409, f"Not allowed: {method} from state {state!r}.", slug="transition-not-allowed",
                            state=state)


@api.exception_handler(Http404)
def on_404(request, exc):
    return problem_response(404, "No such object.", slug="not-found")


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request, exc):
    return problem_response(404, "No such object.", slug="not-found")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("unhandled API error in %s %s", request.method, request.path)
    return problem_response(500, "Something went wrong on our side; nothing was changed.")


def _field_error(error: dict) -> dict:
    loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
    return {"field": ".".join(loc) or "body", "message": error.get("msg", "invalid")}
