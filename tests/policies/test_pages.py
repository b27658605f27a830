import re

import pytest
from django.test import Client
from django.utils import timezone

from policies.models import Policy
from qalqan.notify.models import Notification
from qalqan.payments.models import Payment

from tests.site.conftest import site_pages, site_tree, wagtail_tree  # noqa: F401

from .conftest import apply


def sign_in(client: Client, person) -> None:
    r = client.post("/en/my/sign-in/", {"iin": person.iin})
    assert r.status_code == 302 and r["Location"].endswith("/my/sign-in/code/")
    code = re.search(r"\d{6}", Notification.objects.filter(person=person, kind="login_code").latest("id").body)[0]
    r = client.post("/en/my/sign-in/code/", {"code": code})
    assert r.status_code == 302, r.content


@pytest.fixture
def browser(insured_citizen):
    client = Client()
    sign_in(client, insured_citizen.person)
    return client


def test_pages_need_a_signed_in_citizen(client, products):
    r = client.get("/en/my/")
    assert r.status_code == 302 and "/my/sign-in/" in r["Location"]


def test_wrong_code_is_refused(client, insured_citizen):
    client.post("/en/my/sign-in/", {"iin": insured_citizen.person.iin})
    r = client.post("/en/my/sign-in/code/", {"code": "000000"})
    assert r.status_code == 200 and b"wrong or has expired" in r.content
    assert client.get("/en/my/").status_code == 302


def test_unknown_iin_gets_the_same_answer_and_no_code(client, refdata):
    r = client.post("/en/my/sign-in/", {"iin": "900101300007"})
    assert r.status_code == 302 and not Notification.objects.exists()


def test_apply_in_three_steps_then_pay_from_pension(browser, insured_citizen, products):
    r = browser.get("/en/my/apply/")
    assert r.status_code == 200 and b"Gold" in r.content
    gold = products["gold"].product
    r = browser.get(f"/en/my/apply/{gold.pk}/")
    assert r.status_code == 200
    from django.utils import timezone
    today = timezone.localdate().isoformat()
    r = browser.get(f"/en/my/apply/{gold.pk}/", {"start_date": today})
    assert b"You pay" in r.content and b"Confirm and apply" in r.content
    r = browser.post(f"/en/my/apply/{gold.pk}/", {"start_date": today, "confirm": "1"})
    assert r.status_code == 302
    policy = Policy.objects.get(holder=insured_citizen.person)
    assert r["Location"].endswith(f"/my/policies/{policy.number}/")
    payment = Payment.objects.get(subject="policy", subject_id=policy.pk)
    page = browser.get(f"/en/my/pay/{payment.pk}/")
    assert page.status_code == 200 and b"js.stripe.com/v3/" in page.content and b"sandbox" in page.content
    r = browser.post(f"/en/my/pay/{payment.pk}/pension/")
    assert r.status_code == 302
    assert Policy.objects.get(pk=policy.pk).status == "active"
    r = browser.get(f"/en/my/policies/{policy.number}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    home = browser.get("/en/my/")
    assert policy.number.encode() in home.content
    for lang, word in (("kk", "Жарамды"), ("ru", "Действует"), ("en", "Active")):  # the status in the page's language
        page = browser.get(f"/{lang}/my/policies/{policy.number}/").content.decode()
        assert f"<strong>{word}</strong>" in page


def test_top_up_from_the_page(browser, insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    r = browser.post(f"/en/my/policies/{number}/topup/", {"amount_tenge": "500"})
    assert r.status_code == 302 and "/my/pay/" in r["Location"]
    assert Payment.objects.get(subject="topup").amount_tiyn == 50_000


def test_another_citizens_policy_and_payment_pages_are_404(browser, make_citizen, insured_people, products):
    other = make_citizen(categories=["employee"])
    body = apply(other, "gold")
    assert browser.get(f"/en/my/policies/{body['policy']}/").status_code == 404
    assert browser.get(f"/en/my/policies/{body['policy']}/pdf/").status_code == 404
    assert browser.get(f"/en/my/pay/{body['payment']}/").status_code == 404
    assert browser.post(f"/en/my/pay/{body['payment']}/pension/").status_code == 404
    assert browser.post(f"/en/my/pay/{body['payment']}/card/", {"payment_method": "pm_card_visa"}).status_code == 404


def test_rejected_application_page_shows_reasons(browser, insured_citizen, products):
    from django.utils import timezone

    apply(insured_citizen, "basic")
    basic_b = products["basic-b"].product
    r = browser.post(f"/en/my/apply/{basic_b.pk}/", {"start_date": timezone.localdate().isoformat(), "confirm": "1"})
    assert r.status_code == 200 and b"already covers" in r.content


def test_pages_render_in_kazakh_and_russian(browser, products):
    for lang in ("kk", "ru"):
        assert browser.get(f"/{lang}/my/apply/").status_code == 200


def test_an_uninsured_citizen_is_told_how_to_become_insured_with_a_link_to_the_explainer(
        client, citizen, products, site_pages):
    sign_in(client, citizen.person)  # nobody made this citizen insured
    for lang, word in (("en", "How to become insured"), ("ru", "Как стать застрахованным")):
        home = client.get(f"/{lang}/my/").content.decode()
        assert word in home and f'href="/{lang}/not-insured/"' in home
        gold = products["gold"].product
        details = client.get(f"/{lang}/my/apply/{gold.pk}/", {"start_date": timezone.localdate().isoformat()}).content.decode()
        assert f'href="/{lang}/not-insured/"' in details
