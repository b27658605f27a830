from datetime import date
from decimal import Decimal

import pytest

from insurers.models import AgeSexCoefficient, BasicTariff, Product, ProductVersion
from insurers.pricing import age_on, basic_price, quote
from insurers.selectors import marketplace_products

DMS = {"code": "dms-gold", "name": "Gold", "kind": "osms_dms", "annual_premium_tiyn": 15_000_000,
       "benefits": [{"code": "dental", "limit_tiyn": 20_000_000}, {"code": "inpatient", "limit_tiyn": 500_000_000}],
       "regions": ["astana", "almaty_city"]}
BASIC = {"code": "osms-basic", "name": "Basic", "kind": "osms",
         "benefits": [{"code": "inpatient", "limit_tiyn": 300_000_000}]}


@pytest.fixture
def pricing_tables(refdata):
    from insurers.services import pricing_tables_sync
    pricing_tables_sync()


def test_publish_product_201_and_listed(insurer, pricing_tables):
    r = insurer.api.post("/insurer/products", DMS)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["version"] == 1 and body["annual_premium_tiyn"] == 15_000_000
    assert {b["code"] for b in body["benefits"]} == {"dental", "inpatient"}
    listed = insurer.api.get("/insurer/products").json()["items"]
    assert [p["code"] for p in listed] == ["dms-gold"]


@pytest.mark.parametrize("change, field", [
    ({"benefits": [{"code": "nonsense", "limit_tiyn": 1}]}, "benefits.0.code"),
    ({"annual_premium_tiyn": -1}, "annual_premium_tiyn"),
    ({"benefits": [{"code": "dental", "limit_tiyn": -5}]}, "benefits.0.limit_tiyn"),
    ({"kind": "gold"}, "kind"),
    ({"regions": ["atlantis"]}, "regions"),
    ({"min_age": 60, "max_age": 18}, "max_age"),
])
def test_publish_refuses_bad_input_and_stores_nothing(insurer, pricing_tables, change, field):
    r = insurer.api.post("/insurer/products", {**DMS, **change})
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in r.json()["errors"]}
    assert not Product.objects.exists()


def test_basic_product_with_premium_is_refused(insurer, pricing_tables):
    r = insurer.api.post("/insurer/products", {**BASIC, "annual_premium_tiyn": 100})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "annual_premium_tiyn"


def test_basic_product_cannot_refuse_by_age_guaranteed_issue(insurer, pricing_tables):
    r = insurer.api.post("/insurer/products", {**BASIC, "min_age": 18})
    assert r.status_code == 422 and "guaranteed issue" in r.json()["detail"]


def test_basic_product_cannot_carry_dms_benefits(insurer, pricing_tables):
    r = insurer.api.post("/insurer/products", {**BASIC, "benefits": [{"code": "dental", "limit_tiyn": 1}]})
    assert r.status_code == 422


def test_price_change_adds_a_version_and_keeps_the_old_one(insurer, pricing_tables):
    insurer.api.post("/insurer/products", DMS)
    r = insurer.api.post("/insurer/products", {**DMS, "annual_premium_tiyn": 18_000_000})
    assert r.status_code == 201 and r.json()["version"] == 2
    versions = ProductVersion.objects.filter(product__code="dms-gold").order_by("number")
    assert [v.annual_premium_tiyn for v in versions] == [15_000_000, 18_000_000]
    assert versions[0].benefits.count() == 2


def test_kind_cannot_change_on_a_new_version(insurer, pricing_tables):
    insurer.api.post("/insurer/products", DMS)
    r = insurer.api.post("/insurer/products", {**DMS, "kind": "osms", "annual_premium_tiyn": 0,
                                               "benefits": []})
    assert r.status_code == 422


def test_insurer_sees_only_its_own_products(insurer, other_insurer, pricing_tables):
    insurer.api.post("/insurer/products", DMS)
    assert other_insurer.api.get("/insurer/products").json()["items"] == []


def test_products_endpoint_wrong_caller_kind(citizen, pricing_tables):
    assert citizen.api.post("/insurer/products", DMS).status_code == 403
    assert citizen.api.get("/insurer/products").status_code == 403


def test_marketplace_lists_active_products_of_all_insurers(insurer, other_insurer, anonymous, pricing_tables):
    insurer.api.post("/insurer/products", DMS)
    other_insurer.api.post("/insurer/products", BASIC)
    items = anonymous.get("/products").json()["items"]
    assert {(p["insurer"], p["code"]) for p in items} == {("insurer-a", "dms-gold"), ("insurer-b", "osms-basic")}
    assert all(p["price_tiyn"] is None for p in items)
    Product.objects.filter(code="dms-gold").update(is_active=False)
    assert [p["code"] for p in anonymous.get("/products").json()["items"]] == ["osms-basic"]
    assert len(marketplace_products(region="astana")) == 1


