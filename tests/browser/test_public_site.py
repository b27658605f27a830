"""The public site in a real browser: status check, language switch, FAQ, marketplace comparison, phone width."""
import re
from pathlib import Path

import pytest

from insurers.services import BenefitIn, product_publish
from qalqan.core.masking import mask_iin

from .conftest import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="public-site browser tests need /usr/bin/chromium (apt-get install chromium)"),
]


def test_switching_language_keeps_the_page(live_site, tab):
    tab.goto(f"{live_site}/ru/faq/")
    assert tab.locator("h1").inner_text() == "Частые вопросы"
    tab.get_by_role("button", name="English").click()
    tab.wait_for_url(f"{live_site}/en/faq/")
    assert tab.locator("html").get_attribute("lang") == "en"
    assert tab.locator("h1").inner_text() == "Frequently asked questions"
    tab.get_by_role("button", name="Қазақша").click()
    tab.wait_for_url(f"{live_site}/kk/faq/")
    assert tab.locator("h1").inner_text() == "Жиі қойылатын сұрақтар"
    tab.goto(f"{live_site}/")  # the language chosen is remembered
    assert tab.url == f"{live_site}/kk/"


def test_reading_the_faq(live_site, tab):
    tab.goto(f"{live_site}/en/faq/")
    question = tab.locator("details.faq-item").filter(has_text="Who pays contributions?")
    answer = question.locator(".answer")
    assert not answer.is_visible()
    question.locator("summary").click()
    assert answer.is_visible()
    assert "3% of the employee's income" in answer.inner_text()


def test_marketplace_comparison(live_site, tab, make_org):
    halyk, nomad = make_org("insurer", "halyk"), make_org("insurer", "nomad")
    product_publish(insurer=halyk.organisation, code="basic", name="Halyk Basic", kind="osms",
                    benefits=[BenefitIn("kdu", 50_000_000), BenefitIn("inpatient", 300_000_000)])
    product_publish(insurer=nomad.organisation, code="gold", name="Nomad Gold", kind="osms_dms",
                    annual_premium_tiyn=15_000_000,
                    benefits=[BenefitIn("inpatient", 500_000_000), BenefitIn("dental", 20_000_000)])
    product_publish(insurer=nomad.organisation, code="silver", name="Nomad Silver", kind="osms_dms",
                    annual_premium_tiyn=9_000_000, benefits=[BenefitIn("inpatient", 400_000_000)])
    tab.goto(f"{live_site}/en/marketplace/")
    for name in ("Halyk Basic", "Nomad Silver", "Nomad Gold"):
        tab.get_by_label(re.compile(name)).set_checked(name != "Nomad Silver")
    tab.get_by_role("button", name="Compare").click()
    tab.wait_for_url(re.compile(r"compare="))
    table = tab.locator("table.comparison")
    headers = table.locator("thead th").all_inner_texts()
    assert len(headers) == 3 and "Halyk Basic" in headers[1] and "Nomad Gold" in headers[2]
    inpatient = table.locator("tr", has_text="Planned inpatient care").locator("td").all_inner_texts()
    assert inpatient == ["3\u202f000\u202f000,00 ₸", "5\u202f000\u202f000,00 ₸"]
    tab.get_by_role("link", name="Details").nth(2).click()
    assert tab.locator("h1").inner_text() == "Nomad Gold"


def test_status_check_from_the_home_page_without_javascript(live_site, open_tab, make_person):
    person = make_person(categories=["pensioner"])
    tab = open_tab(viewport=PHONE, java_script_enabled=False)
    tab.goto(f"{live_site}/ru/")
    tab.get_by_label("Ваш ИИН (12 цифр)").fill(person.iin)
    with tab.expect_navigation() as navigation:
        tab.get_by_role("button", name="Проверить статус").click()
    assert navigation.value.status == 200
    assert re.search(rf"/status/\?iin={person.iin}$", tab.url)
    assert mask_iin(person.iin) in tab.locator("main").inner_text()


def test_home_fits_a_phone_screen(live_site, open_tab):
    tab = open_tab(viewport=PHONE)
    tab.goto(f"{live_site}/kk/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    form = tab.locator("form.status-check")
    assert form.is_visible() and form.bounding_box()["width"] <= PHONE["width"]
    assert tab.get_by_role("button", name=re.compile(".+")).first.is_visible()
