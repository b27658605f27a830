"""The national hot reads, answered in front of Django's request machinery.

"Am I insured?" may be asked by anyone at any moment (the target: 1 500 look-ups/s on two cores with a p99
under 25 ms). Through the whole stack — ten middlewares, URL resolution, the API operation, a connection
health check per request — one look-up costs about 1 ms of CPU; answered here, about a tenth of that.

Only plain successes are served here. Whatever else can happen — a malformed input, a throttled client, an
unknown host, a database that went away — falls through to the Django view for the same path, which stays the
one source of problem answers and of the OpenAPI description. So a route's `answer` returns the JSON body of
a 200, or None to let Django answer.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.http.request import split_domain_port, validate_host

Answer = Callable[[re.Match, dict], bytes | None]


@dataclass(frozen=True)
class HotRoute:
    pattern: re.Pattern
    answer: Answer


class HotPathApplication:
    """WSGI application: GET requests matching a hot route are answered directly, the rest go to `app`."""

    def __init__(self, app, routes: list[HotRoute]):
        self.app = app
        self.routes = routes
        self.headers = _security_headers()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and _host_allowed(environ) and _scheme_allowed(environ):
            path = environ.get("PATH_INFO", "")
            for route in self.routes:
                match = route.pattern.fullmatch(path)
                if match is None:
                    continue
                body = _answer_or_none(route, match, environ)
                if body is not None:
                    start_response("200 OK", [*self.headers, *_transport_headers(environ),
                                              ("Content-Length", str(len(body)))])
                    return [body]
                break
        return self.app(environ, start_response)


def _answer_or_none(route: HotRoute, match: re.Match, environ: dict) -> bytes | None:
    try:
        return route.answer(match, environ)
    except DatabaseError:
        # A dropped connection: forget it, and let Django reconnect and answer (or explain) properly.
        connection.close()
        return None


def _host_allowed(environ: dict) -> bool:
    """The host Django's request.get_host() would validate, against the same ALLOWED_HOSTS."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _is_secure(environ: dict) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        if header in environ:
            return environ[header].split(",")[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _scheme_allowed(environ: dict) -> bool:
    """Plain HTTP where HTTPS is required goes to Django, which redirects it."""
    return not settings.SECURE_SSL_REDIRECT or _is_secure(environ)


def _transport_headers(environ: dict) -> list[tuple[str, str]]:
    if not settings.SECURE_HSTS_SECONDS or not _is_secure(environ):
        return []
    value = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return [("Strict-Transport-Security", value)]


def _security_headers() -> list[tuple[str, str]]:
    """What SecurityMiddleware and XFrameOptionsMiddleware add to a JSON answer, so both paths look alike."""
    headers = [("Content-Type", "application/json"), ("X-Frame-Options", settings.X_FRAME_OPTIONS)]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        values = policy.split(",") if isinstance(policy, str) else policy
        headers.append(("Referrer-Policy", ",".join(v.strip() for v in values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers
