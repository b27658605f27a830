"""Subsidy run operations: start, calculate (resumable, set-based), approve, disburse, record funding.

Locks: the run row (FOR UPDATE) serialises the run's transitions; disbursement then locks ledger accounts inside
transfer_post (in account-id order) — always run → accounts. The calculation and the instruments' funded events
are done in ranges of policy ids by several workers at once, each range in its own transaction (an advisory lock
per range; the funded events are serialised by each instrument chain's key, not by row locks) that updates the
run's counters last, just before it commits.
"""
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from policies.instrument_batches import instruments_record_funding_from
from policies.models import Policy
from qalqan.core.sql import violated_constraint
from qalqan.ledger.models import Account
from qalqan.ledger.services import account_ensure, transfer_post
from qalqan.orgs.models import Organisation

from .calculation import (
    RANGE_TOTALS_SQL,
    SubsidyTableMissing,
    insert_adjustments_sql,
    insert_normal_lines_sql,
    period_inputs,
)
from .models import (
    SubsidyCalculatedRange,
    SubsidyFundedRange,
    SubsidyRun,
    SubsidySource,
    SubsidyTotal,
)

CLEARING = "fund:clearing"
LINE_ONCE = "subsidy_line_once_per_run"
REASON_IN = "subsidy.run.fund"
REASON_OUT = "subsidy.run.pay"

__all__ = ["RunExists", "SubsidyTableMissing", "subsidy_run_start", "queue_calculation", "subsidy_run_calculate",
           "subsidy_run_approve", "subsidy_run_disburse", "subsidy_run_record_funding"]


class RunExists(Exception):
    def __init__(self, run: SubsidyRun):
        self.run = run
        super().__init__(f"a subsidy run for {run.period:%Y-%m} already exists (id {run.pk}, {run.status})")


def chunk_size() -> int:
    return getattr(settings, "SUBSIDY_RUN_CHUNK_POLICIES", 100_000)


def workers() -> int:
    """How many Celery tasks share a run's calculation and its funding (each takes ranges the others have not)."""
    return max(1, getattr(settings, "SUBSIDY_RUN_WORKERS", 2))


@transaction.atomic
def subsidy_run_start(*, period: date, by: str = "system") -> SubsidyRun:
    """Create the period's run (draft). The tables must cover the period; one run per period."""
    period = period.replace(day=1)
    period_inputs(period)  # raises SubsidyTableMissing naming the row
    existing = SubsidyRun.objects.filter(period=period).first()
    if existing:
        raise RunExists(existing)
    bounds = Policy.objects.aggregate(lo=Min("id"), hi=Max("id"))
    try:
        with transaction.atomic():
            return SubsidyRun.objects.create(period=period, created_by=by, first_policy_id=(bounds["lo"] or 1) - 1,
                                             max_policy_id=bounds["hi"] or 0, chunk_policies=chunk_size())
    except IntegrityError:
        raise RunExists(SubsidyRun.objects.get(period=period)) from None


def queue_calculation(run_id: int) -> None:
    """Queue the run's calculation on `workers()` Celery workers at once."""
    from .tasks import subsidy_run_calculate  # the tasks module imports this one

    for _ in range(workers()):
        subsidy_run_calculate.delay(run_id)


def subsidy_run_calculate(*, run_id: int, by: str = "system", stop_after_chunks: int | None = None) -> SubsidyRun:
    """Walk the policy ids in ranges of the run's chunk_policies; each range is one INSERT … SELECT committed
    together with its SubsidyCalculatedRange row, so a killed worker's range is redone and a committed one is
    skipped (and a range redone anyway writes each policy's line once: unique (run, policy, kind)). Once every
    range is committed: adjustments for the previous run's month, totals, and draft → calculated, in one
    transaction.

    Several workers may calculate one run at once (queue_calculation): each takes the ranges nobody has committed
    or is working on (a transaction-level advisory lock per range; the database refuses two overlapping ranges of
    a run), and the one that commits the last range finishes the run. Safe to run twice, also concurrently.

    `stop_after_chunks` stops early (tests and benchmarks use it to simulate a killed worker).
    """
    run = SubsidyRun.objects.get(pk=run_id)
    if run.status != SubsidyRun.Status.DRAFT:
        return run
    inputs = period_inputs(run.period).params("c")
    SubsidyRun.objects.filter(pk=run_id, calculation_started_at=None).update(calculation_started_at=timezone.now())
    done = list(SubsidyCalculatedRange.objects.filter(run_id=run_id)
                .values_list("after_policy_id", "up_to_policy_id"))
    chunks = 0
    for after, up_to in _ranges_to_do(run.first_policy_id, run.max_policy_id, done, run.chunk_policies):
        if stop_after_chunks is not None and chunks >= stop_after_chunks:
            return SubsidyRun.objects.get(pk=run_id)
        chunks += _calculate_range(run_id, after, up_to, inputs)
    return _finish_calculation(run_id=run_id, by=by)


