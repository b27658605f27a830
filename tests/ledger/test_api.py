import io
from datetime import date

import pytest
from pypdf import PdfReader

from qalqan.ledger.services import account_ensure, transfer_post


@pytest.fixture
def books(accounts, insurer, other_insurer):
    own = account_ensure(code="insurer:insurer-a:premium", kind="insurer_premium", owner=insurer.organisation)
    other = account_ensure(code="insurer:insurer-b:premium", kind="insurer_premium",
                           owner=other_insurer.organisation)
    budget, pool = accounts["budget"], accounts["pool"]
    transfer_post(key="seed", lines=[(budget, -100_000), (pool, 100_000)], reason="subsidy.fund",
                  posted_on=date(2026, 9, 30))
    transfer_post(key="oct-1", lines=[(pool, -30_000), (own, 30_000)], reason="subsidy.disburse",
                  posted_on=date(2026, 10, 1))
    transfer_post(key="oct-2", lines=[(pool, -12_345), (own, 12_345)], reason="subsidy.disburse",
                  posted_on=date(2026, 10, 15))
    transfer_post(key="oct-b", lines=[(pool, -5_000), (other, 5_000)], reason="subsidy.disburse",
                  posted_on=date(2026, 10, 16))
    transfer_post(key="nov-1", lines=[(own, -2_345), (pool, 2_345)], reason="refund",
                  posted_on=date(2026, 11, 2))
    return {"own": own, "other": other}


def test_trial_balance_for_the_fund(books, fund):
    response = fund.api.get("/fund/ledger/trial-balance")
    assert response.status_code == 200
    body = response.json()
    assert body["total_tiyn"] == 0
    assert {"code": "insurer:insurer-a:premium", "balance_tiyn": 40_000} in body["accounts"]
    assert {"code": "budget:republican", "balance_tiyn": -100_000} in body["accounts"]


@pytest.mark.parametrize("path", ["/fund/ledger/trial-balance", "/fund/ledger/accounts/pool:osms/statement"])
def test_fund_endpoints_refuse_others(books, insurer, clinic, anonymous, path):
    assert insurer.api.get(path).status_code == 403
    assert clinic.api.get(path).status_code == 403
    response = anonymous.get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_statement_as_json(books, fund):
    response = fund.api.get("/fund/ledger/accounts/insurer:insurer-a:premium/statement",
                            {"from": "2026-10-02", "to": "2026-11-30"})
    assert response.status_code == 200
    body = response.json()
    assert (body["account"], body["from"], body["to"]) == ("insurer:insurer-a:premium", "2026-10-02", "2026-11-30")
    assert body["opening_tiyn"] == 30_000
    assert [(p["posted_on"], p["amount_tiyn"], p["balance_tiyn"], p["reason"]) for p in body["postings"]] == [
        ("2026-10-15", 12_345, 42_345, "subsidy.disburse"), ("2026-11-02", -2_345, 40_000, "refund")]
    assert body["closing_tiyn"] == 40_000
    assert (body["debits_tiyn"], body["credits_tiyn"]) == (12_345, 2_345)


def test_statement_of_an_empty_period(books, fund):
    body = fund.api.get("/fund/ledger/accounts/pool:osms/statement", {"from": "2027-01-01", "to": "2027-01-31"}).json()
    assert (body["opening_tiyn"], body["postings"], body["closing_tiyn"]) == (55_000, [], 55_000)


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-11-01", "to": "2026-10-01"}, "to"),
    ({"from": "2025-01-01", "to": "2026-10-01"}, "to"),
    ({"from": "not-a-date"}, "from"),
    ({"format": "xml"}, "format"),
])
def test_statement_refuses_bad_periods(books, fund, params, field):
    response = fund.api.get("/fund/ledger/accounts/pool:osms/statement", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_statement_of_an_unknown_account_is_404(books, fund):
    response = fund.api.get("/fund/ledger/accounts/pool:nowhere/statement")
    assert response.status_code == 404


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize("suffix, params", [("/pdf", {}), ("", {"format": "pdf"})])
def test_statement_as_pdf(books, fund, suffix, params):
    response = fund.api.get(f"/fund/ledger/accounts/insurer:insurer-a:premium/statement{suffix}",
                            {"from": "2026-10-01", "to": "2026-10-31", **params})
    text = _pdf_text(response)
    assert "insurer:insurer-a:premium" in text
    assert "oct-2" in text and "nov-1" not in text
    assert "423,45" in text  # closing 42 345 tiyn = 423,45 ₸


def test_statements_rendered_one_after_another_each_speak_their_own_language(books, fund):
    # the renderer keeps fonts and parsed stylesheets between documents: each still gets its own labels
    headings = {"kk": "Шоттан үзінді көшірме", "ru": "Выписка по счёту", "en": "Account statement"}
    for language in ("kk", "ru", "en", "kk"):
        text = _pdf_text(fund.api.get("/fund/ledger/accounts/insurer:insurer-a:premium/statement/pdf",
                                      {"from": "2026-10-01", "to": "2026-10-31"},
                                      headers={"Accept-Language": language}))
        assert all((heading in text) == (other == language) for other, heading in headings.items())
        assert "1 / 1" in text  # the stylesheet's page numbers


def test_insurer_reads_its_own_statement_only(books, insurer):
    body = insurer.api.get("/insurer/ledger/statement", {"from": "2026-10-01", "to": "2026-11-30"}).json()
    assert body["account"] == "insurer:insurer-a:premium"
    assert [p["key"] for p in body["postings"]] == ["oct-1", "oct-2", "nov-1"]
    assert "oct-b" not in str(body)
    text = _pdf_text(insurer.api.get("/insurer/ledger/statement/pdf", {"from": "2026-10-01", "to": "2026-11-30"}))
    assert "insurer:insurer-a:premium" in text and "oct-b" not in text


def test_insurer_cannot_read_the_funds_statements(books, insurer):
    assert insurer.api.get("/fund/ledger/accounts/insurer:insurer-a:premium/statement").status_code == 403


def test_insurer_without_an_account_sees_an_empty_statement_and_zero_balance(db, make_org):
    newcomer = make_org("insurer", "insurer-new")
    body = newcomer.api.get("/insurer/ledger/statement").json()
    assert (body["account"], body["opening_tiyn"], body["postings"], body["closing_tiyn"]) == (
        "insurer:insurer-new:premium", 0, [], 0)
    assert newcomer.api.get("/insurer/balance").json() == {"balance_tiyn": 0}


def test_insurer_balance(books, insurer, other_insurer, fund):
    assert insurer.api.get("/insurer/balance").json() == {"balance_tiyn": 40_000}
    assert other_insurer.api.get("/insurer/balance").json() == {"balance_tiyn": 5_000}
    assert fund.api.get("/insurer/balance").status_code == 403


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/fund/ledger/trial-balance", "/api/v1/fund/ledger/accounts/{code}/statement",
                 "/api/v1/fund/ledger/accounts/{code}/statement/pdf", "/api/v1/insurer/ledger/statement",
                 "/api/v1/insurer/balance", "/api/v1/policies/verify/{number}"):
        assert path in paths
