"""Many `funded` events at once, for the monthly subsidy run (millions of instruments).

Each event carries the hash of its instrument's previous event exactly as `instrument_record` writes it, so
`instruments_verify` checks both alike. A batch appends all its links in one INSERT … SELECT that reads each
previous hash and computes the new one in PostgreSQL
(`sha256` over the previous hash and the same canonical JSON as `event_hash`: sorted keys, no spaces, UTC
time with microseconds). The data of a funded event has a fixed shape — {"line", "period", "subsidy_run"} —
which is what lets SQL spell the canonical JSON without a general serialiser (instrument numbers are
[0-9A-Z], so they need no escaping either). Every instrument starts with its `issued` event, so a previous
link normally exists; without one the chain starts from the genesis hash, as `_append` does.

A batch does not lock the instruments it funds (bar the rare issued one, below): a row lock writes the
instrument's tuple, and the national run would rewrite the whole instruments table every month for it. The
chain's key (instrument, seq) serialises the appends instead. A single event (instrument_record, under the
instrument's row lock) that commits while a batch runs takes the seq the batch read as free: the batch's link for
it is refused by the key, and the batch reads its chains again (chain_retried); one that is still uncommitted
makes the batch's insert wait for it, then the same. The other way round, instrument_record writes its links
only while their seq is free and otherwise builds them again (instruments._append_links). Every change of an
instrument's status is an event of its chain, so the status a batch read is the one its link follows, or the key
refuses the link.

The fundings come as JSON (instruments_record_funding) or straight from SQL where they are stored
(instruments_record_funding_from: the subsidy run reads its lines in the same statement, so nothing is done
per row in Python).
"""
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qalqan.core.sql import fetch_one_prepared, violated_constraint

from .instruments import CHAIN_KEY, CHAIN_MOVED_TRIES, EVENT_RULES, Kind, Status
from .models import GENESIS_HASH

_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True)
class Funding:
    instrument_id: int
    amount_tiyn: int
    subsidy_run: int
    period: str  # YYYY-MM
    line: str  # the subsidy line's kind: normal | adjustment

    def __post_init__(self):
        if not (set(self.period) <= _SAFE and set(self.line) <= _SAFE):
            raise ValueError("period and line are plain codes")


# {source} is a SELECT of (line_id, instrument_id, amount_tiyn, subsidy_run, period, line): the fundings.
#
# One round appends the round-th funding of each instrument (an instrument funded twice in one batch — a line
# and its adjustment, or two terms of one number — needs the first link's hash for the second), and the
# statement answers (the instruments still issued, which their funded event makes active — rare: activation funds
# an instrument at once —, the events written, the number of rounds the batch needs).
#
# Those issued instruments are the only ones a batch locks (to make them active), and it locks them before it
# appends any link (the result's first column is evaluated first): the holder of such a lock may be about to append
# a link of its own, and would wait for the batch's link while the batch waited for its lock.
_APPEND_SQL = """
WITH f AS MATERIALIZED (
    SELECT s.*, row_number() OVER (PARTITION BY s.instrument_id ORDER BY s.line_id) AS round FROM ({source}) s),
funded AS MATERIALIZED (
    SELECT f.*, i.number, i.status FROM f JOIN policies_instrument i ON i.id = f.instrument_id
     WHERE f.round = %(round)s),
issued AS MATERIALIZED (
    SELECT i.id FROM funded f JOIN policies_instrument i ON i.id = f.instrument_id WHERE f.status = %(issued)s
     ORDER BY i.id FOR NO KEY UPDATE OF i),
d AS MATERIALIZED (
    SELECT line, period, subsidy_run,
           jsonb_build_object('line', line, 'period', period, 'subsidy_run', subsidy_run) AS data,
           '{{"line":"' || line || '","period":"' || period || '","subsidy_run":' || subsidy_run || '}}' AS canonical
      FROM (SELECT DISTINCT line, period, subsidy_run FROM f) kinds),
appended AS (
    INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, hash, at)
    SELECT f.instrument_id, prev.seq + 1, 'funded', f.amount_tiyn, d.data,
           sha256(convert_to(prev.hash || '{{"amount_tiyn":' || f.amount_tiyn || %(at_then_data)s || d.canonical
               || ',"kind":"funded","number":"' || f.number || '","seq":' || (prev.seq + 1) || '}}', 'UTF8')),
           %(at)s
    FROM funded f
    JOIN d ON d.line = f.line AND d.period = f.period AND d.subsidy_run = f.subsidy_run
    LEFT JOIN LATERAL (SELECT e.seq, e.hash FROM policies_instrumentevent e WHERE e.instrument_id = f.instrument_id
                       ORDER BY e.seq DESC LIMIT 1) last ON true
    CROSS JOIN LATERAL (SELECT coalesce(last.seq, 0) AS seq,
                               coalesce(encode(last.hash, 'hex'), %(genesis)s) AS hash) prev
    WHERE f.status = ANY(%(allowed)s)
    RETURNING instrument_id)
SELECT (SELECT coalesce(array_agg(id), '{{}}') FROM issued), (SELECT count(*) FROM appended),
       (SELECT coalesce(max(round), 0) FROM f)
"""

