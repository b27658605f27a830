"""Plain SQL for the hottest reads: a prepared statement on Django's own connection.

psycopg's own cursor binds parameters on the server and, with `prepare=True`, makes PostgreSQL plan the
statement once per connection; Django's cursor binds on the client and is planned every time. The statements
are logged like Django's own when queries are being captured (DEBUG, or a test counting queries)."""
import time

import psycopg
from django.db import connection


def _run(sql: str, params: list, fetch):
    connection.ensure_connection()
    started = time.monotonic() if connection.queries_logged else None
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:  # django.db's errors
        cursor.execute(sql, params, prepare=True)
        result = fetch(cursor)
    if started is not None:
        connection.queries_log.append({"sql": f"{sql} -- prepared", "time": f"{time.monotonic() - started:.3f}"})
    return result


def fetch_all_prepared(sql: str, params: list) -> list[tuple]:
    return _run(sql, params, lambda cursor: cursor.fetchall())


def fetch_one_prepared(sql: str, params: list) -> tuple | None:
    return _run(sql, params, lambda cursor: cursor.fetchone())


def execute_prepared(sql: str, params: list) -> list[tuple]:
    """Run a statement (an INSERT with or without RETURNING, too) with parameters bound on the server: a large
    parameter (a JSON document of a thousand rows) travels as it is, not quoted into the SQL text."""
    return _run(sql, params, lambda cursor: cursor.fetchall() if cursor.description is not None else [])
