import re

import pytest
from django.test import Client
from wagtail.models import Locale, Page, Site

from qalqan.site import content
from qalqan.site.demo import demo_load
from qalqan.site.models import ExplainerPage, FaqPage, HomePage, NewsPage

LANGS = ("kk", "ru", "en")
PATHS = ("", "check-status/", "not-insured/", "who-pays/", "packages/", "marketplace/", "faq/", "news/")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def next_values(page_html: str) -> dict[str, str]:
    """language code → the `next` its switch button posts."""
    forms = re.findall(r'name="next" value="([^"]*)">\s*<button type="submit" name="language" value="(\w+)"', page_html)
    return {code: nxt for nxt, code in forms}


def test_demo_builds_every_page_in_three_languages(site_pages):
    for lang in LANGS:
        locale = Locale.objects.get(language_code=lang)
        assert HomePage.objects.filter(locale=locale).count() == 1
        assert ExplainerPage.objects.live().filter(locale=locale).count() == 3
        assert FaqPage.objects.live().filter(locale=locale).count() == 1
        assert NewsPage.objects.live().filter(locale=locale).count() == len(content.NEWS)
    assert Site.objects.get(is_default_site=True).root_page_id == site_pages.id
    assert site_pages.locale.language_code == "kk"
    assert {p.locale.language_code for p in site_pages.get_translations(inclusive=True)} == set(LANGS)


def test_demo_load_twice_changes_nothing(site_pages):
    pages = Page.objects.count()
    revisions = sum(p.revisions.count() for p in Page.objects.all())
    assert demo_load().id == site_pages.id
    assert Page.objects.count() == pages
    assert sum(p.revisions.count() for p in Page.objects.all()) == revisions


def test_the_welcome_placeholder_is_replaced(site_pages):
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PATHS)
def test_every_page_renders_in_its_language(site_pages, lang, path):
    body = html(Client().get(f"/{lang}/{path}"))
    assert f'<html lang="{lang}">' in body
    assert 'name="viewport"' in body


@pytest.mark.parametrize("lang", LANGS)
def test_explainer_shows_text_steps_and_the_payer_table(site_pages, lang):
    check = html(Client().get(f"/{lang}/check-status/"))
    item = content.EXPLAINERS[0]
    assert item[f"title_{lang}"] in check
    for step in item["steps"]:
        assert step[f"title_{lang}"] in check
    payers = html(Client().get(f"/{lang}/who-pays/"))
    for row in content.EXPLAINERS[2]["table"][f"rows_{lang}"]:
        assert f'<th scope="row">{row[0]}</th>' in payers


@pytest.mark.parametrize("lang", LANGS)
def test_faq_lists_every_question_as_a_disclosure(site_pages, lang):
    body = html(Client().get(f"/{lang}/faq/"))
    assert body.count('<details class="faq-item">') == len(content.FAQ)
    for item in content.FAQ:
        assert f"<summary>{item[f'question_{lang}']}</summary>" in body


def test_news_index_lists_the_news_of_its_language(site_pages):
    body = html(Client().get("/ru/news/"))
    for item in content.NEWS:
        assert item["title_ru"] in body
        assert item["title_en"] not in body


def test_root_redirects_to_the_default_language(site_pages):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/kk/"


def test_root_follows_the_language_cookie(site_pages):
    client = Client()
    client.cookies["django_language"] = "en"
    assert Client().get("/")["Location"] == "/kk/"
    assert client.get("/")["Location"] == "/en/"


def test_api_and_admin_are_outside_the_language_prefix(site_pages):
    assert Client().get("/kk/api/v1/openapi.json").status_code == 404
    assert Client().get("/api/v1/openapi.json").status_code == 200
    assert Client().get("/cms/login/").status_code == 200


# --------------------------------------------------------------------------- home page and status check


@pytest.mark.parametrize("lang", LANGS)
def test_home_status_form_works_without_javascript(site_pages, lang):
    body = html(Client().get(f"/{lang}/"))
    form = re.search(r'<form class="status-check[^"]*" action="([^"]+)" method="get"', body)
    assert form and form.group(1) in ("/status/", f"/{lang}/status/")
    assert '<label for="iin">' in body
    assert re.search(r'<input id="iin" name="iin" [^>]*inputmode="numeric"', body)
    assert "<script" not in body


def test_home_links_the_menu_pages_and_latest_news(site_pages):
    body = html(Client().get("/en/"))
    for path in PATHS[1:]:
        assert f'href="/en/{path}"' in body
    assert content.NEWS[0]["title_en"] in body


# --------------------------------------------------------------------------- language switch


def test_switch_on_a_page_points_at_the_same_page_in_each_language(site_pages):
    body = html(Client().get("/ru/faq/"))
    assert next_values(body) == {"kk": "/kk/faq/", "ru": "/ru/faq/", "en": "/en/faq/"}
    assert re.search(r'value="ru" lang="ru" aria-current="true"', body)


def test_switching_from_ru_faq_lands_on_en_faq(site_pages):
    client = Client()
    nxt = next_values(html(client.get("/ru/faq/")))["en"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": nxt})
    assert response.status_code == 302
    assert response["Location"] == "/en/faq/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in html(client.get(response["Location"]))


def test_switch_follows_a_translation_with_another_slug(site_pages):
    faq_en = FaqPage.objects.get(locale__language_code="en")
    faq_en.slug = "questions"
    faq_en.save_revision().publish()
    assert next_values(html(Client().get("/kk/faq/")))["en"] == "/en/questions/"


def test_switch_keeps_the_query_string(site_pages):
    assert next_values(html(Client().get("/kk/marketplace/?compare=a%2Fb")))["ru"] == "/ru/marketplace/?compare=a%2Fb"


def test_switch_on_a_page_outside_wagtail_translates_the_path(site_pages, rf):
    from django.template import Context, Template
    from django.utils import translation

    request = rf.get("/ru/some/portal/page/?x=1")
    with translation.override("ru"):
        out = Template("{% load qalqan_site %}{% language_choices as c %}{% for x in c %}{{ x.code }}={{ x.next }};"
                       "{% endfor %}").render(Context({"request": request}))
    assert out == "kk=/kk/some/portal/page/?x=1;ru=/ru/some/portal/page/?x=1;en=/en/some/portal/page/?x=1;"


# --------------------------------------------------------------------------- accessibility basics


@pytest.mark.parametrize("path", PATHS)
def test_pages_have_a_skip_link_one_h1_and_labelled_navigation(site_pages, path):
    body = html(Client().get(f"/kk/{path}"))
    assert '<a class="skip" href="#main">' in body
    assert body.count("<h1") == 1
    assert '<nav class="main-nav" aria-label=' in body
    for field_id in re.findall(r'<input id="([^"]+)"', body):
        assert f'<label for="{field_id}"' in body


@pytest.mark.parametrize("lang, label, button", [
    ("kk", "Сіздің ЖСН (12 цифр)", "Мәртебені тексеру"),
    ("ru", "Ваш ИИН (12 цифр)", "Проверить статус"),
    ("en", "Your IIN (12 digits)", "Check status"),
])
def test_portal_strings_come_from_the_compiled_catalogues(site_pages, lang, label, button):
    body = html(Client().get(f"/{lang}/"))
    assert f'<label for="iin">{label}</label>' in body
    assert f'<button type="submit">{button}</button>' in body
