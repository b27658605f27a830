"""The public site's page tree in kk, ru and en, built from content.py. Idempotent: pages that exist are
left as they are (editors may have changed them); missing pages and missing translations are created."""
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from . import content
from .models import ExplainerPage, FaqPage, HomePage, MarketplacePage, NewsIndexPage, NewsPage, PackagesPage
from .services import cms_groups_sync

SOURCE = "kk"
TRANSLATIONS = ("ru", "en")


@transaction.atomic
def demo_load(report=None) -> HomePage:
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES}
    cms_groups_sync()
    home = _home(locales)
    for item in content.EXPLAINERS:
        if item["slug"] == "packages":
            _page(home, PackagesPage, item["slug"], item, ("title", "intro", "menu_title"), locales)
        else:
            _page(home, ExplainerPage, item["slug"], item, ("title", "intro", "body", "menu_title"), locales,
                  streams=lambda lang, item=item: {"steps": _steps(item, lang), "table": _table(item, lang)})
    _page(home, MarketplacePage, "marketplace", content.SECTIONS["marketplace"], ("title", "intro", "menu_title"), locales)
    _page(home, FaqPage, "faq", content.SECTIONS["faq"], ("title", "intro", "menu_title"), locales,
          streams=lambda lang: {"items": _questions(lang)})
    news = _page(home, NewsIndexPage, "news", content.SECTIONS["news"], ("title", "intro", "menu_title"), locales)
    for item in content.NEWS:
        _page(news, NewsPage, slugify(item["title_en"])[:80], {**item, "intro_kk": "", "intro_ru": "", "intro_en": ""},
              ("title", "intro", "body"), locales, extra={"news_date": item["date"]}, in_menu=False)
    return home


def _home(locales) -> HomePage:
    """The kk home page is the default Site's root; ru and en homes are its translations."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=locales[SOURCE], depth=2).first()
    if home is None:
        home = _create(root, HomePage, "home-kk", content.HOME, ("title", "intro"), SOURCE, locales, {}, False)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name=settings.WAGTAIL_SITE_NAME)
    elif site.root_page_id != home.id:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()  # Wagtail's "Welcome" placeholder
    _translate(home, HomePage, content.HOME, ("title", "intro"), locales, {}, {})
    return home


def _page(parent, model, slug, item, fields, locales, streams=None, extra=None, in_menu=True):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = _create(parent, model, slug, item, fields, SOURCE, locales, _streams(streams, SOURCE) | (extra or {}),
                       in_menu)
    _translate(page, model, item, fields, locales, extra or {}, streams)
    return page


def _create(parent, model, slug, item, fields, lang, locales, values, in_menu):
    page = model(slug=slug, locale=locales[lang], show_in_menus=in_menu,
                 **{name: item[f"{name}_{lang}"] for name in fields}, **values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page, model, item, fields, locales, extra, streams):
    for lang in TRANSLATIONS:
        if page.has_translation(locales[lang]):
            continue
        copy = page.copy_for_translation(locales[lang]).specific
        for name in fields:
            setattr(copy, name, item[f"{name}_{lang}"])
        for name, value in (_streams(streams, lang) | extra).items():
            setattr(copy, name, value)
        copy.save_revision().publish()


def _streams(streams, lang) -> dict:
    return streams(lang) if streams else {}


def _steps(item, lang) -> list:
    return [("step", {"title": step[f"title_{lang}"], "text": step[f"text_{lang}"]}) for step in item["steps"]]


def _table(item, lang) -> list:
    table = item.get("table")
    if not table:
        return []
    return [("table", {"caption": "", "header": table[f"header_{lang}"], "rows": table[f"rows_{lang}"]})]


def _questions(lang) -> list:
    return [("question", {"question": q[f"question_{lang}"], "answer": q[f"answer_{lang}"]}) for q in content.FAQ]
