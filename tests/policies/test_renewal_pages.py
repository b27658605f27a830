"""The citizen's renewal pages: a Renew button within the window, the apply flow with the start fixed."""
import pytest
from django.test import Client

from policies.models import Application, Policy
from qalqan.payments.models import Payment

from .conftest import apply, pay_pension
from .test_pages import sign_in
from .test_renewal import ending_in


@pytest.fixture
def browser(insured_citizen):
    client = Client()
    sign_in(client, insured_citizen.person)
    return client


def test_renew_button_only_within_the_window(browser, insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    renew_url = f"/en/my/policies/{number}/renew/"
    assert renew_url.encode() not in browser.get(f"/en/my/policies/{number}/").content
    r = browser.get(renew_url)
    assert r.status_code == 302 and r["Location"].endswith(f"/my/policies/{number}/")
    assert b"can be renewed from" in browser.get(r["Location"]).content

    ending_in(number, 20)

    page = browser.get(f"/en/my/policies/{number}/").content.decode()
    assert f'href="{renew_url}"' in page and ">Renew<" in page


def test_renew_through_the_apply_flow_with_another_insurer(browser, insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    old = ending_in(number, 10)
    basic, basic_b = products["basic"].product, products["basic-b"].product

    choose = browser.get(f"/en/my/policies/{number}/renew/").content.decode()
    assert "Keep this product" in choose and f"/my/policies/{number}/renew/{basic.pk}/" in choose
    assert f"/my/policies/{number}/renew/{basic_b.pk}/" in choose
    assert "Gold" not in choose  # another kind is not offered
    details = browser.get(f"/en/my/policies/{number}/renew/{basic_b.pk}/").content.decode()
    assert "Confirm and renew" in details and "csrfmiddlewaretoken" in details and "You pay" in details
    assert old.end_date.strftime("%d.%m.%Y") in details

    r = browser.post(f"/en/my/policies/{number}/renew/{basic_b.pk}/")

    assert r.status_code == 302 and r["Location"].endswith(f"/my/policies/{number}/")  # nothing due
    application = Application.objects.get(renews=old)
    assert application.status == "approved" and application.product == basic_b
    page = browser.get(r["Location"]).content.decode()
    assert "Renewed: the next term starts on" in page and "Insurer-B" in page
    assert f'href="/en/my/policies/{number}/renew/"' not in page  # renewed once
    assert browser.get(f"/en/my/policies/{number}/renew/").status_code == 302


def test_an_uninsured_citizen_renews_and_goes_to_pay(client, citizen, products, insured_people):
    body = apply(citizen, "basic")
    pay_pension(citizen, body["payment"])
    number = body["policy"]
    ending_in(number, 10)
    sign_in(client, citizen.person)
    basic = products["basic"].product

    r = client.post(f"/en/my/policies/{number}/renew/{basic.pk}/")

    renewal = Policy.objects.filter(number=number).order_by("-start_date").first()
    payment = Payment.objects.get(subject="policy", subject_id=renewal.pk)
    assert r.status_code == 302 and r["Location"].endswith(f"/my/pay/{payment.pk}/")
    page = client.get(f"/en/my/policies/{number}/").content.decode()
    assert f'href="/en/my/pay/{payment.pk}/"' in page and "Pay for the next term" in page


def test_another_citizens_renewal_pages_are_404(browser, make_citizen, insured_people, products):
    other = make_citizen(categories=["employee"])
    insured_people.add(other.person.pk)
    number = apply(other, "basic")["policy"]
    ending_in(number, 10)
    basic = products["basic"].product
    assert browser.get(f"/en/my/policies/{number}/renew/").status_code == 404
    assert browser.post(f"/en/my/policies/{number}/renew/{basic.pk}/").status_code == 404
    assert not Application.objects.filter(renews__number=number).exists()


def test_renewal_without_the_csrf_token_changes_nothing(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, 10)
    client = Client(enforce_csrf_checks=True)
    sign_in_csrf(client, insured_citizen.person)
    r = client.post(f"/en/my/policies/{number}/renew/{products['basic'].product.pk}/")
    assert r.status_code == 403 and not Application.objects.filter(renews__number=number).exists()


def sign_in_csrf(client: Client, person) -> None:
    """Sign in through the forms with their CSRF tokens."""
    import re

    from qalqan.notify.models import Notification

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/en/my/sign-in/").content.decode())[1]
    client.post("/en/my/sign-in/", {"iin": person.iin, "csrfmiddlewaretoken": token})
    code = re.search(r"\d{6}", Notification.objects.filter(person=person, kind="login_code").latest("id").body)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get("/en/my/sign-in/code/").content.decode())[1]
    r = client.post("/en/my/sign-in/code/", {"code": code, "csrfmiddlewaretoken": token})
    assert r.status_code == 302


@pytest.mark.parametrize("lang,renew,keep", [("kk", "Ұзарту", "Осы өнімді қалдыру"),
                                             ("ru", "Продлить", "Оставить этот продукт")])
def test_renewal_pages_in_kazakh_and_russian(browser, insured_citizen, products, lang, renew, keep):
    number = apply(insured_citizen, "basic")["policy"]
    ending_in(number, 10)
    assert f">{renew}<" in browser.get(f"/{lang}/my/policies/{number}/").content.decode()
    assert keep in browser.get(f"/{lang}/my/policies/{number}/renew/").content.decode()
