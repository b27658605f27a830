"""Registry load: a membership's reference to its person is checked once per statement instead of once per row,
and the ИИН loses its LIKE index.

A foreign key checks each inserted membership with its own query at commit; a 10 000-row registry call opens
≈ 8 000 memberships, and those checks cost PostgreSQL about as much CPU as inserting the rows. The same
guarantee, set-based (as migration 0007 does for contributions):
- on INSERT of memberships and UPDATE of their person_id, one statement locks the people named (FOR KEY SHARE,
  as a foreign key does, so none can be deleted before this transaction ends) and refuses the statement if any of
  them does not exist;
- on DELETE from people_person, the statement is refused while a membership still names a deleted person
  (Django's on_delete=CASCADE deletes the memberships first).
The error is SQLSTATE 23503 (foreign_key_violation), as before.

people_person_iin_..._like (varchar_pattern_ops) served LIKE 'prefix%' searches on the ИИН, which nothing makes:
the ИИН is looked up by equality (its unique index). One index write fewer per person loaded.
"""
import django.db.models.deletion
from django.db import migrations, models

CHECKS = r"""
CREATE FUNCTION people_membership_people_lock(v_people bigint[]) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    v_locked integer;
BEGIN
    IF v_people IS NOT NULL THEN
        SELECT count(*) INTO v_locked
          FROM (SELECT 1 FROM people_person WHERE id = ANY (v_people) ORDER BY id FOR KEY SHARE) AS locked;
        IF v_locked <> cardinality(v_people) THEN
            RAISE EXCEPTION 'people_categorymembership: a membership names a person that does not exist'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
END
$fn$;

CREATE FUNCTION people_membership_person_exists_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM people_membership_people_lock((SELECT array_agg(DISTINCT person_id) FROM new_rows));
    RETURN NULL;
END
$fn$;
CREATE TRIGGER membership_person_exists_on_insert AFTER INSERT ON people_categorymembership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION people_membership_person_exists_on_insert();

CREATE FUNCTION people_membership_person_exists_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM people_membership_people_lock((SELECT array_agg(DISTINCT n.person_id) FROM new_rows n
                                           JOIN old_rows o ON o.id = n.id WHERE o.person_id <> n.person_id));
    RETURN NULL;
END
$fn$;
CREATE TRIGGER membership_person_exists_on_update AFTER UPDATE ON people_categorymembership
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION people_membership_person_exists_on_update();

CREATE FUNCTION people_person_not_named_by_memberships() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN people_categorymembership m ON m.person_id = o.id) THEN
        RAISE EXCEPTION 'people_person: a deleted person is still named by a category membership'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER person_not_named_by_memberships AFTER DELETE ON people_person
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_person_not_named_by_memberships();

DROP INDEX IF EXISTS people_person_iin_9ba25d8c_like;
"""

DROP_CHECKS = r"""
CREATE INDEX IF NOT EXISTS people_person_iin_9ba25d8c_like ON people_person (iin varchar_pattern_ops);
DROP TRIGGER person_not_named_by_memberships ON people_person;
DROP FUNCTION people_person_not_named_by_memberships();
DROP TRIGGER membership_person_exists_on_update ON people_categorymembership;
DROP FUNCTION people_membership_person_exists_on_update();
DROP TRIGGER membership_person_exists_on_insert ON people_categorymembership;
DROP FUNCTION people_membership_person_exists_on_insert();
DROP FUNCTION people_membership_people_lock(bigint[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0008_contribution_reference_c_collation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='categorymembership',
            name='person',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='people.person'),
        ),
        migrations.RunSQL(sql=CHECKS, reverse_sql=DROP_CHECKS),
    ]
