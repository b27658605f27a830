"""A local webhook receiver on 127.0.0.1 (a thread) whose behaviour each test sets, and feed fixtures."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fund.subsidy_factories import basic_version, make_policy


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                              "body": body})
                if receiver.delay:
                    time.sleep(receiver.delay)
                answer = b"ok" if receiver.status < 400 else b"boom"
                try:
                    self.send_response(receiver.status)
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ids(self) -> list[str]:
        return [r["headers"]["webhook-id"] for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def versions(insurer, other_insurer, refdata):
    return {"a": basic_version(insurer.organisation, "basic-a"), "b": basic_version(other_insurer.organisation,
                                                                                   "basic-b")}


@pytest.fixture
def new_policy(versions, insurer, other_insurer, make_person):
    def make(which: str = "a", **kwargs):
        org = insurer.organisation if which == "a" else other_insurer.organisation
        return make_policy(holder=make_person(categories=["pensioner"]), insurer=org, version=versions[which],
                           **kwargs)

    return make
