"""Plain SQL for the hottest reads: a prepared statement on Django's own connection.

psycopg's own cursor binds parameters on the server and, with `prepare=True`, makes PostgreSQL plan the
statement once per connection; Django's cursor binds on the client and is planned every time. The statements
are logged like Django's own when queries are being captured (DEBUG, or a test counting queries)."""
import time

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections


def _run(sql: str, params: list, fetch, prepare: bool = True):
    connection = connections[DEFAULT_DB_ALIAS]  # once: each attribute of django.db.connection is a thread-local look-up
    connection.ensure_connection()
    started = time.monotonic() if connection.queries_logged else None
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:  # django.db's errors
        cursor.execute(sql, params, prepare=prepare)
        result = fetch(cursor)
    if started is not None:
        connection.queries_log.append({"sql": f"{sql} -- {'prepared' if prepare else 'bound'}",
                                       "time": f"{time.monotonic() - started:.3f}"})
    return result


def pipelined(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Run prepared statements in one round trip (psycopg's pipeline mode) and return each one's rows. They run
    in order, each seeing what the ones before it did (and, at read committed, what others committed before it
    began); the first that fails raises, as django.db's error, and the rest do not run."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    started = time.monotonic() if connection.queries_logged else None
    cursors = []
    with connection.wrap_database_errors:
        try:
            with connection.connection.pipeline():
                for sql, params in statements:
                    cursors.append(cursor := psycopg.Cursor(connection.connection))
                    cursor.execute(sql, params, prepare=True)
            results = [cursor.fetchall() if cursor.description is not None else [] for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()
    if started is not None:
        took = f"{time.monotonic() - started:.3f}"
        connection.queries_log.extend({"sql": f"{sql} -- prepared, pipelined", "time": took} for sql, _ in statements)
    return results


def fetch_all_prepared(sql: str, params: list) -> list[tuple]:
    return _run(sql, params, lambda cursor: cursor.fetchall())


def fetch_one_prepared(sql: str, params: list) -> tuple | None:
    return _run(sql, params, lambda cursor: cursor.fetchone())


def execute_prepared(sql: str, params: list) -> list[tuple]:
    """Run a statement (an INSERT with or without RETURNING, too) with parameters bound on the server: a large
    parameter (a JSON document of a thousand rows) travels as it is, not quoted into the SQL text."""
    return _run(sql, params, lambda cursor: cursor.fetchall() if cursor.description is not None else [])


def execute_bound(sql: str, params: list | dict) -> list[tuple]:
    """execute_prepared, but planned for each call's values: for a batch statement whose best plan depends on
    the batch's size (a generic plan guesses 10 elements for every array parameter)."""
    return _run(sql, params, lambda cursor: cursor.fetchall() if cursor.description is not None else [],
                prepare=False)


# Batches travel as PostgreSQL array literals built with str.join, one text parameter per column: psycopg would
# inspect a 10 000-element Python list value by value, and a JSON document of row objects repeats every key per
# row and costs PostgreSQL more to take apart than arrays do.
def quoted_array(values) -> str:
    """An array literal of arbitrary strings: every element quoted, so commas, braces, spaces, an empty string
    or the word NULL stay text."""
    return "{" + ",".join(['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values]) + "}"


def plain_array(values) -> str:
    """An array literal of values that need no quoting (validated digits, codes, ISO dates, numbers, NULL)."""
    return "{" + ",".join(values) + "}"


def violated_constraint(error: Exception) -> str | None:
    """The name of the constraint a django.db IntegrityError violated, as PostgreSQL reported it (None if it
    named none): how callers tell the race they expect from any other failure."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
