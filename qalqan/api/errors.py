"""Errors as application/problem+json (RFC 9457): {"type", "title", "status", "detail", "errors"}."""
import json
from http import HTTPStatus

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://qalqan.kz/problems/"


class ApiProblem(Exception):
    """Raise from services or handlers; the API turns it into a problem+json answer."""

    status = 400
    slug = "bad-request"

    def __init__(self, detail: str = "", *, errors: list[dict] | None = None, status: int | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra
        if status is not None:
            self.status = status

    @classmethod
    def for_field(cls, field: str, message: str, **extra) -> "ApiProblem":
        return cls(message, errors=[{"field": field, "message": message}], **extra)


class BadRequest(ApiProblem):
    status, slug = 400, "malformed-request"


class Unauthorized(ApiProblem):
    status, slug = 401, "unauthorized"


class Forbidden(ApiProblem):
    status, slug = 403, "forbidden"


class NotFound(ApiProblem):
    status, slug = 404, "not-found"

    def __init__(self, detail: str = "No such object.", **kwargs):
        super().__init__(detail, **kwargs)


class Conflict(ApiProblem):
    status, slug = 409, "conflict"


class Unprocessable(ApiProblem):
    status, slug = 422, "validation-error"


class UnsupportedMediaType(ApiProblem):
    status, slug = 415, "unsupported-media-type"


class TooManyRequests(ApiProblem):
    status, slug = 429, "rate-limited"


def problem_body(status: int, detail: str = "", *, slug: str = "", errors=None, **extra) -> dict:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {
        "type": PROBLEM_TYPE_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail or title,
        "errors": errors or [],
        **extra,
    }


def problem_response(status: int, detail: str = "", **kwargs) -> HttpResponse:
    body = problem_body(status, detail, **kwargs)
    return HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status,
                        content_type=PROBLEM_CONTENT_TYPE)


def problem_from(exc: ApiProblem) -> HttpResponse:
    return problem_response(exc.status, exc.detail, slug=exc.slug, errors=exc.errors, **exc.extra)
