"""Many `funded` events at once, for the monthly subsidy run (millions of instruments).

Each event still carries the hash of its instrument's previous event, exactly as `instrument_record` writes
it (`event_hash`, so `instruments_verify` checks both alike), but a batch locks its instruments in id order
with one statement, reads every previous hash with one statement, computes the links in Python and inserts
them with one statement: the chain is per instrument, so nothing forces one round trip per event.
"""
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .instruments import EVENT_RULES, Kind, Status, event_hash
from .models import GENESIS_HASH


@dataclass(frozen=True)
class Funding:
    instrument_id: int
    amount_tiyn: int
    data: dict


_LOCK_SQL = "SELECT id, number, status FROM policies_instrument WHERE id = ANY(%s) ORDER BY id FOR UPDATE"
_LAST_SQL = """
SELECT DISTINCT ON (instrument_id) instrument_id, seq, hash FROM policies_instrumentevent
WHERE instrument_id = ANY(%s) ORDER BY instrument_id, seq DESC
"""
_INSERT_SQL = """
INSERT INTO policies_instrumentevent (instrument_id, seq, kind, amount_tiyn, data, prev_hash, hash, at)
SELECT e.instrument_id, e.seq, e.kind, e.amount_tiyn, e.data, e.prev_hash, e.hash, %(at)s
FROM json_to_recordset(%(events)s::json) AS e(instrument_id bigint, seq int, kind text, amount_tiyn bigint,
                                               data jsonb, prev_hash text, hash text)
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
    allowed_from, _ = EVENT_RULES[Kind.FUNDED]
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [ids])
        instruments = {pk: (number, status) for pk, number, status in cursor.fetchall()}
        cursor.execute(_LAST_SQL, [ids])
        last = {pk: (seq, digest) for pk, seq, digest in cursor.fetchall()}
        at = timezone.now()
        events, activated = [], set()
        for funding in fundings:
            number, status = instruments.get(funding.instrument_id, (None, None))
            if status not in allowed_from:
                continue
            seq, prev_hash = last.get(funding.instrument_id, (0, GENESIS_HASH))
            data = json.loads(json.dumps(funding.data, default=str))  # store exactly what is hashed
            digest = event_hash(prev_hash=prev_hash, number=number, seq=seq + 1, kind=Kind.FUNDED,
                                amount_tiyn=funding.amount_tiyn, data=data, at=at)
            events.append({"instrument_id": funding.instrument_id, "seq": seq + 1, "kind": Kind.FUNDED,
                           "amount_tiyn": funding.amount_tiyn, "data": data, "prev_hash": prev_hash,
                           "hash": digest})
            last[funding.instrument_id] = (seq + 1, digest)
            if status == Status.ISSUED:
                activated.add(funding.instrument_id)
        if events:
            cursor.execute(_INSERT_SQL, {"events": json.dumps(events, ensure_ascii=False), "at": at})
        if activated:
            cursor.execute(_ACTIVATE_SQL, [Status.ACTIVE, sorted(activated), Status.ISSUED])
    return len(events)
