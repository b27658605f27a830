"""The marketplace shows each insurer's claim-payment record, from its decided insured events (real claims flow)."""
import pytest
from django.test import Client

from insurers.records import claim_records
from insurers.services import BenefitIn, product_publish
from tests.claims.conftest import covered, event_body, fund_insurer, make_policy, tariffs  # noqa: F401
from tests.site.conftest import site_pages, site_tree, wagtail_tree  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def pricing_tables(refdata):
    from insurers.services import pricing_tables_sync
    pricing_tables_sync()


@pytest.fixture
def decided(clinic, citizen, insurer, covered, fund_insurer):  # noqa: F811
    """Three claims against `insurer`: two approved and paid in a settlement, one denied."""
    ids = []
    for n in range(3):
        body = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=f"R-{n}", amount_tiyn=400_000,
                                                            service_code="KDU-006")).json()
        citizen.api.post(f"/citizen/events/{body['id']}/confirm")
        ids.append(body["id"])
    assert insurer.api.post(f"/insurer/claims/{ids[0]}/approve").status_code == 200
    assert insurer.api.post(f"/insurer/claims/{ids[1]}/approve").status_code == 200
    assert insurer.api.post(f"/insurer/claims/{ids[2]}/deny", {"reason_code": "not_medically_necessary"}).status_code == 200
    fund_insurer(insurer.organisation, 10_000_000)
    assert insurer.api.post("/insurer/settlements", {}).status_code == 201
    return ids


def test_record_counts_decided_approved_and_paid(decided, insurer, other_insurer):
    records = claim_records([insurer.organisation.pk, other_insurer.organisation.pk])
    record = records[insurer.organisation.pk]
    assert (record.decided, record.approved, record.paid, record.approved_pct) == (3, 2, 2, 67)
    assert record.avg_days_to_pay is not None and 0 <= record.avg_days_to_pay < 1
    assert other_insurer.organisation.pk not in records  # no claims yet: no record


def test_products_api_and_marketplace_page_show_the_record(decided, insurer, other_insurer, pricing_tables,
                                                          anonymous, site_pages):
    product_publish(insurer=other_insurer.organisation, code="gold", name="Gold", kind="osms_dms",
                    annual_premium_tiyn=15_000_000, benefits=[BenefitIn("dental", 20_000_000)])
    items = {p["insurer"]: p for p in anonymous.get("/products").json()["items"]}
    assert items[insurer.organisation.code]["claims_record"] == {
        "decided": 3, "approved": 2, "approved_pct": 67, "paid": 2,
        "avg_days_to_pay": items[insurer.organisation.code]["claims_record"]["avg_days_to_pay"]}
    assert items[other_insurer.organisation.code]["claims_record"] is None
    body = Client().get("/en/marketplace/").content.decode()
    assert "67 % of 3 decided claims approved; 2 claims paid" in body
    assert "No claims decided yet" in body
