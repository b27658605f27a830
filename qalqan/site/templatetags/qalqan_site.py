"""Template tags base.html uses on every page (Wagtail or not): the language switch and the site menu."""
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

from qalqan.core.money import format_tiyn

register = template.Library()


@dataclass
class LanguageChoice:
    code: str
    name: str
    next: str
    current: bool


@register.simple_tag(takes_context=True)
def language_choices(context) -> list[LanguageChoice]:
    """Each language with the address of this same page in it (sent to set_language as `next`)."""
    request = context.get("request")
    if request is None:
        return []
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    page = context.get("page")
    choices = []
    for code, name in settings.LANGUAGES:
        target = _page_in(page, request, code) if isinstance(page, Page) else None
        choices.append(LanguageChoice(code=code, name=name, current=code == current,
                                      next=target or translate_url(request.get_full_path(), code)))
    return choices


def _page_in(page: Page, request, code: str) -> str | None:
    """The translation of a Wagtail page (its slug may differ), keeping a sub-route such as a product."""
    locale = Locale.objects.filter(language_code=code).first()
    translation = page.get_translation_or_none(locale) if locale else None
    if translation is None or not translation.live:
        return None
    here, there = page.get_url(request), translation.get_url(request)
    if not here or not there:
        return None
    rest = request.path[len(here):] if request.path.startswith(here) else ""
    query = request.META.get("QUERY_STRING")
    return there + rest + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def site_menu(context) -> list[Page]:
    """Pages shown in the menu, under the home page of the current language."""
    home = site_home(context)
    return list(home.get_children().live().in_menu().specific()) if home else []


@register.simple_tag(takes_context=True)
def site_home(context) -> Page | None:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    return site.root_page.localized


@register.simple_tag(takes_context=True)
def site_page_url(context, slug: str) -> str | None:
    """The address of a live page of the site (e.g. the explainer `not-insured`) in the current language; None
    when editors removed or unpublished it."""
    home = site_home(context)
    if home is None:
        return None
    page = home.get_children().live().filter(slug=slug).first()
    return page.get_url(context.get("request")) if page else None


@register.filter
def tenge(amount_tiyn) -> str:
    return format_tiyn(int(amount_tiyn))
