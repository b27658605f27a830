"""Playwright (sync API) driving Debian's chromium against pytest-django's live_server.

Skipped, by name, when /usr/bin/chromium is missing; on failure a screenshot lands in test-artifacts/.
"""
from pathlib import Path

import pytest

from qalqan.refdata.services import refdata_sync
from qalqan.site.demo import demo_load
from tests.site.wagtail_tree import wagtail_tree_ensure

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    """Name each skipped test in its reason, so a run without chromium lists exactly what did not run."""
    if CHROMIUM.exists():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            # a skipif on the test itself is evaluated before the module's, so this reason is the one shown
            item.add_marker(pytest.mark.skipif(True, reason=f"{item.nodeid}: {CHROMIUM} is not installed "
                                                            "(apt-get install chromium)"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_tab(chromium, request):
    """open_tab(viewport=PHONE) → a fresh page; saved as a screenshot if the test fails."""
    contexts = []

    def open_(viewport=DESKTOP, **options):
        context = chromium.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(60_000)  # a cold live server on a busy two-core machine is slow
        contexts.append(context)
        return context.new_page()

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{n}-{m}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab):
    return open_tab()


@pytest.fixture
def live_site(live_server, transactional_db) -> str:
    """The demo site in kk/ru/en on the live server (the transactional flush removed the tree: rebuild it)."""
    refdata_sync()
    wagtail_tree_ensure()
    demo_load()
    return live_server.url