def test_marketplace_with_citizen_token_shows_price_after_subsidy(insurer, make_citizen, pricing_tables):
    from qalqan.people.status import status_recompute

    citizen = make_citizen(categories=["disabled"])  # privileged: the state pays, so insured
    status_recompute(person_ids=[citizen.person.pk])
    insurer.api.post("/insurer/products", DMS)
    insurer.api.post("/insurer/products", BASIC)
    person = citizen.person
    basic = basic_price(birth_date=person.birth_date, sex=person.sex, day=date.today()).annual_tiyn
    items = {p["code"]: p for p in citizen.api.get("/products").json()["items"]}
    assert items["dms-gold"]["subsidy_tiyn"] == basic
    assert items["dms-gold"]["premium_due_tiyn"] == 15_000_000 - basic
    assert items["osms-basic"]["premium_due_tiyn"] == 0
    uninsured = make_citizen(categories=[])
    items = {p["code"]: p for p in uninsured.api.get("/products").json()["items"]}
    assert items["dms-gold"]["subsidy_tiyn"] == 0 and items["dms-gold"]["premium_due_tiyn"] == 15_000_000
    assert items["osms-basic"]["premium_due_tiyn"] == items["osms-basic"]["price_tiyn"] > 0


def test_basic_price_is_tariff_times_coefficient(pricing_tables):
    day = date(2026, 3, 1)
    tariff = BasicTariff.objects.valid_on(day).get().annual_tiyn
    coefficient = AgeSexCoefficient.objects.valid_on(day).get(sex="F", age_from__lte=36, age_to__gt=36).coefficient
    price = basic_price(birth_date=date(1990, 1, 1), sex="F", day=day)
    assert price.annual_tiyn == int(tariff * coefficient) and price.coefficient == coefficient
    assert basic_price(birth_date=date(1950, 1, 1), sex="M", day=day).annual_tiyn > price.annual_tiyn


def test_basic_tariff_is_dated(pricing_tables):
    older = basic_price(birth_date=date(1990, 1, 1), sex="M", day=date(2025, 6, 1)).annual_tiyn
    newer = basic_price(birth_date=date(1990, 1, 1), sex="M", day=date(2026, 6, 1)).annual_tiyn
    assert older != newer


def test_coefficient_rounds_half_up_to_a_tiyn(pricing_tables):
    BasicTariff.objects.create(valid_from=date(2030, 1, 1), annual_tiyn=1_001)
    AgeSexCoefficient.objects.filter(valid_to__isnull=True).update(valid_to=date(2030, 1, 1))
    AgeSexCoefficient.objects.create(valid_from=date(2030, 1, 1), age_from=0, age_to=150, sex="M",
                                     coefficient=Decimal("0.500"))
    assert basic_price(birth_date=date(2000, 1, 1), sex="M", day=date(2030, 2, 1)).annual_tiyn == 501  # 500.5


def test_age_on_birthday_boundaries():
    assert age_on(date(2000, 5, 10), date(2020, 5, 9)) == 19
    assert age_on(date(2000, 5, 10), date(2020, 5, 10)) == 20


def test_quote_never_below_zero(insurer, pricing_tables):
    cheap = {**DMS, "annual_premium_tiyn": 1}
    insurer.api.post("/insurer/products", cheap)
    version = ProductVersion.objects.get()
    q = quote(version, birth_date=date(1990, 1, 1), sex="M", day=date.today(), insured=True)
    assert q.due_tiyn == 0 and q.subsidy_tiyn == 1


def test_back_office_page_lists_only_own_products(insurer, other_insurer, pricing_tables, client):
    from django.contrib.auth import get_user_model
    from qalqan.orgs.models import StaffMembership

    insurer.api.post("/insurer/products", DMS)
    other_insurer.api.post("/insurer/products", BASIC)
    user = get_user_model().objects.create_user("staff-a", password="x-very-long-pass")
    StaffMembership.objects.create(user=user, organisation=insurer.organisation)
    client.force_login(user)
    page = client.get("/en/insurer/products/")
    assert page.status_code == 200
    assert b"dms-gold" in page.content and b"osms-basic" not in page.content


def test_back_office_page_is_for_insurer_staff_only(citizen, client, pricing_tables):
    from django.contrib.auth import get_user_model

    assert client.get("/en/insurer/products/").status_code == 302  # to sign in
    client.force_login(get_user_model().objects.create_user("nobody", password="x-very-long-pass"))
    assert client.get("/en/insurer/products/").status_code == 404


def test_an_offers_benefits_are_its_versions_read_once(insurer, pricing_tables, django_assert_num_queries):
    from insurers.selectors import offer_for

    assert insurer.api.post("/insurer/products", DMS).status_code == 201
    first = offer_for(product_code="dms-gold")
    with django_assert_num_queries(1):  # the offer; its version's benefits come from the process's copy
        again = offer_for(product_code="dms-gold")
        benefits = list(again.version.benefits.all())
    assert [(b.benefit, b.limit_tiyn, b.version) for b in benefits] == [("dental", 20_000_000, again.version),
                                                                        ("inpatient", 500_000_000, again.version)]
    assert [b.pk for b in benefits] == [b.pk for b in first.benefits] and benefits[0] is not first.benefits[0]
    changed = dict(DMS, benefits=[{"code": "dental", "limit_tiyn": 30_000_000}])
    assert insurer.api.post("/insurer/products", changed).status_code == 201  # a new version, its own benefits
    assert [(b.benefit, b.limit_tiyn) for b in offer_for(product_code="dms-gold").benefits] == [("dental", 30_000_000)]
