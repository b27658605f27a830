"""Plain SQL for the hottest reads: a prepared statement on Django's own connection.

psycopg's own cursor binds parameters on the server and, with `prepare=True`, makes PostgreSQL plan the
statement once per connection; Django's cursor binds on the client and is planned every time."""
import psycopg
from django.db import connection


def fetch_all_prepared(sql: str, params: list) -> list[tuple]:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def fetch_one_prepared(sql: str, params: list) -> tuple | None:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
