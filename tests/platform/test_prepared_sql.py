"""The hot statements of qalqan/core/sql.py are really prepared on the server (planned once per connection)."""
import psycopg
import pytest
from django.db import connection

from qalqan.core.sql import execute_prepared, fetch_all_prepared, fetch_one_prepared

pytestmark = pytest.mark.django_db

PROBE = "SELECT %(n)s::int + 1 AS probe_of_preparing"


def _server_prepared(fragment: str) -> list[tuple[int, int]]:
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       [f"%{fragment}%"])
        return cursor.fetchall()


def test_a_hot_statement_is_prepared_once_and_executed_many_times():
    answers = [fetch_one_prepared(PROBE, {"n": n})[0] for n in range(8)]

    assert answers == list(range(1, 9))
    [(generic, custom)] = _server_prepared("probe_of_preparing")
    assert generic + custom == 8  # one server-side statement served all eight executions


def test_every_prepared_helper_binds_on_the_server():
    assert fetch_all_prepared("SELECT unnest(%(xs)s::int[]) AS probe_all", {"xs": [1, 2]}) == [(1,), (2,)]
    assert execute_prepared("SELECT %(x)s::text AS probe_exec", {"x": "a'b"}) == [("a'b",)]
    assert _server_prepared("probe_all") and _server_prepared("probe_exec")


def test_django_own_queries_stay_unprepared():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 AS probe_of_django_cursor")
        cursor.execute("SELECT 1 AS probe_of_django_cursor")
    assert _server_prepared("probe_of_django_cursor") == []
