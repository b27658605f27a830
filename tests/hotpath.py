"""Calling the whole WSGI application (the hot path in front of Django, then Django) as a server would."""
from django.test import RequestFactory

from qalqan.wsgi import application


def wsgi_call(path, method="GET", **extra) -> dict:
    """{"status": int, "headers": dict, "body": bytes} of one request through qalqan.wsgi.application."""
    environ = RequestFactory().generic(method, path, **extra).environ
    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    body = application(environ, start_response)
    answer["body"] = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return answer
