"""The fund's subsidy run pages: start, progress, totals and chart, drill-down, approve, disburse, statements."""
import csv
import io
from datetime import date

import pytest
from django.test import Client
from pypdf import PdfReader

from insurers.models import BasicTariff
from policies.models import InstrumentEvent
from qalqan.fund.subsidy import services
from qalqan.fund.subsidy.models import SubsidyRun
from qalqan.ledger.models import Transfer
from qalqan.ledger.services import balance_of
from tests.fund.subsidy_world import CHILD_M, F_30_44, M_30_44, make_person, world  # noqa: F401
from tests.staff import staff_client

RUNS = "/en/fund/subsidy-runs/"


@pytest.fixture
def staff(fund):
    return staff_client(fund.organisation)


def run_url(run_id: int, tail: str = "") -> str:
    return f"{RUNS}{run_id}/{tail}"


def start(staff, period: str = "2026-03", follow: bool = True):
    """The start form; by default the redirect is followed (which also shows and so consumes the messages)."""
    return staff.post(f"{RUNS}start/", {"period": period}, follow=follow)


def texts(response) -> list[str]:
    """The messages the page shows after a followed redirect (showing them consumes them)."""
    assert response.redirect_chain, "follow the redirect"
    return [str(m) for m in response.context["messages"]]


