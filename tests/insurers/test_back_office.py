"""The insurer back office: publish a product or a new version on a page, stop selling one; only our own."""
import pytest
from django.contrib.auth import get_user_model

from insurers.models import Product, ProductVersion
from qalqan.orgs.models import StaffMembership

DMS = {"code": "dms-gold", "name": "Gold", "kind": "osms_dms", "annual_premium_tiyn": 15_000_000,
       "benefits": [{"code": "dental", "limit_tiyn": 20_000_000}]}
FORM = {"code": "dms-silver", "name": "Silver", "kind": "osms_dms", "annual_premium_tenge": "120000",
        "regions": ["astana", "almaty_city"], "min_age": "", "max_age": "64", "topup_limit_per_tiyn": "2.5",
        "valid_from": "", "limit_dental": "150000", "waiting_dental": "30", "limit_inpatient": "4000000"}


@pytest.fixture
def pricing_tables(refdata):
    from insurers.services import pricing_tables_sync
    pricing_tables_sync()


@pytest.fixture
def staff_client(insurer, pricing_tables, client):
    user = get_user_model().objects.create_user("staff-a", password="x-very-long-pass")
    StaffMembership.objects.create(user=user, organisation=insurer.organisation)
    client.force_login(user)
    return client


def test_publish_page_creates_a_product_in_tiyn(staff_client, insurer):
    page = staff_client.get("/en/insurer/products/new/")
    assert page.status_code == 200 and b'name="limit_dental"' in page.content and b"csrfmiddlewaretoken" in page.content
    r = staff_client.post("/en/insurer/products/new/", FORM)
    assert r.status_code == 302 and r["Location"].endswith("/insurer/products/")
    version = ProductVersion.objects.get(product__code="dms-silver")
    assert version.product.insurer == insurer.organisation and version.number == 1
    assert version.annual_premium_tiyn == 12_000_000 and version.max_age == 64 and str(version.topup_limit_per_tiyn) == "2.500"
    assert sorted(version.regions) == ["almaty_city", "astana"]
    assert {(b.benefit, b.limit_tiyn, b.waiting_days) for b in version.benefits.all()} == {
        ("dental", 15_000_000, 30), ("inpatient", 400_000_000, 0)}
    assert b"dms-silver" in staff_client.get("/en/insurer/products/").content


def test_new_version_page_is_prefilled_and_keeps_the_old_version(staff_client, insurer):
    insurer.api.post("/insurer/products", DMS)
    page = staff_client.get("/en/insurer/products/dms-gold/version/")
    assert page.status_code == 200 and b'value="150000"' in page.content  # the premium in tenge
    r = staff_client.post("/en/insurer/products/dms-gold/version/",
                          {**FORM, "code": "dms-gold", "name": "Gold", "annual_premium_tenge": "170000"})
    assert r.status_code == 302
    premiums = list(ProductVersion.objects.filter(product__code="dms-gold").order_by("number")
                    .values_list("number", "annual_premium_tiyn"))
    assert premiums == [(1, 15_000_000), (2, 17_000_000)]


@pytest.mark.parametrize("change, message", [
    ({"kind": "osms", "annual_premium_tenge": "1000"}, b"priced by the fund"),
    ({"kind": "osms", "annual_premium_tenge": "", "limit_dental": "", "waiting_dental": "", "min_age": "18"},
     b"guaranteed issue"),
    ({"limit_dental": "-5"}, b"greater than or equal to 0"),
    ({"min_age": "70", "max_age": "18"}, b"max_age is below min_age"),
    ({"annual_premium_tenge": ""}, b"needs a premium"),
])
def test_publish_page_refusals_store_nothing(staff_client, change, message):
    r = staff_client.post("/en/insurer/products/new/", {**FORM, **change})
    assert r.status_code == 200 and message in r.content
    assert not Product.objects.exists()


def test_withdraw_stops_selling(staff_client, insurer):
    insurer.api.post("/insurer/products", DMS)
    r = staff_client.post("/en/insurer/products/dms-gold/withdraw/")
    assert r.status_code == 302
    assert Product.objects.get(code="dms-gold").is_active is False
    assert staff_client.get("/en/insurer/products/dms-gold/withdraw/").status_code == 405


def test_another_insurers_product_is_404_and_untouched(staff_client, other_insurer):
    other_insurer.api.post("/insurer/products", DMS)
    assert staff_client.get("/en/insurer/products/dms-gold/version/").status_code == 404
    assert staff_client.post("/en/insurer/products/dms-gold/withdraw/").status_code == 404
    product = Product.objects.get(code="dms-gold")
    assert product.is_active and product.versions.count() == 1


def test_publish_page_is_for_insurer_staff_only(citizen, client, pricing_tables):
    assert client.get("/en/insurer/products/new/").status_code == 302
    client.force_login(get_user_model().objects.create_user("nobody", password="x-very-long-pass"))
    assert client.get("/en/insurer/products/new/").status_code == 404
    assert client.post("/en/insurer/products/new/", FORM).status_code == 404
    assert not Product.objects.exists()
