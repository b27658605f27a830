"""A real HTTP server on loopback for the benchmarks, against the same DATABASE_URL: Granian (a Rust HTTP server
with a WSGI interface), as in production. gunicorn's threaded worker was measured here at 4 400 requests/s with
a p99 of 20 ms for a WSGI app that only answers "{}"; Granian serves the same app at 33 000/s with a p99 of
2.4 ms, so what the benchmarks measure is Qalqan, not the server."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

GRANIAN = os.path.join(os.path.dirname(sys.executable), "granian")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def http_server(workers: int = 2, threads: int = 4, env: dict | None = None):
    """Yield the base URL of a Granian serving qalqan.wsgi with `workers` processes of `threads` threads each;
    stop it afterwards."""
    port = free_port()
    command = [GRANIAN, "--interface", "wsgi", "qalqan.wsgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
               "--http", "1", "--no-ws", "--log-level", "warning"]
    server_env = {**os.environ, "DEBUG": "false", "QALQAN_ENV": "development", "DB_CONN_MAX_AGE": "600",
                  **(env or {})}
    process = subprocess.Popen(command, env=server_env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/api/v1/openapi.json", timeout=60)  # slow on a loaded machine (schema built once)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]
