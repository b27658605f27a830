"""Instrument events store their hash as its 32 bytes and no longer repeat the previous link's hash.

`prev_hash` was the previous link's `hash` once more in every row, and both were 64 hex characters: ≈ a third of a
funded event's row, for ≈ 12 million events a month. The chain is unchanged — each hash is still sha256 over the
previous hash in hex and the event's canonical JSON — and is checked by reading the links in seq order. The table
is rewritten by SQL (Django would cast the text to bytea as it is, not decode it); backwards, prev_hash is filled
from each link's predecessor again (with the append-only trigger held off for that UPDATE)."""
from django.db import migrations, models

FORWARD = """
ALTER TABLE policies_instrumentevent
    ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex'),
    DROP COLUMN prev_hash;
"""

BACKWARD = """
ALTER TABLE policies_instrumentevent
    ALTER COLUMN hash TYPE varchar(64) USING encode(hash, 'hex'),
    ADD COLUMN prev_hash varchar(64);
ALTER TABLE policies_instrumentevent DISABLE TRIGGER pgtrigger_append_only_4e695;
UPDATE policies_instrumentevent e SET prev_hash = p.prev_hash
  FROM (SELECT instrument_id, seq, lag(hash, 1, repeat('0', 64)) OVER (PARTITION BY instrument_id ORDER BY seq) AS prev_hash
          FROM policies_instrumentevent) p
 WHERE p.instrument_id = e.instrument_id AND p.seq = e.seq;
ALTER TABLE policies_instrumentevent ENABLE TRIGGER pgtrigger_append_only_4e695;
ALTER TABLE policies_instrumentevent ALTER COLUMN prev_hash SET NOT NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("policies", "0008_funded_events_write_no_instrument_row"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveField(model_name="instrumentevent", name="prev_hash"),
                migrations.AlterField(model_name="instrumentevent", name="hash",
                                      field=models.BinaryField(max_length=32)),
            ],
        ),
    ]
