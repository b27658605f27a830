import pytest

from qalqan.refdata.services import refdata_sync
from qalqan.site.demo import demo_load
from qalqan.site.models import HomePage

from .wagtail_tree import wagtail_tree_ensure


@pytest.fixture
def wagtail_tree(db):
    """Wagtail's root page and default Site, recreated when a transactional test flushed them."""
    return wagtail_tree_ensure()


@pytest.fixture(scope="session")
def site_tree(django_db_setup, django_db_blocker) -> int:
    """The demo page tree in kk, ru and en, built once per test database (each test rolls back its changes)."""
    with django_db_blocker.unblock():
        refdata_sync()
        wagtail_tree_ensure()
        return demo_load().id


@pytest.fixture
def site_pages(site_tree, wagtail_tree) -> HomePage:
    """The kk home page of the demo tree."""
    return HomePage.objects.get(id=site_tree)
