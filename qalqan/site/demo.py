"""The public site's page tree in kk, ru and en, built from content.py. Idempotent: pages that exist are
left as they are (editors may have changed them); missing pages and missing translations are created."""
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from qalqan.orgs.models import Organisation, StaffMembership

from . import content
from .models import ExplainerPage, FaqPage, HomePage, MarketplacePage, NewsIndexPage, NewsPage, PackagesPage
from .services import cms_editor_grant, cms_groups_sync

SOURCE = "kk"
TRANSLATIONS = ("ru", "en")


@transaction.atomic
def demo_load(report=None) -> HomePage:
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES}
    for membership in StaffMembership.objects.filter(organisation__kind=Organisation.Kind.FUND).select_related(
            "user", "organisation"):
        cms_editor_grant(user=membership.user)  # fund staff edit pages and reference tables in /cms/
    cms_groups_sync()
    home = _home(locales)
    section = ("title", "intro", "menu_title")
    for item in content.EXPLAINERS:
        if item["slug"] == "packages":
            _page(home, PackagesPage, item["slug"], item, section, locales)
        else:
            _page(home, ExplainerPage, item["slug"], item, (*section, "body"), locales,
                  streams=lambda lang, item=item: {"steps": _steps(item, lang), "table": _table(item, lang)})
    _page(home, MarketplacePage, "marketplace", content.SECTIONS["marketplace"], section, locales)
    _page(home, FaqPage, "faq", content.SECTIONS["faq"], section, locales,
          streams=lambda lang: {"items": _questions(lang)})
    news = _page(home, NewsIndexPage, "news", content.SECTIONS["news"], section, locales)
    for item in content.NEWS:
        _page(news, NewsPage, slugify(item["title_en"])[:80], item, ("title", "body"), locales,
              extra={"news_date": item["date"]}, in_menu=False)
    return home


def _home(locales) -> HomePage:
    """The kk home page is the default Site's root; ru and en homes are its translations."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=locales[SOURCE], depth=2).first()
    if home is None:
        home = _create(root, HomePage, "qalqan", content.HOME, ("title", "intro"), SOURCE, locales, {}, False)
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


def _create(parent, model, slug, item, fields, lang, locales, values, in_menu, translation_key=None):
    """A live page with one revision, made in fewer queries than save_revision().publish() would take."""
    page = model(slug=slug, locale=locales[lang], show_in_menus=in_menu, live=True, has_unpublished_changes=False,
                 **{name: item[f"{name}_{lang}"] for name in fields}, **values)
    if translation_key is not None:
        page.translation_key = translation_key
    parent.add_child(instance=page)
    revision = page.save_revision(changed=False)
    now = timezone.now()
    Page.objects.filter(pk=page.pk).update(live_revision=revision, first_published_at=now, last_published_at=now)
    return page


def _translate(page, model, item, fields, locales, extra, streams):
    """The ru and en copies of a kk page: same translation key, under the parent's translation."""
    for lang in TRANSLATIONS:
        if page.has_translation(locales[lang]):
            continue
        parent = page.get_parent()
        parent = parent if parent.is_root() else parent.get_translation(locales[lang])
        _create(parent, model, page.slug if parent.depth > 1 else f"{page.slug}-{lang}", item, fields, lang,
                locales, _streams(streams, lang) | extra, page.show_in_menus, translation_key=page.translation_key)


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
