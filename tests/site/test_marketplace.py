import re
from datetime import date

import pytest
from django.test import Client

from insurers.services import BenefitIn, product_publish, product_withdraw
from qalqan.site import selectors

BASIC = dict(code="osms-basic", name="Базовый ОСМС", kind="osms",
             benefits=[BenefitIn("kdu", 50_000_000), BenefitIn("inpatient", 300_000_000)])
GOLD = dict(code="gold", name="Gold", kind="osms_dms", annual_premium_tiyn=15_000_000, regions=["astana"],
            benefits=[BenefitIn("inpatient", 500_000_000), BenefitIn("dental", 20_000_000)])


@pytest.fixture
def products(site_pages, insurer, other_insurer):
    product_publish(insurer=insurer.organisation, **BASIC)
    product_publish(insurer=other_insurer.organisation, **GOLD)
    return insurer.organisation, other_insurer.organisation


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_marketplace_without_products_says_so(site_pages):
    body = page("/en/marketplace/")
    assert "Insurers have not published any products yet" in body
    assert "<table" not in body


def test_marketplace_lists_live_products_with_price_and_regions(products):
    basic_insurer, gold_insurer = products
    body = page("/en/marketplace/")
    assert f'value="{basic_insurer.code}/osms-basic"' in body and f'value="{gold_insurer.code}/gold"' in body
    assert "150\u202f000,00 ₸" in body  # the extended product's premium
    assert "paid by the Fund" in body  # the basic product's price is the fund's
    assert "Only in: Astana" in body


def test_comparison_shows_each_benefit_limit_side_by_side(products):
    body = page("/ru/marketplace/")
    table = body[body.index('<table class="comparison">'):]
    assert table.count('<th scope="col">') == 3  # the label column and two products
    row = re.search(r"Плановая стационарная помощь.*?</tr>", table, re.S).group(0)
    assert "3\u202f000\u202f000,00 ₸" in row and "5\u202f000\u202f000,00 ₸" in row
    dental = re.search(r"Стоматолог.*?</tr>", table, re.S).group(0)
    assert "не покрывается" in dental


def test_compare_picks_the_ticked_products(products):
    _, gold_insurer = products
    body = page(f"/en/marketplace/?compare={gold_insurer.code}/gold")
    table = body[body.index('<table class="comparison">'):]
    assert table.count('<th scope="col">') == 2
    assert re.search(rf'value="{gold_insurer.code}/gold" id="p-\d+" checked', body)


def test_withdrawn_product_disappears(products):
    basic_insurer, _ = products
    from insurers.models import Product

    product_withdraw(product_id=Product.objects.get(insurer=basic_insurer, code="osms-basic").pk)
    assert "osms-basic" not in page("/en/marketplace/")


def test_product_page_and_unknown_product(products):
    _, gold_insurer = products
    body = page(f"/kk/marketplace/{gold_insurer.code}/gold/")
    assert "<h1>Gold</h1>" in body
    assert Client().get(f"/kk/marketplace/{gold_insurer.code}/nope/").status_code == 404


def test_products_chosen_caps_at_four_and_defaults_to_three():
    cards = [selectors.ProductCard(insurer_code="i", insurer_name="I", code=str(n), name=str(n), kind="osms",
                                   annual_premium_tiyn=0, limits={}) for n in range(6)]
    assert [c.code for c in selectors.products_chosen(cards, [])] == ["0", "1", "2"]
    assert len(selectors.products_chosen(cards, [c.key for c in cards])) == selectors.MAX_COMPARED
    assert selectors.products_chosen(cards, ["i/5"]) == [cards[5]]


# --------------------------------------------------------------------------- packages page


def test_packages_page_is_generated_from_the_benefit_table(site_pages):
    from qalqan.refdata.models import Benefit

    body = page("/ru/packages/")
    for benefit in Benefit.objects.valid_on(date.today()):
        assert f'data-code="{benefit.code}"><dt>{benefit.name_ru}</dt>' in body
    order = [m for m in re.findall(r'id="package-(\w+)"', body)]
    assert order == ["gobmp", "osms", "dms"]


def test_packages_page_follows_edits_of_the_table(site_pages):
    from qalqan.refdata.models import Benefit

    Benefit.objects.create(code="telemed", package="osms", name_kk="Телемедицина", name_ru="Телемедицина",
                           name_en="Telemedicine", valid_from=date(2020, 1, 1))
    Benefit.objects.filter(code="rehab").update(valid_to=date(2021, 1, 1))
    body = page("/en/packages/")
    assert 'data-code="telemed"><dt>Telemedicine</dt>' in body
    assert 'data-code="rehab"' not in body


@pytest.fixture
def signed_in(citizen, monkeypatch):
    """A browser session of `citizen`; insured or not as the test says (the status adapter is patched)."""
    from policies import eligibility
    from policies.signin import citizen_user_for

    state = {"insured": True}
    monkeypatch.setattr(eligibility, "insured_on", lambda person, day: state["insured"])
    client = Client()
    client.force_login(citizen_user_for(person_id=citizen.person.pk))
    return client, state


def test_a_signed_in_citizen_sees_the_price_after_their_own_subsidy(products, signed_in, citizen):
    from insurers.pricing import basic_price

    client, state = signed_in
    basic = basic_price(birth_date=citizen.person.birth_date, sex=citizen.person.sex, day=selectors.today()).annual_tiyn
    body = client.get("/en/marketplace/").content.decode()
    row = re.search(r'<tr class="own-price">.*?</tr>', body, re.S).group(0)
    # insured: the basic product costs nothing, Gold costs its premium less the basic price
    assert "0,00 ₸" in row and selectors.format_tiyn(15_000_000 - basic) in row
    assert "Sign in to see the price" not in body

    state["insured"] = False
    body = client.get("/en/marketplace/").content.decode()
    row = re.search(r'<tr class="own-price">.*?</tr>', body, re.S).group(0)
    assert selectors.format_tiyn(basic) in row and selectors.format_tiyn(15_000_000) in row


def test_anonymous_visitors_are_invited_to_sign_in_for_their_own_price(products):
    body = page("/en/marketplace/")
    assert "Sign in to see the price after your own subsidy." in body and 'class="own-price"' not in body
    assert "No claims decided yet" in body


def test_product_page_shows_the_citizens_own_price(products, signed_in):
    _, gold_insurer = products
    client, _state = signed_in
    body = client.get(f"/en/marketplace/{gold_insurer.code}/gold/").content.decode()
    assert "You pay a year" in body and "Claims record" in body
