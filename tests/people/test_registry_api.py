
import pytest

from qalqan.people.models import CategoryMembership, Person
from tests.conftest import person_row, person_rows

pytestmark = pytest.mark.django_db


def test_upsert_creates_and_updates_and_keeps_valid_rows(fund, refdata):
    good, other = person_row(categories=["employee"]), person_row(sex="F", categories=["pregnant"])
    bad = person_row()
    bad["iin"] = bad["iin"][:11] + str((int(bad["iin"][11]) + 1) % 10)

    response = fund.api.post("/fund/people", [good, bad, other])

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"]) == (2, 0)
    assert body["errors"] == [{"index": 1, "field": "iin", "message": "ИИН control digit is wrong"}]
    assert Person.objects.count() == 2
    assert set(CategoryMembership.objects.values_list("category", flat=True)) == {"employee", "pregnant"}

    good["last_name"] = "Жаңа"
    good["categories"] = ["student"]
    body = fund.api.post("/fund/people", [good]).json()
    assert (body["created"], body["updated"]) == (0, 1)
    person = Person.objects.get(iin=good["iin"])
    assert person.last_name == "Жаңа"
    open_codes = set(person.memberships.filter(valid_to__isnull=True).values_list("category", flat=True))
    assert open_codes == {"student"}
    assert person.memberships.get(category="employee").valid_to is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_date": "1990-01-02"}, "birth_date"),
        ({"sex": "F"}, "sex"),
        ({"categories": ["no_such_category"]}, "categories.0"),
        ({"region": "atlantis"}, "region"),
        ({"phone": "8701 123"}, "phone"),
        ({"last_name": ""}, "last_name"),
        ({"birth_date": "not a date"}, "birth_date"),
        ({"iin": "901301300006"}, "iin"),  # month 13
        ({"iin": "900101700002"}, "iin"),  # century digit 7
    ],
)
def test_each_bad_field_is_named_and_nothing_is_stored(fund, refdata, change, field):
    row = {**person_row(), **change}
    body = fund.api.post("/fund/people", [row]).json()
    assert body["created"] == 0
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["index"] == 0
    assert not Person.objects.exists()


def test_a_duplicate_iin_in_one_batch_rejects_the_second(fund, refdata):
    row = person_row()
    body = fund.api.post("/fund/people", [row, row]).json()
    assert body["created"] == 1
    assert body["errors"][0]["index"] == 1


def test_more_than_ten_thousand_rows_is_422_and_nothing_stored(fund, refdata):
    rows = person_rows(10_001)
    response = fund.api.post("/fund/people", rows)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Person.objects.exists()


def test_ten_thousand_rows_load_in_one_call(fund, refdata):
    rows = person_rows(10_000)
    body = fund.api.post("/fund/people", rows).json()
    assert body["errors"] == []
    assert body["created"] == len(rows) == Person.objects.count()


def test_only_the_fund_may_load_the_registry(insurer, clinic, citizen, anonymous):
    for caller in (insurer.api, clinic.api, citizen.api):
        response = caller.post("/fund/people", [person_row()])
        assert response.status_code == 403
    assert anonymous.post("/fund/people", [person_row()]).status_code == 401
    assert Person.objects.count() == 1  # only the citizen fixture's own row


