"""Recreate what Wagtail's data migrations made: `transaction=True` tests (and live_server) flush it."""
from django.conf import settings
from wagtail.models import Locale, Page, Site


def wagtail_tree_ensure() -> Page:
    """The default locale, the tree's root page and a default Site (idempotent)."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True, site_name="Qalqan")
    return root
