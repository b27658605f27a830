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
