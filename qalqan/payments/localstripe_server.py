"""A local Stripe stand-in (the `localstripe` package) for `make run` and the tests.

The stock CLI listens on every interface and keeps its state in /tmp/localstripe.pickle; here it is
started from Python, bound to 127.0.0.1 on a free port, with its state file under the project's
.data/ directory. `local_stripe()` starts it in a child process, registers the app's webhook endpoint
(signed with a fresh secret), exports STRIPE_API_BASE / STRIPE_API_KEY / STRIPE_WEBHOOK_SECRET /
STRIPE_PUBLISHABLE_KEY for the processes started after it, and stops it on exit.

    python -m qalqan.payments.localstripe_server --port 8420 --state .data/localstripe.pickle
"""
import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("QALQAN_DATA_DIR", BASE_DIR / ".data"))
WEBHOOK_ID = "qalqan"
WEBHOOK_PATH = "/api/v1/webhooks/stripe"
# How often at most the state file is rewritten: pickling the whole store costs time in proportion to all it holds
# (≈ 40 ms at 600 payments), so once a second it was most of this process's CPU per payment at a few payments a
# second; what it keeps is a test double's state across restarts of `make run`, where ten seconds lost is nothing.
DUMP_INTERVAL_SECONDS = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def register_webhook(base: str, url: str, secret: str, webhook_id: str = WEBHOOK_ID) -> None:
    """Point localstripe's signed webhooks at `url` (re-registering replaces the earlier one)."""
    data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
    request = urllib.request.Request(f"{base}/_config/webhooks/{webhook_id}", data=data, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("localstripe did not start in time")


@contextmanager
def local_stripe(*, app_url: str | None = None, port: int | None = None, state_file: Path | None = None,
                 set_env: bool = True):
    """Run localstripe on 127.0.0.1 for the duration of the block; yields its base URL.

    Webhooks go to `app_url` + /api/v1/webhooks/stripe (default PUBLIC_BASE_URL or http://127.0.0.1:8000).
    """
    port = port or free_port()
    state_file = state_file or DATA_DIR / "localstripe.pickle"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "qalqan.payments.localstripe_server", "--port", str(port), "--state", str(state_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(BASE_DIR))
    saved = {k: os.environ.get(k) for k in
             ("STRIPE_API_BASE", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY")}
    try:
        _wait_until_up(base, process)
        secret = "whsec_" + secrets.token_hex(16)
        app_url = (app_url or os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        register_webhook(base, app_url + WEBHOOK_PATH, secret)
        if set_env:
            os.environ.update(STRIPE_API_BASE=base, STRIPE_API_KEY="sk_test_" + secrets.token_hex(12),
                              STRIPE_WEBHOOK_SECRET=secret, STRIPE_PUBLISHABLE_KEY="pk_test_qalqan_local")
        print(f"localstripe running on {base} (state {state_file})", flush=True)
        yield LocalStripe(base=base, webhook_secret=secret, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if set_env:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


class LocalStripe:
    def __init__(self, *, base: str, webhook_secret: str, process: subprocess.Popen):
        self.base, self.webhook_secret, self.process = base, webhook_secret, process

    def point_webhooks_at(self, app_url: str) -> None:
        register_webhook(self.base, app_url.rstrip("/") + WEBHOOK_PATH, self.webhook_secret)


def serve(*, port: int, state_file: str) -> None:
    """Run localstripe's aiohttp app bound to 127.0.0.1 with its state in `state_file`."""
    import asyncio
    import logging
    import pickle

    from aiohttp import web
    from localstripe import resources
    from localstripe.server import app

    def try_load_from_disk(self):
        try:
            with open(state_file, "rb") as f:
                old = pickle.load(f)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return
        self.clear()
        self.update(old)

    def write_to_disk(store):
        tmp = state_file + ".tmp"
        with open(tmp, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, state_file)

    # The server's middleware saves after every write request, and pickling the whole store grows with it (most of
    # this process's CPU per payment once it holds a few hundred): write at once when the last write is
    # DUMP_INTERVAL_SECONDS old, otherwise when it is, and on shutdown.
    saving = {"last": 0.0, "pending": None}

    def dump_to_disk(self):
        if saving["pending"] is not None:
            return
        wait = saving["last"] + DUMP_INTERVAL_SECONDS - time.monotonic()
        if wait <= 0:
            flush()
        else:
            saving["pending"] = asyncio.get_running_loop().call_later(wait, flush)

    def flush():
        saving["pending"] = None
        saving["last"] = time.monotonic()
        write_to_disk(resources.store)

    async def flush_on_cleanup(_app):
        if saving["pending"] is not None:
            saving["pending"].cancel()
            flush()

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk
    app.on_cleanup.append(flush_on_cleanup)
    _store_by_kind(resources)
    app.on_cleanup.append(_webhooks_on_one_session())
    resources.store.try_load_from_disk()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    web.run_app(app, sock=sock, print=None)


def _store_by_kind(resources) -> None:
    """The stock store writes the whole file on every item set (the server's middleware already saves after each
    write request, which is enough), and lists the objects of a kind by scanning every key of the store — a
    charge reads its refunds that way a dozen times per payment, so each payment cost time in proportion to all
    the payments before it (15 ms of CPU at 600 payments, 90 % of this process). The store here also keeps its
    objects grouped by kind, in the order they were stored, and a list reads only its kind: the same objects in
    the same order."""
    from localstripe.errors import UserError

    class Store(resources.Store):
        def __setitem__(self, key, value):
            dict.__setitem__(self, key, value)
            self.of_kind(key.split(":", 1)[0])[key] = value

        def __delitem__(self, key):
            dict.__delitem__(self, key)
            self.of_kind(key.split(":", 1)[0]).pop(key, None)

        def clear(self):
            dict.clear(self)
            self.__dict__["kinds"] = {}

        def update(self, other):
            for key, value in dict(other).items():
                self[key] = value

        def of_kind(self, kind: str) -> dict:
            return self.__dict__.setdefault("kinds", {}).setdefault(kind, {})

    def list_all(cls, url, limit=None, starting_after=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        listed = resources.List(url, limit=limit, starting_after=starting_after)
        listed._list = list(resources.store.of_kind(cls.object).values())
        return listed

    objects = dict(resources.store)
    resources.store.__class__ = Store
    resources.store.clear()
    resources.store.update(objects)
    resources.StripeObject._api_list_all = classmethod(list_all)


def _webhooks_on_one_session():
    """localstripe sends each webhook on a new HTTP session, opening a connection to the app for every event.
    Here one session with kept-alive connections sends them all; each is still the event's JSON, signed as Stripe
    signs (Stripe-Signature: t=<created>,v1=<HMAC-SHA256 of "<created>.<body>">) and posted a second after the
    event, to every registered endpoint that takes its type. Returns the cleanup that closes the session."""
    import asyncio
    import hashlib
    import hmac
    import json
    import logging

    import aiohttp
    from localstripe import webhooks

    logger = logging.getLogger("aiohttp.access")
    sessions: list[aiohttp.ClientSession] = []

    async def send_webhook(event):
        payload = json.dumps(event._export(), indent=2, sort_keys=True).encode("utf-8")
        signed_payload = b"%d.%s" % (event.created, payload)
        await asyncio.sleep(1)
        if not sessions:
            sessions.append(aiohttp.ClientSession())
        for webhook in list(webhooks._webhooks.values()):
            if webhook.events is not None and event.type not in webhook.events:
                continue
            signature = hmac.new(webhook.secret.encode("utf-8"), signed_payload, hashlib.sha256).hexdigest()
            headers = {"Content-Type": "application/json; charset=utf-8",
                       "Stripe-Signature": "t=%d,v1=%s" % (event.created, signature)}
            try:
                async with sessions[0].post(webhook.url, data=payload, headers=headers) as response:
                    await response.read()
                    logger.info('webhook "%s" answered %d', event.type, response.status)
            except aiohttp.ClientError as exc:
                logger.info('webhook "%s" failed: %s', event.type, exc)

    async def close(_app):
        for session in sessions:
            await session.close()

    webhooks._send_webhook = send_webhook
    return close


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--state", default=str(DATA_DIR / "localstripe.pickle"))
    args = parser.parse_args(argv)
    serve(port=args.port, state_file=args.state)


if __name__ == "__main__":
    main()
