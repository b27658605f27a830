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
