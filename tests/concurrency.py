"""Races with real threads against PostgreSQL."""
import threading
import time

from django.db import IntegrityError, connection, transaction


def in_threads(n: int, work) -> tuple[list, list]:
    """Run `work` in `n` threads released together; returns (results, errors). Each thread closes its own
    database connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def delete_while_inserting(insert, delete_sql: str, params: list) -> str:
    """Run `insert()` in a transaction held open for a second and, once it has inserted, `delete_sql` in another
    thread. The delete's outcome: "deleted", "refused: still named" or "refused: <the error>"."""
    inserted, outcome = threading.Event(), {}

    def inserting():
        try:
            with transaction.atomic():
                insert()
                inserted.set()
                threading.Event().wait(1.0)  # hold the transaction open while the delete arrives
        finally:
            connection.close()

    def deleting():
        inserted.wait(30)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(delete_sql, params)
            outcome["delete"] = "deleted"
        except IntegrityError as exc:
            outcome["delete"] = "refused: still named" if "still named" in str(exc) else f"refused: {exc}"
        finally:
            connection.close()

    run_threads(inserting, deleting)
    return outcome.get("delete", "no answer")


def recorded(outcome: dict, key: str, work):
    """A thread target that runs `work()` and keeps what it returned — or the exception it raised — in
    outcome[key], then closes the thread's database connection."""
    def target():
        try:
            outcome[key] = work()
        except BaseException as exc:  # noqa: BLE001 - the test asserts the outcome
            outcome[key] = exc
        finally:
            connection.close()
    return target


def run_threads(*targets, timeout: float = 60.0) -> None:
    """Start a thread for each target, then wait for them all (each up to `timeout` seconds)."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def backend_waiting_for_lock(statement_fragment: str, timeout: float = 120.0) -> int:
    """The pid of a backend of this database waiting on a lock in a statement containing `statement_fragment`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _activity("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND position(%s in query) > 0", [statement_fragment])
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError(f"no backend came to wait on a lock in a statement with {statement_fragment!r}")


def backend_gone(pid: int, timeout: float = 30.0) -> None:
    """Wait until the server has ended the session of backend `pid` (a moment after its client hung up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _activity("SELECT pid FROM pg_stat_activity WHERE pid = %s", [pid]) is None:
            return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} is still there")


def _activity(sql: str, params: list):
    """The first row of a query on pg_stat_activity as it is now: the activity snapshot is kept for a whole
    transaction, so it is cleared first (a test inside a transaction would otherwise poll a frozen picture)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(sql, params)
        return cursor.fetchone()
