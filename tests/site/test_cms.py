"""Fund staff edit the reference tables in Wagtail admin, with history; other organisations' staff see nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import ModelLogEntry

from qalqan.orgs.models import StaffMembership
from qalqan.refdata.models import Benefit, BenefitCategory, Region
from qalqan.site.services import FUND_EDITORS, cms_editor_grant, cms_groups_sync

LISTS = ["/cms/snippets/refdata/region/", "/cms/snippets/refdata/benefitcategory/", "/cms/snippets/refdata/benefit/",
         "/cms/snippets/insurers/basictariff/", "/cms/snippets/insurers/agesexcoefficient/",
         "/cms/snippets/claims/servicetariff/"]


@pytest.fixture
def staff(refdata, wagtail_tree):
    def make(caller, username: str) -> Client:
        user = get_user_model().objects.create_user(username=username, password="pw-123456789", is_staff=True)
        StaffMembership.objects.create(user=user, organisation=caller.organisation)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def fund_editor(staff, fund):
    client = staff(fund, "fund-editor")
    cms_editor_grant(user=client.user)
    return client


@pytest.fixture
def insurer_staff_with_the_group_by_mistake(staff, insurer):
    client = staff(insurer, "insurer-clerk")
    client.user.groups.add(cms_groups_sync())
    return client


def benefit_form(benefit: Benefit, **changes) -> dict:
    data = {f: getattr(benefit, f) or "" for f in ("code", "name_kk", "name_ru", "name_en", "package",
                                                  "description_kk", "description_ru", "description_en")}
    data |= {"valid_from": benefit.valid_from.isoformat(), "valid_to": ""}
    return data | changes


@pytest.mark.parametrize("url", LISTS)
def test_fund_editor_sees_the_reference_tables(fund_editor, url):
    response = fund_editor.get(url)
    assert response.status_code == 200
    assert url in fund_editor.get("/cms/").content.decode()  # in the admin menu


def test_fund_editor_edit_is_saved_and_kept_in_history(fund_editor):
    benefit = Benefit.objects.get(code="rehab")
    response = fund_editor.post(f"/cms/snippets/refdata/benefit/edit/{benefit.pk}/",
                                benefit_form(benefit, name_en="Medical rehabilitation (updated)"))
    assert response.status_code == 302, response.content.decode()[:2000]
    benefit.refresh_from_db()
    assert benefit.name_en == "Medical rehabilitation (updated)"
    entry = ModelLogEntry.objects.get(object_id=str(benefit.pk), action="wagtail.edit")
    assert entry.user == fund_editor.user
    history = fund_editor.get(f"/cms/snippets/refdata/benefit/history/{benefit.pk}/")
    assert history.status_code == 200 and "fund-editor" in history.content.decode()


def test_fund_editor_adds_a_dated_row(fund_editor):
    response = fund_editor.post("/cms/snippets/refdata/benefitcategory/add/", {
        "code": "platform_worker", "name_kk": "Платформа", "name_ru": "Платформа", "name_en": "Platform",
        "group": "contributor", "payer": "self", "valid_from": "2030-01-01", "valid_to": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = BenefitCategory.objects.get(code="platform_worker", valid_from="2030-01-01")
    assert ModelLogEntry.objects.filter(object_id=str(row.pk), action="wagtail.create").exists()


def test_fund_editor_adds_a_basic_tariff_row_with_history_and_the_price_follows(fund_editor):
    from datetime import date

    from insurers.models import BasicTariff
    from insurers.pricing import basic_tariff_on
    from insurers.services import pricing_tables_sync

    pricing_tables_sync()
    current = BasicTariff.objects.get(valid_to__isnull=True)
    response = fund_editor.post(f"/cms/snippets/insurers/basictariff/edit/{current.pk}/", {
        "valid_from": current.valid_from.isoformat(), "valid_to": "2031-01-01", "annual_tiyn": current.annual_tiyn,
        "note": current.note})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = fund_editor.post("/cms/snippets/insurers/basictariff/add/", {
        "valid_from": "2031-01-01", "valid_to": "", "annual_tiyn": "6000000", "note": "indexed"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = BasicTariff.objects.get(valid_from="2031-01-01")
    assert ModelLogEntry.objects.filter(object_id=str(row.pk), action="wagtail.create", user=fund_editor.user).exists()
    assert basic_tariff_on(date(2031, 3, 1)).annual_tiyn == 6_000_000


@pytest.mark.parametrize("url", LISTS)
def test_insurer_staff_never_see_the_tables_even_with_the_group(insurer_staff_with_the_group_by_mistake, url):
    response = insurer_staff_with_the_group_by_mistake.get(url)
    assert response.status_code in (302, 403)
    assert url not in insurer_staff_with_the_group_by_mistake.get("/cms/").content.decode()


def test_insurer_staff_cannot_edit(insurer_staff_with_the_group_by_mistake):
    region = Region.objects.get(code="astana")
    response = insurer_staff_with_the_group_by_mistake.post(
        f"/cms/snippets/refdata/region/edit/{region.pk}/",
        {"code": "astana", "name_kk": "X", "name_ru": "X", "name_en": "X"})
    assert response.status_code in (302, 403)
    region.refresh_from_db()
    assert region.name_en != "X"


def test_clinic_staff_without_the_group_cannot_enter_the_cms(staff, clinic):
    client = staff(clinic, "clinic-clerk")
    assert client.get("/cms/").status_code == 302
    assert client.get(LISTS[0]).status_code == 302


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(LISTS[2])
    assert response.status_code == 302 and "/cms/login/" in response["Location"]


def test_only_fund_staff_can_be_granted_the_editor_group(staff, insurer, clinic):
    for caller, name in ((insurer, "ins-1"), (clinic, "cl-1")):
        client = staff(caller, name)
        with pytest.raises(PermissionError):
            cms_editor_grant(user=client.user)
        assert not client.user.groups.filter(name=FUND_EDITORS).exists()


def test_groups_sync_is_idempotent(wagtail_tree):
    first = set(cms_groups_sync().permissions.values_list("codename", flat=True))
    second = cms_groups_sync()
    assert set(second.permissions.values_list("codename", flat=True)) == first
    assert {"access_admin", "change_benefit", "add_benefitcategory", "view_region"} <= first


def test_demo_makes_fund_staff_editors_and_nobody_else(staff, fund, insurer):
    from qalqan.site.demo import demo_load

    fund_user, insurer_user = staff(fund, "fund-demo").user, staff(insurer, "insurer-demo").user
    demo_load()
    assert fund_user.groups.filter(name=FUND_EDITORS).exists()
    assert not insurer_user.groups.filter(name=FUND_EDITORS).exists()
