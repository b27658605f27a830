"""Row locks for the policy flow, always in one order: payment → policy → top-up → instrument → ledger
accounts (the ledger sorts those by id). Services take locks only through these helpers.

Every lock is FOR NO KEY UPDATE of the row itself: it serialises writers of that row but neither the
foreign-key checks of other transactions that insert rows pointing at it, nor the rows select_related joins
(a FOR UPDATE over a join would lock the insurer's organisation row for every policy at once)."""
from functools import cache

from django.db import connection

from insurers.models import Product, ProductVersion
from qalqan.core.sql import fetch_one_prepared
from qalqan.orgs.models import Organisation
from qalqan.payments.models import Payment
from qalqan.people.models import Person

from .models import Application, Policy, TopUp


def lock_person(person_id: int) -> Person:
    """Serialises one person's applications (the overlap check must see the other's policy). One prepared
    statement (every application locks its person)."""
    row = fetch_one_prepared(_PERSON_LOCK_SQL, [person_id])
    if row is None:
        raise Person.DoesNotExist("Person matching query does not exist.")
    return Person.from_db(connection.alias, _PERSON_FIELDS, row)


_PERSON_FIELDS = [f.attname for f in Person._meta.concrete_fields]
_PERSON_LOCK_SQL = (f"SELECT {', '.join(f.column for f in Person._meta.concrete_fields)} "
                    f"FROM {Person._meta.db_table} WHERE id = %s FOR NO KEY UPDATE")


def lock_payment_of(subject: str, subject_id: int) -> Payment | None:
    return Payment.objects.select_for_update(no_key=True).filter(subject=subject, subject_id=subject_id).first()


def lock_policy(policy_id: int) -> Policy:
    """The policy row locked, with its insurer, holder, version (with its product) and application, as
    select_related would load them, in one prepared statement (the flow locks a policy in every payment, and
    the ORM spent more time building this join than PostgreSQL answering it)."""
    sql, parts = _policy_lock_query()
    row = fetch_one_prepared(sql, [policy_id])
    if row is None:
        raise Policy.DoesNotExist("Policy matching query does not exist.")
    loaded, start = {}, 0
    for name, model, attnames in parts:
        values = row[start:start + len(attnames)]
        start += len(attnames)
        loaded[name] = None if values[0] is None else model.from_db(connection.alias, attnames, values)
    policy, version = loaded["policy"], loaded["version"]
    for relation in ("insurer", "holder", "version", "application"):
        Policy._meta.get_field(relation).set_cached_value(policy, loaded[relation])
    ProductVersion._meta.get_field("product").set_cached_value(version, loaded["product"])
    return policy


@cache
def _policy_lock_query() -> tuple[str, list[tuple[str, type, list[str]]]]:
    parts = [("policy", Policy, "pol"), ("insurer", Organisation, "ins"), ("holder", Person, "hol"),
             ("version", ProductVersion, "ver"), ("product", Product, "pro"), ("application", Application, "app")]
    columns = ", ".join(f"{alias}.{field.column}" for _, model, alias in parts for field in model._meta.concrete_fields)
    sql = (f"SELECT {columns} FROM {Policy._meta.db_table} pol "
           f"JOIN {Organisation._meta.db_table} ins ON ins.id = pol.insurer_id "
           f"JOIN {Person._meta.db_table} hol ON hol.id = pol.holder_id "
           f"JOIN {ProductVersion._meta.db_table} ver ON ver.id = pol.version_id "
           f"JOIN {Product._meta.db_table} pro ON pro.id = ver.product_id "
           f"LEFT JOIN {Application._meta.db_table} app ON app.id = pol.application_id "
           "WHERE pol.id = %s FOR NO KEY UPDATE OF pol")
    return sql, [(name, model, [f.attname for f in model._meta.concrete_fields]) for name, model, _ in parts]


def lock_topup(topup_id: int) -> TopUp:
    return TopUp.objects.select_for_update(no_key=True).get(pk=topup_id)
