"""HTTP load with `wrk` (C, so the load generator does not eat the cores it measures): a list of requests is
sent round-robin from N keep-alive connections for S seconds; returns requests/s, p50 and p99 in ms and the
count of non-2xx answers. Without `wrk` on the machine, a thread pool of http.client connections stands in
(slower: Python spends about as much CPU sending as the server spends answering)."""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

from bench.server import percentile


@dataclass(frozen=True)
class Call:
    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class LoadResult:
    rate: float
    p50: float
    p99: float
    errors: int
    tool: str

    def __str__(self) -> str:
        return (f"{self.rate:,.0f} requests/s, p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, "
                f"{self.errors} non-2xx ({self.tool})")


def hammer(base: str, calls: list[Call], *, seconds: int, connections: int, warmup: int = 0) -> LoadResult:
    """`warmup` seconds of the same load first, not measured: every server thread has opened its database
    connection and prepared its statements, as on a server that has been up for a while. (Only for idempotent
    calls: the warm-up sends the first calls of the list again.)"""
    run = _wrk if shutil.which("wrk") else _threads
    if warmup:
        run(base, calls, warmup, connections)
    return run(base, calls, seconds, connections)


def _lua_string(value: str | bytes) -> str:
    text = value.decode() if isinstance(value, bytes) else value
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these characters


def _wrk(base: str, calls: list[Call], seconds: int, connections: int) -> LoadResult:
    threads = min(connections, 2)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("specs = {\n")
        for call in calls:
            headers = "{" + ",".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in call.headers.items()) + "}"
            body = _lua_string(call.body) if call.body is not None else "nil"
            script.write(f"  {{{_lua_string(call.method)}, {_lua_string(call.path)}, {headers}, {body}}},\n")
        # Formatted on first use: wrk knows the Host header only once the thread runs. Each thread starts at its
        # own offset and steps by the thread count, so the threads never send the same call twice in one pass
        # (a POST whose body must be unique stays unique until the list wraps).
        script.write(f"}}\ncalls = {{}}\ncounter = 0\nthreads = 0\n"
                     "function setup(thread)\n  thread:set(\"counter\", threads)\n  threads = threads + 1\nend\n"
                     f"request = function()\n  counter = counter + {threads}\n"
                     "  local i = (counter % #specs) + 1\n"
                     "  if calls[i] == nil then\n    local s = specs[i]\n"
                     "    s[3][\"Host\"] = s[3][\"Host\"] or wrk.headers[\"Host\"]\n"
                     "    calls[i] = wrk.format(s[1], s[2], s[3], s[4])\n  end\n"
                     "  return calls[i]\nend\n")
    try:
        output = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                                 "--latency", "-s", script.name, base],
                                capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return LoadResult(rate, p50, p99, int(errors.group(1)) if errors else 0, "wrk")


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _threads(base: str, calls: list[Call], seconds: int, connections: int) -> LoadResult:
    host, port = base.removeprefix("http://").split(":")
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def worker(n: int) -> None:
        client = http.client.HTTPConnection(host, int(port), timeout=10)
        i = n
        while time.perf_counter() < deadline:
            call = calls[i % len(calls)]
            t0 = time.perf_counter()
            client.request(call.method, call.path, body=call.body, headers=call.headers)
            response = client.getresponse()
            response.read()
            latencies[n].append((time.perf_counter() - t0) * 1000)
            errors[n] += response.status >= 300
            i += connections

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    merged = sorted(x for part in latencies for x in part)
    return LoadResult(len(merged) / elapsed, percentile(merged, 50), percentile(merged, 99), sum(errors),
                      "http.client threads")
