"""ledger_post(): one transfer in one round trip (the hot path of qalqan.ledger.services.transfer_post).

Order inside: insert the transfer (its unique key is the idempotency check), insert the postings, then lock
the accounts in id order (FOR NO KEY UPDATE: no deadlock, and no conflict with other transfers' foreign-key
checks), refuse a balance that may not go negative, and add the deltas to the cached balances. Locking last
keeps a hot account's row lock as short as possible. Errors carry their own SQLSTATE:
QL001 unknown account, QL002 insufficient funds (DETAIL "code|balance|delta"), QL003 idempotency conflict.
"""
from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION ledger_post(
    p_key text, p_reason text, p_ref_type_id integer, p_ref_id bigint, p_created_at timestamptz,
    p_posted_on date, p_reverses_id bigint, p_ids bigint[], p_codes text[], p_amounts bigint[],
    OUT o_transfer_id bigint, OUT o_replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_ids bigint[] := p_ids;
    v_id bigint;
    v_locked integer;
    v_distinct integer;
    v_have_ids bigint[];
    v_have_amounts bigint[];
    v_want_ids bigint[];
    v_want_amounts bigint[];
    r record;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_amounts, 1), 0) LOOP
        IF v_ids[i] IS NULL THEN
            SELECT id INTO v_id FROM ledger_account WHERE code = p_codes[i];
            IF v_id IS NULL THEN
                RAISE EXCEPTION 'no such account: %', p_codes[i] USING ERRCODE = 'QL001';
            END IF;
            v_ids[i] := v_id;
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

    SELECT count(DISTINCT a) INTO v_distinct FROM unnest(v_ids) AS u(a);
    v_locked := 0;
    FOR r IN SELECT id FROM ledger_account WHERE id = ANY (v_ids) ORDER BY id FOR NO KEY UPDATE LOOP
        v_locked := v_locked + 1;
    END LOOP;
    IF v_locked <> v_distinct THEN
        RAISE EXCEPTION 'no such account among ids %', v_ids USING ERRCODE = 'QL001';
    END IF;

    FOR r IN
        SELECT a.code, a.balance_tiyn, d.delta
          FROM ledger_account a
          JOIN (SELECT x.a, sum(x.m)::bigint AS delta FROM unnest(v_ids, p_amounts) AS x(a, m) GROUP BY x.a) d
            ON d.a = a.id
         WHERE NOT a.may_go_negative AND a.balance_tiyn + d.delta < 0
         ORDER BY a.id
         LIMIT 1
    LOOP
        RAISE EXCEPTION 'account % holds % tiyn; taking % would make it negative', r.code, r.balance_tiyn, -r.delta
            USING ERRCODE = 'QL002', DETAIL = r.code || '|' || r.balance_tiyn || '|' || r.delta;
    END LOOP;

    UPDATE ledger_account AS a SET balance_tiyn = a.balance_tiyn + d.delta
      FROM (SELECT x.a, sum(x.m)::bigint AS delta FROM unnest(v_ids, p_amounts) AS x(a, m) GROUP BY x.a) d
     WHERE a.id = d.a AND d.delta <> 0;

    o_replayed := false;
END
$fn$;
"""

DROP = ("DROP FUNCTION IF EXISTS ledger_post(text, text, integer, bigint, timestamptz, date, bigint, bigint[], "
        "text[], bigint[])")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
