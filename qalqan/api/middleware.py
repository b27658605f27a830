"""Conventions every /api/ answer follows, whatever view produced it."""
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

from .auth import principal_from_request
from .errors import PROBLEM_CONTENT_TYPE, problem_response
from .idempotency import idempotent_response

logger = logging.getLogger(__name__)

ACCEPTED_BODY_TYPES = ("application/json", "multipart/form-data", "text/csv")
API_PREFIX = "/api/"


class ApiConventionsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method in ("POST", "PUT", "PATCH") and request.body:
            content_type = request.content_type or ""
            if not content_type.startswith(ACCEPTED_BODY_TYPES):
                return problem_response(
                    415, f"Send the body as application/json (got {content_type or 'no content type'}).",
                    slug="unsupported-media-type")
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            principal = principal_from_request(request)
            caller = principal.identity if principal else "anonymous"
            response = idempotent_response(request, caller=caller, key=key, get_response=self.get_response)
        else:
            response = self.get_response(request)
        return self._as_problem(response)

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return problem_response(404, "No such object.", slug="not-found")
        if isinstance(exception, PermissionDenied):
            return problem_response(403, "Not allowed for this caller.", slug="forbidden")
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return problem_response(500, "Something went wrong on our side; nothing was changed.")

    @staticmethod
    def _as_problem(response):
        """Django's own 404/405/500 pages become problem+json under /api/."""
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith(PROBLEM_CONTENT_TYPE):
            converted = problem_response(response.status_code)
            if response.has_header("Allow"):
                converted["Allow"] = response["Allow"]
            return converted
        return response


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's CommonMiddleware, minus the trailing-slash redirect under /api/ (an API path is exact)."""

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith(API_PREFIX):
            return False
        return super().should_redirect_with_slash(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the language-prefix redirect under /api/ (API paths carry no language)."""

    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)
