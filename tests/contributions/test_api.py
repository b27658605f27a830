import pytest

from qalqan.people.models import Contribution
from tests.contributions.factories import payment

pytestmark = pytest.mark.django_db


def test_fund_posts_contributions_and_gets_counts(fund, make_person, rates):
    person = make_person()
    rows = [payment(person.iin, period="2026-10"), payment(person.iin, kind="nobody")]
    response = fund.api.post("/fund/contributions", rows)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["duplicates"]) == (1, 0, 0)
    assert body["errors"][0]["index"] == 1 and body["errors"][0]["field"] == "kind"
    again = fund.api.post("/fund/contributions", rows[:1]).json()
    assert (again["created"], again["duplicates"]) == (0, 1)


def test_a_single_payment_reusing_a_reference_with_another_amount_is_409(fund, make_person, rates):
    person = make_person()
    row = payment(person.iin)
    fund.api.post("/fund/contributions", [row])
    response = fund.api.post("/fund/contributions", [{**row, "amount_tiyn": row["amount_tiyn"] + 1}])
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "reference"
    assert Contribution.objects.get().amount_tiyn == row["amount_tiyn"]


def test_only_the_fund_may_post_contributions(insurer, citizen, anonymous, rates):
    row = [payment(citizen.person.iin)]
    assert insurer.api.post("/fund/contributions", row).status_code == 403
    assert citizen.api.post("/fund/contributions", row).status_code == 403
    assert anonymous.post("/fund/contributions", row).status_code == 401
    assert not Contribution.objects.exists()


def test_more_than_ten_thousand_rows_is_422(fund, rates):
    response = fund.api.post("/fund/contributions", [{}] * 10_001)
    assert response.status_code == 422


def test_a_body_that_is_not_a_list_is_422(fund, rates):
    assert fund.api.post("/fund/contributions", {"iin": "x"}).status_code == 422


def test_fund_lists_contributions_filtered(fund, make_person, rates):
    person = make_person()
    fund.api.post("/fund/contributions", [payment(person.iin), payment("900101300007")])
    body = fund.api.get("/fund/contributions", {"in_suspense": "true"}).json()
    assert [c["iin"] for c in body["items"]] == ["900101300007"]
    assert fund.api.get("/fund/contributions", {"iin": person.iin}).json()["items"][0]["in_suspense"] is False


def test_the_openapi_schema_describes_every_path(anonymous, rates):
    paths = anonymous.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/fund/contributions", "/api/v1/status/{iin}", "/api/v1/contributions/calculator",
                 "/api/v1/citizen/contributions", "/api/v1/citizen/refunds", "/api/v1/fund/refunds",
                 "/api/v1/fund/refunds/{refund_id}/approve", "/api/v1/fund/refunds/{refund_id}/reject"):
        assert path in paths, path
    body = paths["/api/v1/fund/contributions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and "reference" in body["items"]["properties"]


def _next_month() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return f"{today.year + today.month // 12:04d}-{today.month % 12 + 1:02d}"


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "martian"}, "kind"),
    ({"period": "next"}, "period"),            # the month after the real current one: the future
    ({"period": "2016-12"}, "period"),
    ({"amount_tiyn": -600_000}, "amount_tiyn"),
    ({"amount_tiyn": 0}, "amount_tiyn"),
    ({"payer_bin": "12345678901"}, "payer_bin"),
    ({"payer_bin": "900101300008"}, "payer_bin"),
    ({"iin": "900101300008"}, "iin"),
    ({"iin": "9001013000O7"}, "iin"),
])
def test_a_single_bad_payment_is_422_problem_and_nothing_is_stored(fund, make_person, rates, change, field,
                                                                   assert_trial_balance_zero):
    from qalqan.ledger.models import Transfer

    person = make_person()
    row = {**payment(person.iin, period="2026-10"), **change}
    if row["period"] == "next":
        row["period"] = _next_month()
    response = fund.api.post("/fund/contributions", [row])
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Contribution.objects.exists() and not Transfer.objects.exists()
    assert_trial_balance_zero()


def test_a_batch_keeps_its_valid_rows_and_names_each_bad_one_with_its_status(fund, make_person, rates):
    person = make_person()
    used = payment(person.iin, period="2026-10")
    fund.api.post("/fund/contributions", [used])
    rows = [payment(person.iin, period="2026-09"), {**used, "amount_tiyn": used["amount_tiyn"] * 2},
            payment(person.iin, period="2016-01"), payment(person.iin, period="2026-08", payer_bin="1")]
    response = fund.api.post("/fund/contributions", rows)
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 1
    assert [(e["index"], e["field"], e["status"]) for e in body["errors"]] == [
        (1, "reference", 409), (2, "period", 422), (3, "payer_bin", 422)]
    assert set(Contribution.objects.values_list("reference", flat=True)) == {used["reference"], rows[0]["reference"]}
    assert Contribution.objects.get(reference=used["reference"]).amount_tiyn == used["amount_tiyn"]