def test_fund_staff_start_a_run_and_see_totals_by_source_and_insurer_with_a_chart(staff, world):
    response = start(staff, follow=False)
    run = SubsidyRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(run.pk)
    assert run.status == "calculated" and run.created_by.endswith(":" + response.wsgi_request.user.username)

    page = staff.get(run_url(run.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and html.count("<rect") >= 3 + 3  # insurer bars stacked by source, and source bars
    summary = page.context["summary"]
    a, b = world["a"], world["b"]
    assert {r["insurer"]: r["amount_tiyn"] for r in summary["by_insurer"]} == {
        a.code: 2 * M_30_44, b.code: F_30_44 + CHILD_M}
    assert {r["source"]: r["amount_tiyn"] for r in summary["by_source"]} == {
        "budget:republican": M_30_44 + CHILD_M, "budget:mio:karaganda": F_30_44, "pool:osms": M_30_44}
    assert "6\u202f933,32 ₸" in html  # insurer a: 2 × 3 466,66 ₸
    assert f'action="{run_url(run.pk, "approve/")}"' in html and "csrfmiddlewaretoken" in html
    assert f'action="{run_url(run.pk, "disburse/")}"' not in html  # not before approval
    chart = page.context["chart"]
    widest = max(chart["rows"], key=lambda r: sum(s.width for s in r.segments))
    assert widest.label == b.name  # 7 366,66 ₸ is the longest bar
    assert [s.series for s in widest.segments] == ["budget:mio:karaganda", "budget:republican"]

    listing = staff.get(RUNS)
    assert listing.status_code == 200 and "2026-03" in listing.content.decode()
    assert list(listing.context["runs"]) == [run]


def test_one_run_per_month_shows_a_clear_message(staff, world):
    start(staff)
    run = SubsidyRun.objects.get()
    again = start(staff)
    assert again.redirect_chain == [(run_url(run.pk), 302)]
    assert texts(again) == ["A run for 2026-03 already exists (status: Calculated); there is one run per month."]
    assert SubsidyRun.objects.count() == 1


def test_a_missing_tariff_row_is_named_and_nothing_is_stored(staff, world):
    BasicTariff.objects.all().delete()
    response = start(staff)
    assert response.status_code == 422
    error = response.context["form"].errors["period"][0]
    assert "insurers.BasicTariff" in error and "2026-03-01" in error
    assert error in response.content.decode()
    assert not SubsidyRun.objects.exists()


@pytest.mark.parametrize("period", ["2026-3", "march", "2026-13", ""])
def test_a_bad_month_is_refused_with_the_form(staff, world, period):
    response = start(staff, period)
    assert response.status_code == 422 and response.context["form"].errors["period"]
    assert not SubsidyRun.objects.exists()


def test_progress_is_shown_and_polled_while_the_run_calculates(staff, world, settings):
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    services.subsidy_run_calculate(run_id=run.pk, stop_after_chunks=2)  # the worker is half-way

    progress = staff.get(run_url(run.pk, "progress/"))
    assert progress.status_code == 200 and progress["Content-Type"] == "application/json"
    assert progress.json() == {"id": run.pk, "status": "draft", "chunks_done": 2, "chunks_total": 4, "percent": 50,
                               "policies": 0, "error": ""}
    page = staff.get(run_url(run.pk))
    html = page.content.decode()
    assert '<progress id="progress-bar" max="4" value="2">' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html  # without JavaScript
    assert f'data-url="{run_url(run.pk, "progress/")}"' in html and "fetch(box.dataset.url" in html
    assert "approve/" not in html and "<svg" not in html

    services.subsidy_run_calculate(run_id=run.pk)
    done = staff.get(run_url(run.pk, "progress/")).json()
    assert done["status"] == "calculated" and done["percent"] == 100
    assert done["chunks_done"] == done["chunks_total"] == 4 and done["policies"] == 4
    html = staff.get(run_url(run.pk)).content.decode()
    assert 'http-equiv="refresh"' not in html and "<svg" in html


def test_a_failed_calculation_shows_its_error_and_resumes_from_the_page(staff, world, settings):
    settings.SUBSIDY_RUN_CHUNK_POLICIES = 1
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    services.subsidy_run_calculate(run_id=run.pk, stop_after_chunks=2)
    services.subsidy_run_fail(run_id=run.pk, error="OperationalError: server closed the connection unexpectedly")
    html = staff.get(run_url(run.pk)).content.decode()
    assert "OperationalError: server closed the connection unexpectedly" in html
    assert f'action="{run_url(run.pk, "resume/")}"' in html and 'http-equiv="refresh"' not in html
    assert staff.get(run_url(run.pk, "progress/")).json()["error"].startswith("OperationalError")

    resumed = staff.post(run_url(run.pk, "resume/"), follow=True)
    assert texts(resumed) == ["The calculation continues from where it stopped."]
    run = SubsidyRun.objects.get(pk=run.pk)
    assert (run.status, run.error, run.policies, run.chunks_done) == ("calculated", "", 4, 4)
    assert texts(staff.post(run_url(run.pk, "resume/"), follow=True)) == [
        "The run's calculation is finished (status: Calculated)."]


def test_approve_then_disburse_through_the_pages_pays_the_insurers(staff, world, assert_trial_balance_zero,
                                                                  django_capture_on_commit_callbacks):
    start(staff)
    run = SubsidyRun.objects.get()
    approved = staff.post(run_url(run.pk, "approve/"), follow=True)
    assert texts(approved) == ["The run is approved."]
    run = SubsidyRun.objects.get(pk=run.pk)
    assert run.status == "approved"
    assert f'action="{run_url(run.pk, "disburse/")}"' in staff.get(run_url(run.pk)).content.decode()  # shown

    with django_capture_on_commit_callbacks(execute=True):  # the funded events are queued on commit
        disbursed = staff.post(run_url(run.pk, "disburse/"), follow=True)
    assert texts(disbursed) == ["The run is disbursed: the money is with the insurers."]
    run = SubsidyRun.objects.get(pk=run.pk)
    assert run.status == "disbursed" and run.instruments_recorded == 4
    assert balance_of(f"insurer:{world['a'].code}:premium") == 2 * M_30_44
    assert balance_of(f"insurer:{world['b'].code}:premium") == F_30_44 + CHILD_M
    assert balance_of("fund:clearing") == 0
    assert InstrumentEvent.objects.filter(kind="funded").count() == 4
    assert_trial_balance_zero()


def test_refused_transitions_show_a_message_and_change_nothing(staff, world, assert_trial_balance_zero):
    run = services.subsidy_run_start(period=date(2026, 3, 1))  # draft: not calculated yet
    response = staff.post(run_url(run.pk, "approve/"), follow=True)
    assert "Only a calculated run can be approved (status: Calculating)." in response.content.decode()
    response = staff.post(run_url(run.pk, "disburse/"), follow=True)
    assert texts(response) == ["Only an approved run can be disbursed, once (status: Calculating)."]
    run = SubsidyRun.objects.get(pk=run.pk)
    assert run.status == "draft" and run.approved_at is None

    services.subsidy_run_calculate(run_id=run.pk)
    assert texts(staff.post(run_url(run.pk, "disburse/"), follow=True)) == [
        "Only an approved run can be disbursed, once (status: Calculated)."]
    assert not Transfer.objects.filter(key__startswith=f"subsidy-run-{run.pk}-").exists()

    staff.post(run_url(run.pk, "approve/"), follow=True)
    staff.post(run_url(run.pk, "disburse/"), follow=True)
    premium = balance_of(f"insurer:{world['a'].code}:premium")
    transfers = Transfer.objects.count()
    twice = staff.post(run_url(run.pk, "disburse/"), follow=True)
    assert texts(twice) == ["Only an approved run can be disbursed, once (status: Disbursed)."]
    again = staff.post(run_url(run.pk, "approve/"), follow=True)
    assert texts(again) == ["Only a calculated run can be approved (status: Disbursed)."]
    assert Transfer.objects.count() == transfers
    assert balance_of(f"insurer:{world['a'].code}:premium") == premium == 2 * M_30_44
    assert SubsidyRun.objects.get(pk=run.pk).status == "disbursed"
    assert_trial_balance_zero()


def test_drill_down_to_one_insurers_lines_filtered_and_paginated(staff, world, monkeypatch):
    start(staff)
    run = SubsidyRun.objects.get()
    b = world["b"]
    page = staff.get(run_url(run.pk, f"insurers/{b.code}/"))
    assert page.status_code == 200
    numbers = {line["policy__number"] for line in page.context["page"].object_list}
    assert numbers == {world["policies"]["unemployed"].number, world["policies"]["child"].number}
    assert page.context["total"] == {"policies": 2, "amount_tiyn": F_30_44 + CHILD_M}

    by_source = staff.get(run_url(run.pk, f"insurers/{b.code}/"), {"source": "budget:mio:karaganda"})
    assert [line["amount_tiyn"] for line in by_source.context["page"].object_list] == [F_30_44]
    by_region = staff.get(run_url(run.pk, f"insurers/{b.code}/"), {"region": "shymkent"})
    assert [line["policy__number"] for line in by_region.context["page"].object_list] == [
        world["policies"]["child"].number]

    from qalqan.fund.subsidy import views
    monkeypatch.setattr(views, "LINES_PER_PAGE", 1)
    first = staff.get(run_url(run.pk, f"insurers/{b.code}/"), {"region": "karaganda", "source": ""})
    assert first.context["page"].paginator.count == 1
    paged = staff.get(run_url(run.pk, f"insurers/{b.code}/"), {"page": 2})
    assert paged.context["page"].number == 2 and len(paged.context["page"].object_list) == 1
    assert "page=1" in paged.content.decode()

    assert staff.get(run_url(run.pk, "insurers/no-such-insurer/")).status_code == 404
    assert staff.get(run_url(run.pk + 1000)).status_code == 404


def test_csv_statement_streams_the_insurers_lines(staff, world):
    start(staff)
    run = SubsidyRun.objects.get()
    a = world["a"]
    response = staff.get(run_url(run.pk, f"insurers/{a.code}/statement.csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'subsidy-2026-03-{a.code}.csv' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((r["policy"], r["source"], r["amount_tiyn"], r["amount_kzt"]) for r in rows) == sorted([
        (world["policies"]["pensioner"].number, "budget:republican", str(M_30_44), "3466.66"),
        (world["policies"]["employee"].number, "pool:osms", str(M_30_44), "3466.66"),
    ])
    assert {r["kind"] for r in rows} == {"normal"} and {r["days"] for r in rows} == {"31"}
    assert {r["region"] for r in rows} == {"astana", "abai"}


def test_pdf_statement_has_the_insurers_figures(staff, world):
    start(staff)
    run = SubsidyRun.objects.get()
    b = world["b"]
    response = staff.get(run_url(run.pk, f"insurers/{b.code}/statement.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Subsidy statement" in text and b.name in text and "2026-03" in text
    assert "4 333,33" in text and "3 033,33" in text  # the unemployed woman and the child
    assert "7 366,66" in text  # the insurer's total
    assert world["policies"]["child"].number in text
    assert world["policies"]["pensioner"].number not in text  # insurer a's policy


def test_insurer_staff_and_others_are_refused_and_strangers_sent_to_sign_in(
        staff, world, insurer, clinic, assert_trial_balance_zero):
    start(staff)
    run = SubsidyRun.objects.get()
    staff.post(run_url(run.pk, "approve/"), follow=True)
    code = world["a"].code
    pages = [RUNS, run_url(run.pk), run_url(run.pk, "progress/"), run_url(run.pk, f"insurers/{code}/"),
             run_url(run.pk, f"insurers/{code}/statement.csv"), run_url(run.pk, f"insurers/{code}/statement.pdf")]
    posts = [(f"{RUNS}start/", {"period": "2026-04"}), (run_url(run.pk, "disburse/"), {}),
             (run_url(run.pk, "approve/"), {}), (run_url(run.pk, "resume/"), {})]
    for other in (staff_client(insurer.organisation), staff_client(clinic.organisation)):
        for url in pages:
            assert other.get(url).status_code == 403, url
        for url, data in posts:
            assert other.post(url, data).status_code == 403, url
    stranger = Client()
    for url in pages:
        response = stranger.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    for url, data in posts:
        assert stranger.post(url, data).status_code == 302
    assert list(SubsidyRun.objects.values_list("period", "status")) == [(date(2026, 3, 1), "approved")]
    assert not Transfer.objects.filter(key__startswith=f"subsidy-run-{run.pk}-").exists()
    assert_trial_balance_zero()


def test_the_pages_speak_kazakh_and_russian_and_posts_need_the_csrf_token(fund, world):
    run = services.subsidy_run_start(period=date(2026, 3, 1))
    services.subsidy_run_calculate(run_id=run.pk)
    staff = staff_client(fund.organisation)
    assert "Субсидия есептеулері" in staff.get("/kk/fund/subsidy-runs/").content.decode()
    assert "Запустить расчёт" in staff.get("/ru/fund/subsidy-runs/").content.decode()
    # statuses and line kinds in words of the language, not their codes
    for lang, status, kind in (("en", "Calculated", "Monthly payment"), ("kk", "Есептелді", "Айлық төлем"),
                               ("ru", "Рассчитан", "Ежемесячная выплата")):
        listing = staff.get(f"/{lang}/fund/subsidy-runs/").content.decode()
        detail = staff.get(f"/{lang}/fund/subsidy-runs/{run.pk}/").content.decode()
        lines = staff.get(f"/{lang}/fund/subsidy-runs/{run.pk}/insurers/{world['a'].code}/").content.decode()
        assert f"<td>{status}" in listing and f'<dd id="run-status">{status}</dd>' in detail
        assert f"<td>{kind}</td>" in lines and "<td>normal</td>" not in lines
        assert "calculated" not in listing.replace('value="calculated"', "")
    careful = staff_client(fund.organisation)
    careful.handler.enforce_csrf_checks = True
    assert careful.post(run_url(run.pk, "approve/")).status_code == 403
    assert SubsidyRun.objects.get(pk=run.pk).status == "calculated"
