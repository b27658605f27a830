"""A real HTTP server (gunicorn) on loopback for the benchmarks, against the same DATABASE_URL."""
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 3, threads: int = 1, env: dict | None = None):
    """Yield the base URL of a gunicorn serving qalqan.wsgi; stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "qalqan.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
               "--threads", str(threads), "--timeout", "300", "--log-level", "warning"]
    server_env = {**os.environ, "DEBUG": "false", "QALQAN_ENV": "development", **(env or {})}
    process = subprocess.Popen(command, env=server_env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/api/v1/openapi.json", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]
