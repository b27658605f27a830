"""The insurer's loss ratio: paid ÷ premiums received, by product and month, and the chart's bars."""
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.dashboard import chart_bars, hundred_percent_y, loss_ratios
from policies.instruments import instrument_record
from policies.models import Policy

from .conftest import event_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(clinic, citizen, insurer, fund_insurer):
    def pay(event_id: str, amount: int) -> None:
        body = clinic.api.post("/clinic/events", event_body(citizen.person, event_id=event_id, amount_tiyn=amount,
                                                            service_code="KDU-006")).json()
        citizen.api.post(f"/citizen/events/{body['id']}/confirm")
        assert insurer.api.post(f"/insurer/claims/{body['id']}/approve").status_code == 200
        assert insurer.api.post("/insurer/settlements", {}).json()["settlements"][0]["status"] == "paid"

    fund_insurer(insurer.organisation, 100_000_000)
    return pay


def test_loss_ratio_is_paid_over_premiums_by_product_and_month(insurer, other_insurer, citizen, other_citizen,
                                                                 make_policy, paid):
    basic = make_policy(citizen.person, insurer.organisation, product_code="basic")
    extra = make_policy(other_citizen.person, insurer.organisation, product_code="extra")
    instrument_record(instrument_id=basic.instrument_id, kind="funded", amount_tiyn=10_000_000)
    instrument_record(instrument_id=extra.instrument_id, kind="funded", amount_tiyn=4_000_000)
    paid("a", 500_000)
    paid("b", 250_000)
    month = timezone.localdate().replace(day=1)
    rows = {r["product"]: r for r in loss_ratios(insurer.organisation)}
    assert rows["basic"] == {"product": "basic", "month": month, "premiums_tiyn": 10_000_000, "paid_tiyn": 750_000,
                             "ratio": Decimal("0.075")}
    assert rows["extra"]["paid_tiyn"] == 0 and rows["extra"]["ratio"] == Decimal("0.000")
    assert loss_ratios(other_insurer.organisation) == []
    bars = chart_bars(list(rows.values()))
    assert [b["percent"] for b in bars] == ["7.5", "0.0"]
    assert bars[0]["height"] > bars[1]["height"] == 0
    assert hundred_percent_y(list(rows.values())) == 0  # no ratio above 100 %: the 100 % line tops the chart


def test_after_a_switch_each_insurer_counts_only_the_premiums_it_received(insurer, other_insurer, citizen,
                                                                         make_policy):
    old = make_policy(citizen.person, insurer.organisation, product_code="basic")
    instrument_record(instrument_id=old.instrument_id, kind="funded", amount_tiyn=6_000_000)
    other_version = make_policy(citizen.person, other_insurer.organisation, product_code="rival").version
    Policy.objects.filter(pk=old.pk).update(status=Policy.Status.TRANSFERRED)
    Policy.objects.create(number=old.number, instrument=old.instrument, previous=old, holder=citizen.person,
                          insurer=other_insurer.organisation, version=other_version, kind="osms",
                          start_date=old.start_date, end_date=old.end_date, price_tiyn=1, subsidy_tiyn=1,
                          premium_tiyn=0, status=Policy.Status.ACTIVE)
    instrument_record(instrument_id=old.instrument_id, kind="funded", amount_tiyn=2_000_000)
    mine = loss_ratios(insurer.organisation)
    theirs = loss_ratios(other_insurer.organisation)
    assert [(r["product"], r["premiums_tiyn"]) for r in mine] == [("basic", 6_000_000)]
    assert [(r["product"], r["premiums_tiyn"]) for r in theirs] == [("rival", 2_000_000)]
