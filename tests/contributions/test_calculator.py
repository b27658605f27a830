from datetime import date

import pytest

from qalqan.core.money import format_tiyn
from qalqan.people.rates import NoRule, contribution_calculate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rates")]  # the tables, even after a flush

P2025 = date(2025, 6, 1)


@pytest.mark.parametrize(("income_tenge", "due_tenge", "effective"), [
    (300_000, 6_000, "2.00"),      # 2 %
    (1_500_000, 17_000, "1.13"),   # capped at 10 МЗП: "1.1 %"
    (3_000_000, 17_000, "0.57"),   # capped: "0.6 %"
])
def test_domain_worked_examples_for_the_employee(income_tenge, due_tenge, effective):
    due = contribution_calculate(kind="employee", period=P2025, income_tiyn=income_tenge * 100)
    assert due.amount_tiyn == due_tenge * 100
    assert str(due.effective_percent) == effective
    assert due.max_tiyn == 17_000_00


def test_self_payer_pays_4250_a_month_51000_a_year():
    due = contribution_calculate(kind="self_payer", period=date(2026, 1, 1))
    assert due.amount_tiyn == 4_250_00
    assert 12 * due.amount_tiyn == 51_000_00


def test_individual_entrepreneur_pays_5_percent_of_1_4_mzp():
    assert contribution_calculate(kind="self_employed", period=P2025).amount_tiyn == 5_950_00


def test_employer_pays_3_percent_capped_at_10_mzp():
    assert contribution_calculate(kind="employer", period=P2025, income_tiyn=300_000_00).amount_tiyn == 9_000_00
    assert contribution_calculate(kind="employer", period=P2025, income_tiyn=5_000_000_00).amount_tiyn == 25_500_00


def test_state_pays_2_percent_of_the_average_wage():
    assert contribution_calculate(kind="state", period=P2025).amount_tiyn == 7_285_90


def test_platform_pays_1_percent_capped_at_20_mzp_from_2026():
    due = contribution_calculate(kind="platform", period=date(2026, 3, 1), income_tiyn=2_000_000_00)
    assert due.amount_tiyn == 17_000_00
    with pytest.raises(NoRule):
        contribution_calculate(kind="platform", period=date(2025, 12, 1), income_tiyn=100_00)


def test_caps_follow_the_minimum_wage_of_the_period():
    # 2022: МЗП 60 000 ₸ → the employee cap is 2 % of 600 000 ₸
    assert contribution_calculate(kind="employee", period=date(2022, 5, 1), income_tiyn=10**10).amount_tiyn == 12_000_00


def test_unknown_kind_has_no_rule():
    with pytest.raises(NoRule):
        contribution_calculate(kind="martian", period=P2025)


def test_public_calculator_api(anonymous, rates):
    response = anonymous.get("/contributions/calculator", {"kind": "employee", "period": "2025-03",
                                                           "income_tiyn": 1_500_000_00})
    assert response.status_code == 200
    body = response.json()
    assert body["amount_tiyn"] == 17_000_00 and body["cap_income_tiyn"] == 850_000_00


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "nobody", "period": "2025-03"}, "kind"),
    ({"kind": "employee", "period": "2025-13"}, "period"),
    ({"kind": "employee", "period": "soon"}, "period"),
    ({"kind": "employee", "period": "2025-03", "income_tiyn": -1}, "income_tiyn"),
    ({"kind": "platform", "period": "2025-03"}, "period"),
])
def test_public_calculator_refuses_bad_input(anonymous, rates, params, field):
    response = anonymous.get("/contributions/calculator", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


# Every worked example of DOMAIN.md, through the service, the public API and the page alike.
WORKED_EXAMPLES = [
    ("employee", 300_000, 6_000_00),
    ("employee", 1_500_000, 17_000_00),
    ("employee", 3_000_000, 17_000_00),
    ("self_payer", None, 4_250_00),
    ("self_employed", None, 5_950_00),
    ("employer", 850_000, 25_500_00),
    ("state", None, 7_285_90),
]


@pytest.mark.parametrize(("kind", "income_tenge", "due_tiyn"), WORKED_EXAMPLES)
@pytest.mark.parametrize("period", ["2025-06", "2026-01"])
def test_every_worked_example_through_service_api_and_page(anonymous, rates, kind, income_tenge, due_tiyn, period):
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    year, month = (int(p) for p in period.split("-"))
    income_tiyn = None if income_tenge is None else income_tenge * 100
    assert contribution_calculate(kind=kind, period=date(year, month, 1), income_tiyn=income_tiyn).amount_tiyn == due_tiyn

    params = {"kind": kind, "period": period} | ({} if income_tiyn is None else {"income_tiyn": income_tiyn})
    response = anonymous.get("/contributions/calculator", params)
    assert response.status_code == 200 and response.json()["amount_tiyn"] == due_tiyn

    form = {"kind": kind, "period": period} | ({} if income_tenge is None else {"income": f"{income_tenge:,}".replace(",", " ")})
    page = Client().get("/en/contributions/calculator/", form)
    assert page.status_code == 200 and page.context["due"].amount_tiyn == due_tiyn
    assert format_tiyn(due_tiyn) in page.content.decode()
