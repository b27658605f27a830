"""`make bench`: run every benchmark in turn and print its figures (nothing is asserted).

`python -m bench registry ledger` runs only the named ones.
"""
import importlib
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qalqan.settings")
os.environ.setdefault("QALQAN_ENV", "development")

BENCHES = [
    "registry",
    "ledger",
    "status",
    "contributions",
    "policies",
    "claims",
    "subsidy",
    "feed",
]


def main(names: list[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for name in names or BENCHES:
        print(f"\n=== bench {name} ===", flush=True)
        _vacuum()
        started = time.perf_counter()
        importlib.import_module(f"bench.bench_{name}").main()
        print(f"(bench {name} took {time.perf_counter() - started:.1f} s)", flush=True)


def _vacuum() -> None:
    """What autovacuum does on a running system between bulk loads: earlier benchmarks leave rolled-back rows
    at the ends of date and id indexes, and the planner's look-ups of those ends then cost milliseconds per
    query (measured: 7.8 ms of planning for the eligibility query before, 0.6 ms after)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main(sys.argv[1:])
