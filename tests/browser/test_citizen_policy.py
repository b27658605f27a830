"""A citizen in a real browser: signs in with ИИН + one-time code, applies in three steps, pays with a test
card through the Stripe.js that localstripe serves; the signed webhook activates the policy."""
import re
from pathlib import Path

import pytest

from insurers.services import BenefitIn, pricing_tables_sync, product_publish
from qalqan.notify.models import Notification
from qalqan.orgs.services import organisation_create
from qalqan.people.status import status_recompute

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                       reason="citizen browser tests need /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.mark.django_db(transaction=True)
def test_citizen_signs_in_applies_and_pays_by_card(live_server, refdata, make_person, stripe_local, tab):
    pricing_tables_sync()
    stripe_local.point_webhooks_at(live_server.url)
    insurer = organisation_create(kind="insurer", code="insurer-web", name="Web Сақтандыру")
    product_publish(insurer=insurer, code="gold", name="Web Gold", kind="osms_dms", annual_premium_tiyn=15_000_000,
                    benefits=[BenefitIn("dental", 20_000_000), BenefitIn("inpatient", 500_000_000)])
    person = make_person(categories=["disabled"])
    status_recompute(person_ids=[person.pk])

    tab.goto(f"{live_server.url}/en/my/")
    tab.get_by_label("ИИН").fill(person.iin)
    tab.get_by_role("button", name="Send the code").click()
    tab.wait_for_url(re.compile(r"/my/sign-in/code/"))
    code = re.search(r"\d{6}", Notification.objects.filter(person=person, kind="login_code").latest("id").body)[0]
    tab.get_by_label("One-time code").fill(code)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(re.compile(r"/en/my/$"))
    assert "You are insured" in tab.content()

    tab.get_by_role("link", name="Apply for a policy").click()
    tab.get_by_role("link", name="Choose").click()
    tab.get_by_role("button", name="See the price").click()
    assert "You pay" in tab.content()
    tab.get_by_role("button", name="Confirm and apply").click()
    tab.wait_for_url(re.compile(r"/my/policies/KZQ"))
    number = re.search(r"KZQ[0-9A-Z]{9}", tab.url)[0]
    tab.get_by_role("link", name="Pay").click()
    tab.wait_for_url(re.compile(r"/my/pay/\d+/"))

    tab.locator("#card-element input[placeholder=number]").fill("4242424242424242")
    tab.locator("#card-element input[placeholder=exp_month]").fill("12")
    tab.locator("#card-element input[placeholder=exp_year]").fill("30")
    tab.locator("#card-element input[placeholder=cvc]").fill("123")
    tab.locator("#card-element input[placeholder=postal_code]").fill("01000")
    tab.get_by_role("button", name="Pay by card").click()
    tab.wait_for_url(re.compile(rf"/my/policies/{number}/$"), timeout=30_000)
    assert "Active" in tab.locator("dl").inner_text()