def _calculate_range(run_id: int, after: int, up_to: int, inputs: dict) -> bool:
    """One range's lines with its progress row (and the range's totals), in one transaction; False when another
    worker has it."""
    params = {"run": run_id, "lo": after, "hi": up_to, **inputs}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if not _range_claimed(cursor, "fund_subsidycalculatedrange", f"subsidy-calculation:{run_id}:{after}",
                                      run_id, after, up_to):
                    return False
                # the range's lines pass through RETURNING to their totals: ≈ 6 MB for 100 000, which the default
                # work_mem (4 MB) spills to a temporary file (≈ 5 % of the range's time)
                cursor.execute("SET LOCAL work_mem = '64MB'")
                try:
                    with transaction.atomic():
                        cursor.execute(insert_normal_lines_sql(), params)
                except IntegrityError as exc:
                    if violated_constraint(exc) != LINE_ONCE:
                        raise
                    cursor.execute(insert_normal_lines_sql(redo=True), params)
                    cursor.execute(RANGE_TOTALS_SQL, params)
                totals = [list(row) for row in cursor.fetchall()]
            SubsidyCalculatedRange.objects.create(run_id=run_id, after_policy_id=after, up_to_policy_id=up_to,
                                                  lines=sum(row[2] for row in totals), totals=totals)
            SubsidyRun.objects.filter(pk=run_id).update(chunks_done=F("chunks_done") + 1)
    except IntegrityError:  # an overlapping range committed meanwhile: this one's lines rolled back
        return False
    return True


@transaction.atomic
def _finish_calculation(*, run_id: int, by: str) -> SubsidyRun:
    """Adjustments, totals and draft → calculated, once every range is committed (else the run is left to the
    worker still on a range — or to the task's redelivery, when that worker was killed). The totals are the sum
    of the ranges' and the adjustments' (no pass over the run's lines)."""
    run = SubsidyRun.objects.select_for_update().get(pk=run_id)
    if run.status != SubsidyRun.Status.DRAFT:
        return run
    ranges = list(SubsidyCalculatedRange.objects.filter(run_id=run_id).values_list(
        "after_policy_id", "up_to_policy_id", "totals"))
    if sum(up_to - after for after, up_to, _ in ranges) < run.max_policy_id - run.first_policy_id:
        return run
    sums: dict[tuple[str, int], list[int]] = {}
    for _, _, totals in ranges:
        for source_code, insurer_id, lines, amount in totals:
            figures = sums.setdefault((source_code, insurer_id), [0, 0])
            figures[0] += lines
            figures[1] += amount
    adjustments = 0
    previous = (SubsidyRun.objects.filter(period__lt=run.period, status=SubsidyRun.Status.DISBURSED)
                .order_by("-period").first())
    if previous is not None:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(insert_adjustments_sql(), {
                "run": run.pk, "prev": previous.pk, "since": previous.calculation_started_at or previous.created_at,
                **period_inputs(previous.period).params("a")})
            for source_code, insurer_id, lines, amount in cursor.fetchall():
                sums.setdefault((source_code, insurer_id), [0, 0])[1] += amount
                adjustments += lines
    SubsidyTotal.objects.filter(run=run).delete()
    SubsidyTotal.objects.bulk_create([
        SubsidyTotal(run=run, source_code=source_code, insurer_id=insurer_id, policies=policies, amount_tiyn=amount)
        for (source_code, insurer_id), (policies, amount) in sorted(sums.items())])
    run.policies = sum(policies for policies, _ in sums.values())
    run.total_tiyn = sum(amount for _, amount in sums.values())
    run.adjustments = adjustments
    run.error = ""
    run.calculate(at=timezone.now(), by=by, reason=f"{run.policies} policies")
    run.save()
    return run


