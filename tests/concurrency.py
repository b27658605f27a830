"""Races with real threads against PostgreSQL."""
import threading

from django.db import connection


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
