"""Many `funded` events at once, for the monthly subsidy run (millions of instruments).

Each event carries the hash of its instrument's previous event exactly as `instrument_record` writes it, so
`instruments_verify` checks both alike. A batch locks its instruments in id order and then appends all its
links with one INSERT … SELECT that reads each previous hash and computes the new one in PostgreSQL
(`sha256` over the previous hash and the same canonical JSON as `event_hash`: sorted keys, no spaces, UTC
time with microseconds). The data of a funded event has a fixed shape — {"line", "period", "subsidy_run"} —
which is what lets SQL spell the canonical JSON without a general serialiser (instrument numbers are
[0-9A-Z], so they need no escaping either). Every instrument starts with its `issued` event, so a previous
link normally exists; without one the chain starts from the genesis hash, as `_append` does.
"""
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from .instruments import EVENT_RULES, Kind, Status
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


_LOCK_SQL = "SELECT id FROM policies_instrument WHERE id = ANY(%s) ORDER BY id FOR UPDATE"

_APPEND_SQL = """
INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, prev_hash, hash, at)
SELECT f.instrument_id, prev.seq + 1, 'funded', f.amount_tiyn,
       jsonb_build_object('line', f.line, 'period', f.period, 'subsidy_run', f.subsidy_run),
       prev.hash,
       encode(sha256(convert_to(prev.hash
           || '{"amount_tiyn":' || f.amount_tiyn || ',"at":"' || %(at_iso)s
           || '","data":{"line":"' || f.line || '","period":"' || f.period || '","subsidy_run":' || f.subsidy_run
           || '},"kind":"funded","number":"' || i.number || '","seq":' || (prev.seq + 1) || '}', 'UTF8')), 'hex'),
       %(at)s
FROM json_to_recordset(%(fundings)s::json)
     AS f(instrument_id bigint, amount_tiyn bigint, subsidy_run bigint, period text, line text)
JOIN policies_instrument i ON i.id = f.instrument_id AND i.status = ANY(%(allowed)s)
LEFT JOIN LATERAL (SELECT e.seq, e.hash FROM policies_instrumentevent e WHERE e.instrument_id = f.instrument_id
                   ORDER BY e.seq DESC LIMIT 1) last ON true
CROSS JOIN LATERAL (SELECT coalesce(last.seq, 0) AS seq, coalesce(last.hash, %(genesis)s) AS hash) prev
RETURNING instrument_id
"""
_ACTIVATE_SQL = "UPDATE policies_instrument SET status = %s WHERE id = ANY(%s) AND status = %s"


@transaction.atomic
def instruments_record_funding(fundings: list[Funding]) -> int:
    """Append a `funded` event for each funding whose instrument may still be funded (issued, active or
    suspended; an issued one becomes active); an ended instrument is skipped, as `instrument_record` refuses
    it. Returns the number of events written."""
    ids = sorted({f.instrument_id for f in fundings})
    if not ids:
        return 0
    rounds: dict[int, list[dict]] = defaultdict(list)  # the k-th funding of an instrument goes in round k
    seen: dict[int, int] = defaultdict(int)
    for f in fundings:
        rounds[seen[f.instrument_id]].append({"instrument_id": f.instrument_id, "amount_tiyn": f.amount_tiyn,
                                              "subsidy_run": f.subsidy_run, "period": f.period, "line": f.line})
        seen[f.instrument_id] += 1
    at = timezone.now()
    params = {"at": at, "genesis": GENESIS_HASH, "at_iso": at.astimezone(UTC).isoformat(timespec="microseconds"),
              "allowed": sorted(EVENT_RULES[Kind.FUNDED][0])}
    written: set[int] = set()
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [ids])
        for k in sorted(rounds):
            cursor.execute(_APPEND_SQL, {**params, "fundings": json.dumps(rounds[k])})
            returned = [pk for (pk,) in cursor.fetchall()]
            written.update(returned)
            count += len(returned)
        if written:
            cursor.execute(_ACTIVATE_SQL, [Status.ACTIVE, sorted(written), Status.ISSUED])
    return count
