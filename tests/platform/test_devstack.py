"""The fresh-machine path: an embedded PostgreSQL started from the pip-installed wheel."""
import environ
import psycopg
from django.db.utils import ConnectionHandler

from qalqan import devstack


def django_connection(url: str):
    """A Django connection configured exactly as settings.py would from DATABASE_URL."""
    return ConnectionHandler({"default": environ.Env.db_url_config(url)})["default"]


def test_embedded_postgres_starts_creates_the_database_and_stops(tmp_path, monkeypatch, django_db_blocker):
    monkeypatch.setattr(devstack, "DATA_DIR", tmp_path)
    with devstack.embedded_postgres() as url, django_db_blocker.unblock():
        connection = django_connection(url)
        with connection.cursor() as cursor:
            cursor.execute("select current_database()")
            assert cursor.fetchone() == ("qalqan",)
        connection.close()
    assert not (tmp_path / "pg" / "postmaster.pid").exists()  # stopped with the command


def test_second_start_reuses_the_data(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "DATA_DIR", tmp_path)
    with devstack.embedded_postgres():
        with psycopg.connect(dbname="qalqan", user="postgres", host=str(tmp_path / "pg"), autocommit=True) as c:
            c.execute("create table kept (x int)")
    with devstack.embedded_postgres():
        with psycopg.connect(dbname="qalqan", user="postgres", host=str(tmp_path / "pg")) as c:
            assert c.execute("select count(*) from kept").fetchone() == (0,)


def test_django_url_keeps_the_socket_directory():
    config = environ.Env.db_url_config(devstack._django_url("postgresql://postgres:@/qalqan?host=/tmp/x y"))
    assert (config["NAME"], config["USER"], config["OPTIONS"]["host"]) == ("qalqan", "postgres", "/tmp/x y")
    tcp = environ.Env.db_url_config(devstack._django_url("postgresql://postgres@127.0.0.1:5433/qalqan"))
    assert (tcp["HOST"], tcp["PORT"], tcp["NAME"]) == ("127.0.0.1", 5433, "qalqan")


def test_a_killed_user_of_the_embedded_server_is_forgotten(tmp_path):
    """A `make run` killed outright leaves its pid in the handle list; the next one must still stop the server."""
    import json
    import os
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead.pid, os.getpid()]))

    devstack._forget_dead_handles(handles)

    assert json.loads(handles.read_text()) == [os.getpid()]


def test_sigterm_stops_the_command_like_ctrl_c(tmp_path):
    """`kill` of make run stops the command it runs too (and then the embedded server), leaving no orphan."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "child.pid"
    script = ("import os, sys; os.environ['DATABASE_URL'] = 'postgres://x@127.0.0.1/x';"
              "from qalqan import devstack; devstack._extra_services = lambda: [];"
              f"sys.exit(devstack.run(['sh', '-c', 'echo $$ > {pid_file}; exec sleep 30']))")
    process = subprocess.Popen([sys.executable, "-c", script], cwd=os.getcwd())
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.1)
    child = int(pid_file.read_text())

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=20) != 0
    time.sleep(0.2)
    assert not devstack._running(child) or _is_zombie(child)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"
    except FileNotFoundError:
        return True
