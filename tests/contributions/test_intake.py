from datetime import date

import pytest

from qalqan.core.kzid import synthetic_bin
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import balance_of
from qalqan.people.contributions import contributions_intake
from qalqan.people.models import Contribution, InsuranceStatus
from qalqan.people.services import people_upsert
from tests.conftest import person_row
from tests.contributions.factories import payment

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def test_a_batch_is_stored_and_posted_as_one_transfer_per_kind(make_person, rates, assert_trial_balance_zero):
    a, b = make_person(), make_person(sex="F")
    rows = [payment(a.iin), payment(b.iin), payment(a.iin, kind="employer", amount_tiyn=9_000_00),
            payment(b.iin, period="2026-09")]

    result = contributions_intake(rows=rows, today=TODAY)

    assert (result.created, result.duplicates, result.errors) == (4, 0, [])
    assert Contribution.objects.count() == 4
    transfers = set(Contribution.objects.values_list("transfer_id", flat=True))
    assert len(transfers) == 2
    employee = Contribution.objects.filter(kind="employee").first().transfer
    assert {(p.account.code, p.amount_tiyn) for p in employee.postings.all()} == {
        ("payer:employee", -18_000_00), ("pool:osms", 18_000_00)}
    assert balance_of("pool:osms") == 27_000_00
    assert result.person_ids == sorted([a.pk, b.pk])
    assert_trial_balance_zero()


def test_the_same_reference_with_the_same_body_is_a_duplicate_not_an_error(make_person, rates):
    person = make_person()
    row = payment(person.iin)
    contributions_intake(rows=[row], today=TODAY)
    again = contributions_intake(rows=[row, dict(row)], today=TODAY)
    assert (again.created, again.duplicates, again.errors) == (0, 2, [])
    assert Contribution.objects.count() == 1
    assert Transfer.objects.count() == 1


def test_the_same_reference_with_another_amount_is_a_409_row_error_and_other_rows_are_kept(make_person, rates):
    person = make_person()
    row = payment(person.iin)
    contributions_intake(rows=[row], today=TODAY)
    result = contributions_intake(rows=[{**row, "amount_tiyn": 1}, payment(person.iin)], today=TODAY)
    assert result.created == 1
    assert result.errors == [{"index": 0, "field": "reference", "status": 409,
                              "message": "this reference was already used for another payment"}]
    assert Contribution.objects.get(reference=row["reference"]).amount_tiyn == row["amount_tiyn"]


def test_a_reference_repeated_inside_one_batch_with_another_body_is_refused(make_person, rates):
    person = make_person()
    row = payment(person.iin)
    result = contributions_intake(rows=[row, {**row, "period": "2026-01"}], today=TODAY)
    assert result.created == 1
    assert [(e["index"], e["status"]) for e in result.errors] == [(1, 409)]


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "martian"}, "kind"),
    ({"period": "2026-12"}, "period"),         # the future
    ({"period": "2016-12"}, "period"),         # before contributions began
    ({"period": "2026-13"}, "period"),
    ({"period": 202601}, "period"),
    ({"kind": "platform", "period": "2025-06"}, "period"),  # no platform rule before 2026
    ({"amount_tiyn": 0}, "amount_tiyn"),
    ({"amount_tiyn": -100}, "amount_tiyn"),
    ({"amount_tiyn": 10.5}, "amount_tiyn"),
    ({"amount_tiyn": True}, "amount_tiyn"),
    ({"iin": "900101300008"}, "iin"),          # wrong control digit
    ({"iin": "12345"}, "iin"),
    ({"payer_bin": "123456789012"}, "payer_bin"),
    ({"months": 13}, "months"),
    ({"reference": ""}, "reference"),
    ({"reference": "x" * 65}, "reference"),
])
def test_each_bad_field_is_named_and_the_valid_rows_are_kept(make_person, rates, change, field,
                                                            assert_trial_balance_zero):
    person = make_person()
    good = payment(person.iin)
    result = contributions_intake(rows=[{**payment(person.iin), **change}, good], today=TODAY)
    assert [(e["index"], e["field"], e["status"]) for e in result.errors] == [(0, field, 422)]
    assert list(Contribution.objects.values_list("reference", flat=True)) == [good["reference"]]
    assert_trial_balance_zero()


def test_a_valid_payer_bin_or_ip_iin_is_accepted(make_person, rates):
    person = make_person()
    bin_ = synthetic_bin(date(2024, 1, 1), serial=77)
    result = contributions_intake(rows=[payment(person.iin, payer_bin=bin_),
                                        payment(person.iin, kind="self_employed", payer_bin=person.iin,
                                                amount_tiyn=5_950_00)], today=TODAY)
    assert result.errors == [] and result.created == 2