@transaction.atomic
def subsidy_run_approve(*, run_id: int, by: str = "system") -> SubsidyRun:
    """calculated → approved (TransitionNotAllowed — 409 — for a run still calculating or already approved)."""
    run = SubsidyRun.objects.select_for_update().get(pk=run_id)
    run.approve(at=timezone.now(), by=by)
    run.save()
    return run


@dataclass(frozen=True)
class Movement:
    key: str
    lines: list
    reason: str


def _source_account(code: str, period: date) -> Account:
    def matches(pattern: str) -> bool:
        prefix, _, _ = pattern.partition("{")
        return code == pattern or ("{" in pattern and code.startswith(prefix))

    rule = next((s for s in SubsidySource.objects.valid_on(period) if matches(s.account_pattern)), None)
    kind = rule.account_kind if rule else Account.Kind.BUDGET_SOURCE
    return account_ensure(code=code, kind=kind, name=code, may_go_negative=kind == Account.Kind.BUDGET_SOURCE)


def run_movements(run: SubsidyRun) -> list[Movement]:
    """The ledger transfers of a run: one per source (source → fund:clearing) and one per insurer
    (fund:clearing → insurer premium). A negative net (adjustments exceeding the month) flows back. The
    movements that fill fund:clearing go first (sources paying in, insurers giving back), then those that take
    from it, so the clearing account never goes below zero on the way."""
    by_source: dict[str, int] = {}
    by_insurer: dict[int, int] = {}
    for total in SubsidyTotal.objects.filter(run=run):
        by_source[total.source_code] = by_source.get(total.source_code, 0) + total.amount_tiyn
        by_insurer[total.insurer_id] = by_insurer.get(total.insurer_id, 0) + total.amount_tiyn
    clearing = account_ensure(code=CLEARING, kind=Account.Kind.FUND_CLEARING, name="Fund subsidy clearing")
    filling, taking = [], []
    for code, amount in sorted(by_source.items()):
        if amount:
            (filling if amount > 0 else taking).append(Movement(
                f"subsidy-run-{run.pk}-in-{code}", [(_source_account(code, run.period), -amount), (clearing, amount)],
                REASON_IN))
    insurers = Organisation.objects.in_bulk(list(by_insurer))
    for insurer_id, amount in sorted(by_insurer.items()):
        if amount:
            insurer = insurers[insurer_id]
            premium = account_ensure(code=f"insurer:{insurer.code}:premium", kind=Account.Kind.INSURER_PREMIUM,
                                     name=f"{insurer.name}: premiums", owner=insurer)
            (taking if amount > 0 else filling).append(Movement(
                f"subsidy-run-{run.pk}-out-{insurer.code}", [(clearing, -amount), (premium, amount)], REASON_OUT))
    return filling + taking


@transaction.atomic
def subsidy_run_disburse(*, run_id: int, by: str = "system") -> SubsidyRun:
    """approved → disbursed: post the run's ledger transfers. The run row lock makes two concurrent calls one
    effect (the second waits, then finds the run disbursed: 409); transfer keys make a replay post nothing.
    Once it commits, the instruments' funded events are queued (the subsidy_run_record_funding task)."""
    run = SubsidyRun.objects.select_for_update().get(pk=run_id)
    run.disburse(at=timezone.now(), by=by)
    posted_on = timezone.localdate()
    for movement in run_movements(run):
        transfer_post(key=movement.key, lines=movement.lines, reason=movement.reason, ref=run, posted_on=posted_on)
    run.save()
    transaction.on_commit(lambda: _queue_funding(run.pk))
    return run


def _queue_funding(run_id: int) -> None:
    from .tasks import subsidy_run_record_funding  # the tasks module imports this one

    for _ in range(workers()):
        subsidy_run_record_funding.delay(run_id)


def funding_range_size() -> int:
    """Policy ids per funding range. Each range is a commit that waits for its WAL to reach the disk and a few
    round trips; 20 000 rather than 5 000 made the national run's 2 440 ranges 610 (≈ 7 % of its funding time)."""
    return getattr(settings, "SUBSIDY_FUNDING_RANGE_POLICIES", 20_000)