def test_malformed_json_and_wrong_content_type(fund):
    assert fund.api.post("/fund/people", raw="[{", content_type="application/json").status_code == 400
    response = fund.api.post("/fund/people", raw="iin,name", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["status"] == 415
    assert fund.api.post("/fund/people", {"iin": "x"}).status_code == 422


def test_email_is_optional_and_an_absent_or_empty_one_keeps_the_stored_address(fund, refdata):
    with_email, without = person_row(email="erlan@example.kz"), person_row(sex="F")
    body = fund.api.post("/fund/people", [with_email, without]).json()
    assert (body["created"], body["errors"]) == (2, [])
    stored = Person.objects.get(iin=with_email["iin"])
    assert stored.email == "erlan@example.kz" and stored.notify_channel == "sms"
    assert Person.objects.get(iin=without["iin"]).email == ""

    Person.objects.filter(pk=stored.pk).update(notify_channel="email")
    old_callers_row = {k: v for k, v in with_email.items() if k != "email"}
    for row in (old_callers_row, {**with_email, "email": ""}, {**with_email, "email": None}):
        assert fund.api.post("/fund/people", [row]).json()["updated"] == 1
        stored.refresh_from_db()
        assert stored.email == "erlan@example.kz" and stored.notify_channel == "email"

    assert fund.api.post("/fund/people", [{**with_email, "email": "new@example.kz"}]).json()["updated"] == 1
    stored.refresh_from_db()
    assert stored.email == "new@example.kz"
    listed = {p["iin"]: p for p in fund.api.get("/fund/people").json()["items"]}
    assert listed[with_email["iin"]]["email"] == "new@example.kz" and listed[without["iin"]]["email"] == ""


def test_a_bad_email_is_named_and_nothing_is_stored(fund, refdata):
    body = fund.api.post("/fund/people", [person_row(email="not-an-address")]).json()
    assert body["created"] == 0
    assert body["errors"] == [{"index": 0, "field": "email", "message": "email is not a valid e-mail address"}]
    assert not Person.objects.exists()


def test_the_database_refuses_a_membership_naming_a_person_that_does_not_exist(fund, refdata):
    from django.db import IntegrityError, connection, transaction

    row = person_row(categories=["employee"])
    fund.api.post("/fund/people", [row])
    person = Person.objects.get()
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError, match="names a person that does not exist"), transaction.atomic():
            cursor.execute("INSERT INTO people_categorymembership (person_id, category, valid_from) "
                           "VALUES (%s, 'student', '2026-01-01')", [person.pk + 10_000])
        with pytest.raises(IntegrityError, match="names a person that does not exist"), transaction.atomic():
            cursor.execute("UPDATE people_categorymembership SET person_id = %s", [person.pk + 10_000])
        with pytest.raises(IntegrityError, match="still named by a category membership"), transaction.atomic():
            cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
        cursor.execute("UPDATE people_categorymembership SET valid_to = valid_from")  # the person stays: fine
    person.delete()  # Django deletes the memberships first (on_delete=CASCADE)
    assert not CategoryMembership.objects.exists()


def test_a_reload_closes_and_opens_memberships_of_many_people_in_one_call(fund, refdata):
    rows = person_rows(300, categories=["employee"])
    assert fund.api.post("/fund/people", rows).json()["created"] == 300
    for i, row in enumerate(rows):
        row["categories"] = [["employee"], ["student"], [], ["employee", "student"]][i % 4]
    body = fund.api.post("/fund/people", rows).json()
    assert (body["created"], body["updated"], body["errors"]) == (0, 300, [])
    open_codes = {}
    for person_iin, code in CategoryMembership.objects.filter(valid_to__isnull=True).values_list("person__iin",
                                                                                                  "category"):
        open_codes.setdefault(person_iin, set()).add(code)
    assert all(open_codes.get(row["iin"], set()) == set(row["categories"]) for row in rows)
    assert CategoryMembership.objects.filter(valid_to__isnull=False).count() == 150  # student and none closed one


@pytest.mark.django_db(transaction=True)
def test_two_batches_naming_the_same_new_person_at_once_leave_the_later_ones_categories(refdata):
    """The second batch waits at the person's row for the first to commit, then reads the memberships it left:
    no duplicate open membership, and the categories are the later batch's."""
    import threading

    from django.db import connection, transaction

    from qalqan.people.services import people_upsert
    from tests.concurrency import run_threads

    first, second = person_row(categories=["employee"]), None
    second = {**first, "categories": ["employee", "student"]}
    stored, outcome = threading.Event(), {}

    def earlier():
        try:
            with transaction.atomic():
                outcome["earlier"] = people_upsert(rows=[first]).created
                stored.set()
                threading.Event().wait(1.0)  # hold the person's row while the later batch arrives
        finally:
            connection.close()

    def later():
        stored.wait(30)
        try:
            outcome["later"] = people_upsert(rows=[second]).updated
        except Exception as exc:  # noqa: BLE001 — the assertion below names it
            outcome["later"] = repr(exc)
        finally:
            connection.close()

    run_threads(earlier, later)
    assert outcome == {"earlier": 1, "later": 1}
    person = Person.objects.get(iin=first["iin"])
    assert sorted(person.memberships.filter(valid_to__isnull=True).values_list("category", flat=True)) == [
        "employee", "student"]
    assert person.memberships.count() == 2