_ACTIVATE_SQL = "UPDATE policies_instrument SET status = %(active)s WHERE id = ANY(%(ids)s) AND status = %(issued)s"

_JSON_SOURCE = """
SELECT j.line_id, j.instrument_id, j.amount_tiyn, j.subsidy_run, j.period, j.line
  FROM ROWS FROM (json_to_recordset(%(fundings)s::json)
                  AS (instrument_id bigint, amount_tiyn bigint, subsidy_run bigint, period text, line text))
       WITH ORDINALITY AS j(instrument_id, amount_tiyn, subsidy_run, period, line, line_id)
"""


@transaction.atomic
def instruments_record_funding(fundings: list[Funding]) -> int:
    """Append a `funded` event for each funding whose instrument may still be funded (issued, active or
    suspended; an issued one becomes active); an ended instrument is skipped, as `instrument_record` refuses
    it. Returns the number of events written."""
    if not fundings:
        return 0
    rows = [{"instrument_id": f.instrument_id, "amount_tiyn": f.amount_tiyn, "subsidy_run": f.subsidy_run,
             "period": f.period, "line": f.line} for f in fundings]
    return instruments_record_funding_from(_JSON_SOURCE, {"fundings": json.dumps(rows)})


@transaction.atomic
def instruments_record_funding_from(source: str, params: dict) -> int:
    """The same for fundings read by SQL where they are (a run's subsidy lines), with nothing per row in Python.

    `source` is a SELECT of (line_id, instrument_id, amount_tiyn, subsidy_run, period, line) using `params`;
    line_id orders two fundings of one instrument. period and line must be plain codes ([0-9A-Za-z_-], as
    Funding checks): the canonical JSON is spelled in SQL without escaping."""
    at = timezone.now()
    at_iso = at.astimezone(UTC).isoformat(timespec="microseconds")
    params = {**params, "at": at, "genesis": GENESIS_HASH, "at_then_data": f',"at":"{at_iso}","data":',
              "allowed": sorted(EVENT_RULES[Kind.FUNDED][0]), "active": Status.ACTIVE, "issued": Status.ISSUED}
    with connection.cursor() as cursor:
        # the appending statement is prepared once per connection and run on its generic plan: planning it took
        # a few ms, for each of the national run's ranges (its plan does not depend on the range's bounds)
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    return chain_retried(lambda: _append_rounds(source, params))


def chain_retried(append):
    """`append()` in a savepoint, done again (up to CHAIN_MOVED_TRIES times in all) when the chain's key refuses
    a link because another transaction (a single event, or another batch) took its seq — committed meanwhile, or
    waited for and then committed: each try reads the chains as they are then."""
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                return append()
        except IntegrityError as exc:
            if attempt == CHAIN_MOVED_TRIES or violated_constraint(exc) != CHAIN_KEY:
                raise
            attempt += 1


def _append_rounds(source: str, params: dict) -> int:
    count, issued = 0, set()
    append = _APPEND_SQL.format(source=source)
    rounds, done = 1, 0
    with connection.cursor() as cursor:
        while done < rounds:
            done += 1
            still_issued, written, rounds = fetch_one_prepared(append, {**params, "round": done})
            count += written
            issued.update(still_issued)
        if issued:  # each got its event (an issued instrument may be funded) and is locked
            cursor.execute(_ACTIVATE_SQL, {**params, "ids": sorted(issued)})
    return count
