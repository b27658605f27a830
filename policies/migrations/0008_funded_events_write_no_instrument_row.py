"""Instruments are never deleted, so an event's instrument is checked without locking it, and the monthly subsidy
run's funded events write nothing to the instrument rows.

Migration 0005 checked the instruments an INSERT or UPDATE of events names by locking them FOR KEY SHARE, as a
foreign key does, so that a concurrent DELETE could not remove one before the events commit. A row lock writes
the instrument's tuple (and its page to the WAL, whole after every checkpoint): at national scale that was the
instruments table rewritten once a month by the subsidy run. An instrument is a security in a registry: it ends
as expired, cancelled or transferred and is never deleted (each has its `issued` event, so the old check refused
every delete anyway). With deletes refused outright, the existence check needs no lock: an instrument the
statement sees stays. The error of a missing instrument is SQLSTATE 23503 as before; a delete is refused with
23001 (restrict_violation). TRUNCATE (a test database's flush) is not a delete and is left alone."""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION policies_instrumentevent_instruments_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT FROM new_rows n
                WHERE NOT EXISTS (SELECT FROM policies_instrument i WHERE i.id = n.instrument_id)) THEN
        RAISE EXCEPTION 'policies_instrumentevent: an event names an instrument that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;

DROP TRIGGER instrument_not_named_by_events ON policies_instrument;
DROP FUNCTION policies_instrument_not_named_by_events();
CREATE FUNCTION policies_instrument_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'policies_instrument: instruments are never deleted (one ends as expired, cancelled or transferred)'
        USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE TRIGGER instrument_never_deleted BEFORE DELETE ON policies_instrument
    FOR EACH ROW EXECUTE FUNCTION policies_instrument_never_deleted();
"""

BACKWARD = r"""
DROP TRIGGER instrument_never_deleted ON policies_instrument;
DROP FUNCTION policies_instrument_never_deleted();
CREATE FUNCTION policies_instrument_not_named_by_events() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN policies_instrumentevent e ON e.instrument_id = o.id) THEN
        RAISE EXCEPTION 'policies_instrument: a deleted instrument is still named by an event'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER instrument_not_named_by_events AFTER DELETE ON policies_instrument
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION policies_instrument_not_named_by_events();

CREATE OR REPLACE FUNCTION policies_instrumentevent_instruments_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    v_instruments bigint[];
    v_locked integer;
BEGIN
    SELECT array_agg(DISTINCT instrument_id) INTO v_instruments FROM new_rows;
    IF v_instruments IS NOT NULL THEN
        SELECT count(*) INTO v_locked
          FROM (SELECT 1 FROM policies_instrument WHERE id = ANY (v_instruments) ORDER BY id FOR KEY SHARE) AS locked;
        IF v_locked <> cardinality(v_instruments) THEN
            RAISE EXCEPTION 'policies_instrumentevent: an event names an instrument that does not exist'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NULL;
END
$fn$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("policies", "0007_instrument_event_keyed_by_chain_position"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