def test_a_payment_above_the_cap_is_flagged_as_an_overpayment(make_person, rates):
    person = make_person()
    result = contributions_intake(rows=[
        payment(person.iin, amount_tiyn=17_000_00, reference="at-cap"),
        payment(person.iin, amount_tiyn=17_000_01, reference="above-cap"),
        payment(person.iin, kind="self_payer", months=12, amount_tiyn=51_000_00, reference="year"),
        payment(person.iin, kind="self_payer", amount_tiyn=4_250_01, reference="self-above"),
    ], today=TODAY)
    assert result.overpayments == 2
    flagged = set(Contribution.objects.filter(overpayment=True).values_list("reference", flat=True))
    assert flagged == {"above-cap", "self-above"}


def test_an_unknown_iin_is_held_in_suspense_then_matched_when_the_person_appears(
        rates, refdata, assert_trial_balance_zero, django_capture_on_commit_callbacks):
    row = person_row(categories=["employee"])
    result = contributions_intake(rows=[payment(row["iin"], amount_tiyn=6_000_00)], today=TODAY)
    assert result.suspense == 1
    held = Contribution.objects.get()
    assert held.in_suspense and held.person is None
    assert balance_of("suspense:contributions") == 6_000_00
    assert_trial_balance_zero()

    with django_capture_on_commit_callbacks(execute=True):
        people_upsert(rows=[row])

    held.refresh_from_db()
    assert not held.in_suspense and held.person.iin == row["iin"]
    assert held.match_transfer is not None
    assert balance_of("suspense:contributions") == 0
    assert balance_of("pool:osms") == 6_000_00
    assert InsuranceStatus.objects.filter(person=held.person).exists()
    assert_trial_balance_zero()


def test_the_status_of_payers_is_recomputed_after_commit(make_person, rates, django_capture_on_commit_callbacks):
    person = make_person()
    with django_capture_on_commit_callbacks(execute=True):
        contributions_intake(rows=[payment(person.iin)], today=TODAY)
    assert InsuranceStatus.objects.filter(person=person).exists()


@pytest.mark.parametrize(("kind", "period", "at_cap_tiyn"), [
    ("employee", "2025-06", 17_000_00),       # 2 % of 10 МЗП (85 000 ₸)
    ("employee", "2022-05", 12_000_00),       # 2 % of 10 МЗП of 2022 (60 000 ₸)
    ("employer", "2026-03", 25_500_00),       # 3 % of 10 МЗП
    ("self_employed", "2025-06", 5_950_00),   # 5 % of 1.4 МЗП
    ("self_payer", "2026-01", 4_250_00),      # 5 % of 1 МЗП
    ("state", "2025-06", 7_285_90),           # 2 % of the 2023 average wage
    ("platform", "2026-02", 17_000_00),       # 1 % of 20 МЗП
])
def test_each_kind_is_checked_against_its_rule_for_the_period(make_person, rates, kind, period, at_cap_tiyn):
    person = make_person()
    result = contributions_intake(rows=[
        payment(person.iin, kind=kind, period=period, amount_tiyn=at_cap_tiyn, reference="at"),
        payment(person.iin, kind=kind, period=period, amount_tiyn=at_cap_tiyn + 1, reference="above"),
        payment(person.iin, kind=kind, period=period, months=3, amount_tiyn=3 * at_cap_tiyn, reference="quarter"),
    ], today=TODAY)
    assert (result.created, result.overpayments, result.errors) == (3, 1, [])
    assert dict(Contribution.objects.values_list("reference", "overpayment")) == {
        "at": False, "above": True, "quarter": False}


def test_the_same_amount_is_an_overpayment_in_one_period_and_not_in_another(make_person, rates):
    person = make_person()
    contributions_intake(rows=[payment(person.iin, period="2022-05", amount_tiyn=15_000_00, reference="2022"),
                               payment(person.iin, period="2025-05", amount_tiyn=15_000_00, reference="2025")],
                         today=TODAY)
    assert dict(Contribution.objects.values_list("reference", "overpayment")) == {"2022": True, "2025": False}


