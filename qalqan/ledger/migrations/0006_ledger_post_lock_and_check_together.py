"""ledger_post(): lock the accounts and check their funds in one pass (two statements fewer per transfer).

Same contract as in 0002: insert the transfer (idempotency by key), insert the postings, lock the accounts
FOR NO KEY UPDATE in id order, refuse an overdraft, add the deltas. SQLSTATEs: QL001 unknown account,
QL002 insufficient funds (DETAIL "code|balance|delta"), QL003 idempotency conflict.
"""
from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("qalqan.ledger.migrations.0002_ledger_post_function").CREATE


CREATE = r"""
CREATE OR REPLACE FUNCTION ledger_post(
    p_key text, p_reason text, p_ref_type_id integer, p_ref_id bigint, p_created_at timestamptz,
    p_posted_on date, p_reverses_id bigint, p_ids bigint[], p_codes text[], p_amounts bigint[],
    OUT o_transfer_id bigint, OUT o_replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
    n integer := coalesce(array_length(p_amounts, 1), 0);
    v_ids bigint[] := p_ids;
    v_id bigint;
    v_distinct integer := 0;
    v_locked integer := 0;
    v_delta bigint;
    v_have_ids bigint[];
    v_have_amounts bigint[];
    v_want_ids bigint[];
    v_want_amounts bigint[];
    r record;
BEGIN
    FOR i IN 1 .. n LOOP
        IF v_ids[i] IS NULL THEN
            SELECT id INTO v_id FROM ledger_account WHERE code = p_codes[i];
            IF v_id IS NULL THEN
                RAISE EXCEPTION 'no such account: %', p_codes[i] USING ERRCODE = 'QL001';
            END IF;
            v_ids[i] := v_id;
        END IF;
        IF i = 1 OR NOT (v_ids[i] = ANY (v_ids[1:i - 1])) THEN
            v_distinct := v_distinct + 1;
        END IF;
    END LOOP;

    INSERT INTO ledger_transfer (key, reason, ref_type_id, ref_id, created_at, posted_on, reverses_id)
    VALUES (p_key, p_reason, p_ref_type_id, p_ref_id, p_created_at, p_posted_on, p_reverses_id)
    ON CONFLICT (key) DO NOTHING
    RETURNING id INTO o_transfer_id;

    IF o_transfer_id IS NULL THEN
        SELECT id INTO o_transfer_id FROM ledger_transfer WHERE key = p_key;
        SELECT array_agg(account_id ORDER BY account_id, amount_tiyn),
               array_agg(amount_tiyn ORDER BY account_id, amount_tiyn)
          INTO v_have_ids, v_have_amounts
          FROM ledger_posting WHERE transfer_id = o_transfer_id;
        SELECT array_agg(a ORDER BY a, m), array_agg(m ORDER BY a, m)
          INTO v_want_ids, v_want_amounts
          FROM unnest(v_ids, p_amounts) AS w(a, m);
        IF v_have_ids IS DISTINCT FROM v_want_ids OR v_have_amounts IS DISTINCT FROM v_want_amounts THEN
            RAISE EXCEPTION 'key % was already used for transfer % with other lines', p_key, o_transfer_id
                USING ERRCODE = 'QL003';
        END IF;
        o_replayed := true;
        RETURN;
    END IF;

    INSERT INTO ledger_posting (transfer_id, account_id, amount_tiyn, posted_on)
    SELECT o_transfer_id, a, m, p_posted_on FROM unnest(v_ids, p_amounts) AS l(a, m);

    -- lock every account once, in id order, and check the ones that may not go negative
    FOR r IN SELECT id, code, balance_tiyn, may_go_negative FROM ledger_account
              WHERE id = ANY (v_ids) ORDER BY id FOR NO KEY UPDATE LOOP
        v_locked := v_locked + 1;
        IF NOT r.may_go_negative THEN
            v_delta := 0;
            FOR i IN 1 .. n LOOP
                IF v_ids[i] = r.id THEN
                    v_delta := v_delta + p_amounts[i];
                END IF;
            END LOOP;
            IF r.balance_tiyn + v_delta < 0 THEN
                RAISE EXCEPTION 'account % holds % tiyn; taking % would make it negative',
                    r.code, r.balance_tiyn, -v_delta
                    USING ERRCODE = 'QL002', DETAIL = r.code || '|' || r.balance_tiyn || '|' || v_delta;
            END IF;
        END IF;
    END LOOP;
    IF v_locked <> v_distinct THEN
        RAISE EXCEPTION 'no such account among ids %', v_ids USING ERRCODE = 'QL001';
    END IF;

    UPDATE ledger_account AS a SET balance_tiyn = a.balance_tiyn + d.delta
      FROM (SELECT x.a, sum(x.m)::bigint AS delta FROM unnest(v_ids, p_amounts) AS x(a, m) GROUP BY x.a) d
     WHERE a.id = d.a AND d.delta <> 0;

    o_replayed := false;
END
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_leaner_transfer_indexes")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=PREVIOUS)]