def subsidy_run_record_funding(*, run_id: int, max_ranges: int | None = None) -> int:
    """Append one `funded` event per paid line's instrument, walking the run's lines in ranges of policy ids
    (SUBSIDY_FUNDING_RANGE_POLICIES). Each range is one transaction: its events (read from the lines and
    hash-chained in SQL: instruments_record_funding_from) commit together with a SubsidyFundedRange row, so a
    killed worker's range is redone and a committed one is skipped; the database refuses two overlapping ranges
    of a run, so even two workers racing for one range write it once (a transaction-level advisory lock per range
    lets a second worker skip a range in progress instead of repeating its work). Returns the events written.

    `max_ranges` stops early (tests use it to simulate a killed worker)."""
    run = SubsidyRun.objects.get(pk=run_id)
    if run.status != SubsidyRun.Status.DISBURSED:
        return 0
    with connection.cursor() as cursor:  # two look-ups at the ends of the (run, policy, kind) index
        cursor.execute(_POLICY_BOUNDS_SQL, [run_id, run_id])
        first, last = cursor.fetchone()
    if first is None:
        return 0
    done = list(SubsidyFundedRange.objects.filter(run_id=run_id).values_list("after_policy_id", "up_to_policy_id"))
    written = ranges = 0
    params = {"run": run_id, "period": f"{run.period:%Y-%m}"}
    for after, up_to in _ranges_to_do(first - 1, last, done, funding_range_size()):
        if max_ranges is not None and ranges >= max_ranges:
            break
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    if not _range_claimed(cursor, "fund_subsidyfundedrange", f"subsidy-funding:{run_id}:{after}",
                                          run_id, after, up_to):
                        continue
                count = instruments_record_funding_from(_FUNDING_SOURCE_SQL, {**params, "after": after, "up_to": up_to})
                SubsidyFundedRange.objects.create(run_id=run_id, after_policy_id=after, up_to_policy_id=up_to,
                                                  events=count)
        except IntegrityError:  # an overlapping range committed meanwhile: this one's events rolled back
            continue
        written += count
        ranges += 1
    return written


def _range_claimed(cursor, ranges_table: str, key: str, run_id: int, after: int, up_to: int) -> bool:
    """Claim the range (after, up_to] of a run for this transaction: False when another worker is on it or it is
    written. A claimed range runs without JIT (compiling costs more than a range's work)."""
    cursor.execute(_CLAIM_SQL.format(ranges=ranges_table), {"key": key, "run": run_id, "after": after,
                                                            "up_to": up_to})
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL jit = off")
    return True


def _ranges_to_do(after: int, last: int, done: list[tuple[int, int]], size: int):
    """(after, last] less the ranges done, in pieces of at most `size` policy ids."""
    at = after
    for done_after, done_up_to in sorted(done) + [(last, last)]:
        while at < min(done_after, last):
            end = min(at + size, done_after, last)
            yield at, end
            at = end
        at = max(at, done_up_to)


_POLICY_BOUNDS_SQL = """
SELECT (SELECT policy_id FROM fund_subsidyline WHERE run_id = %s ORDER BY run_id, policy_id LIMIT 1),
       (SELECT policy_id FROM fund_subsidyline WHERE run_id = %s ORDER BY run_id DESC, policy_id DESC LIMIT 1)
"""
# the advisory lock is taken only when no committed range overlaps (so a finished range is not waited for)
_CLAIM_SQL = """
SELECT NOT EXISTS (SELECT 1 FROM {ranges} r WHERE r.run_id = %(run)s
                      AND int8range(r.after_policy_id, r.up_to_policy_id, '(]') && int8range(%(after)s, %(up_to)s, '(]'))
       AND pg_try_advisory_xact_lock(hashtextextended(%(key)s, 0))
"""
# The range by run and policy id, which the (run, policy, kind) index serves with both bounds. (A row comparison
# `(run_id, policy_id) > (…)` was used while another index led with run_id; at national scale, with the previous
# run's lines analysed, the planner estimated 200 000 lines a range for it and scanned the whole line table, with
# JIT, for every range of 5 000: 1.2 s a range.)
_FUNDING_SOURCE_SQL = """
SELECT l.id AS line_id, l.instrument_id, l.amount_tiyn, l.run_id AS subsidy_run, %(period)s::text AS period,
       l.kind::text AS line
  FROM fund_subsidyline l
 WHERE l.run_id = %(run)s AND l.policy_id > %(after)s AND l.policy_id <= %(up_to)s AND l.amount_tiyn > 0
"""


def subsidy_run_fail(*, run_id: int, error: str) -> None:
    SubsidyRun.objects.filter(pk=run_id).update(error=error[:2000])