def test_a_payment_refunded_while_in_suspense_is_matched_without_the_refunded_money(
        rates, refdata, assert_trial_balance_zero, django_capture_on_commit_callbacks):
    from qalqan.people.refunds import refund_approve, refund_request

    row = person_row()
    contributions_intake(rows=[payment(row["iin"], amount_tiyn=20_000_00, reference="held")], today=TODAY)
    held = Contribution.objects.get()
    refund = refund_request(contribution_id=held.pk, reason="overpayment", requester="payer", requested_by="f")
    assert refund.amount_tiyn == 3_000_00
    with django_capture_on_commit_callbacks(execute=True):
        refund_approve(refund_id=refund.pk, by="fund", today=TODAY)
    assert balance_of("suspense:contributions") == 17_000_00

    with django_capture_on_commit_callbacks(execute=True):
        people_upsert(rows=[row], today=TODAY)

    held.refresh_from_db()
    assert not held.in_suspense and held.person is not None
    assert balance_of("suspense:contributions") == 0
    assert balance_of("pool:osms") == 17_000_00
    assert_trial_balance_zero()


def test_a_person_registered_over_the_api_picks_up_the_payments_held_for_them(
        fund, rates, assert_trial_balance_zero, django_capture_on_commit_callbacks):
    row = person_row()
    assert fund.api.post("/fund/contributions", [payment(row["iin"], period="2026-10")]).json()["suspense"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert fund.api.post("/fund/people", [row]).json()["created"] == 1
    held = Contribution.objects.get()
    assert not held.in_suspense and held.person.iin == row["iin"]
    assert balance_of("suspense:contributions") == 0
    assert InsuranceStatus.objects.filter(person=held.person).exists()
    assert_trial_balance_zero()


def test_a_batch_repeating_stored_references_among_new_ones_posts_only_the_new_money(
        make_person, rates, assert_trial_balance_zero):
    """The first attempt inserts as if all were new; meeting a stored reference, it is rolled back (transfers
    included) and the batch is sorted against what is stored."""
    person = make_person()
    first = [payment(person.iin, reference="r1"), payment(person.iin, reference="r2")]
    contributions_intake(rows=first, today=TODAY)
    result = contributions_intake(rows=[*first, payment(person.iin, reference="r3")], today=TODAY)
    assert (result.created, result.duplicates, result.errors) == (1, 2, [])
    assert balance_of("pool:osms") == 3 * 6_000_00
    assert Transfer.objects.count() == 2
    assert_trial_balance_zero()


def _insert_contribution(cursor, *, person_id, transfer_id, reference="raw"):
    cursor.execute("INSERT INTO people_contribution (reference, iin, person_id, payer_bin, kind, period, months, "
                   "amount_tiyn, overpayment, in_suspense, transfer_id, received_at) VALUES "
                   "(%s, '900101300007', %s, '', 'employee', '2026-10-01', 1, 100, false, %s, %s, now())",
                   [reference, person_id, person_id is None, transfer_id])


def test_the_database_refuses_a_contribution_naming_a_person_or_transfer_that_does_not_exist(make_person, rates):
    from django.db import IntegrityError, connection, transaction

    person = make_person()
    contributions_intake(rows=[payment(person.iin)], today=TODAY)
    transfer_id = Contribution.objects.get().transfer_id
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError, match="person"), transaction.atomic():
            _insert_contribution(cursor, person_id=person.pk + 10_000, transfer_id=transfer_id)
        with pytest.raises(IntegrityError, match="ledger transfer"), transaction.atomic():
            _insert_contribution(cursor, person_id=person.pk, transfer_id=transfer_id + 10_000)
        with pytest.raises(IntegrityError, match="ledger transfer"), transaction.atomic():
            cursor.execute("UPDATE people_contribution SET match_transfer_id = %s", [transfer_id + 10_000])
        _insert_contribution(cursor, person_id=None, transfer_id=transfer_id)  # suspense: no person, fine
        with pytest.raises(IntegrityError, match="still named"), transaction.atomic():
            cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
    assert Contribution.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_person_deleted_while_a_batch_names_them_is_refused_one_way_or_the_other(rates, refdata):
    """The batch holds KEY SHARE locks on its people until it commits (as a foreign key would): a concurrent
    delete waits for it and is then refused, because the contribution is there."""
    from qalqan.people.models import Person
    from tests.concurrency import delete_while_inserting

    people_upsert(rows=[person_row()], today=TODAY)
    person = Person.objects.get()

    outcome = delete_while_inserting(lambda: contributions_intake(rows=[payment(person.iin)], today=TODAY),
                                     "DELETE FROM people_person WHERE id = %s", [person.pk])

    assert outcome == "refused: still named"
    assert Contribution.objects.filter(person=person).count() == 1
