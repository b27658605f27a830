"""CPU seconds of the processes an HTTP benchmark runs on this machine, read from /proc: the Granian serving the
benchmark (its workers included) and the PostgreSQL backends connected to the benchmark's database. Wall-clock
rates on a shared machine move with whatever else runs; CPU per operation does not."""
import os

from django.db import connection


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(base: str) -> list[int]:
    """The Granian process serving `base` and its workers (found by the port on its command line)."""
    port = base.rsplit(":", 1)[1]
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().split(b"\0")
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = (int(f.read().rsplit(")", 1)[1].split()[1]), cmdline)
            except OSError:
                continue
    roots = {pid for pid, (_, cmd) in parents.items()
             if any(b"granian" in part for part in cmd) and port.encode() in cmd}
    return sorted(roots | {pid for pid, (ppid, _) in parents.items() if ppid in roots})


def backend_pids() -> list[int]:
    """PostgreSQL backends on this benchmark's database other than this process's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [pid for (pid,) in cursor.fetchall()]


class ServerCpu:
    """CPU of the server's processes and of the other backends on the database between start() and stop()."""

    def __init__(self, base: str):
        self.base = base

    def start(self) -> None:
        self.servers = {pid: cpu_seconds(pid) for pid in server_pids(self.base)}
        self.backends = {pid: cpu_seconds(pid) for pid in backend_pids()}

    def stop(self) -> tuple[float, float]:
        """(server seconds, PostgreSQL seconds); a backend that connected meanwhile counts from zero."""
        server = sum(cpu_seconds(pid) - before for pid, before in self.servers.items())
        database = sum(cpu_seconds(pid) - self.backends.get(pid, 0.0) for pid in backend_pids())
        return server, database
