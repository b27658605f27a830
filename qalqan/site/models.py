"""Wagtail page types of the public site. Pages hold content only: never policies, claims or money.

Every page exists once per locale (kk is the source, ru and en are translated copies made with
`copy_for_translation`). The packages and marketplace pages render live data at request time.
"""
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from . import selectors
from .blocks import QuestionBlock, StepBlock, TableBlock

RICH_FEATURES = ["h2", "h3", "bold", "italic", "link", "ul", "ol"]


class SitePage(Page):
    """Common base: a short introduction under the title."""

    intro = models.TextField(_("introduction"), blank=True)
    menu_title = models.CharField(_("menu title"), max_length=40, blank=True,
                                  help_text=_("A short name for the menu; the title is used when empty."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    promote_panels = Page.promote_panels + [FieldPanel("menu_title")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True

    @property
    def menu_label(self) -> str:
        return self.menu_title or self.title


class HomePage(SitePage):
    """The landing page with the status check box; the site root in each locale."""

    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)

    content_panels = SitePage.content_panels + [FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["site.ExplainerPage", "site.FaqPage", "site.NewsIndexPage", "site.PackagesPage",
                     "site.MarketplacePage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["status_action"] = selectors.status_page_url(self.locale.language_code)
        context["highlights"] = self.get_children().live().in_menu().specific()
        context["latest_news"] = selectors.latest_news(locale=self.locale, limit=3)
        return context


class ExplainerPage(SitePage):
    """Rich text, numbered steps and an optional table (how to check status, who pays, …)."""

    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)
    steps = StreamField([("step", StepBlock())], blank=True, verbose_name=_("steps"))
    table = StreamField([("table", TableBlock())], blank=True, max_num=1, verbose_name=_("table"))

    content_panels = SitePage.content_panels + [FieldPanel("body"), FieldPanel("steps"), FieldPanel("table")]
    search_fields = SitePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("explainer page")


class FaqPage(SitePage):
    items = StreamField([("question", QuestionBlock())], blank=True, verbose_name=_("questions"))

    content_panels = SitePage.content_panels + [FieldPanel("items")]
    search_fields = SitePage.search_fields + [index.SearchField("items")]
    parent_page_types = ["site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("FAQ page")


class NewsIndexPage(SitePage):
    parent_page_types = ["site.HomePage"]
    subpage_types = ["site.NewsPage"]

    class Meta:
        verbose_name = _("news list")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = NewsPage.objects.child_of(self).live().order_by("-news_date", "-first_published_at")
        return context


class NewsPage(SitePage):
    news_date = models.DateField(_("date"))
    body = RichTextField(_("body"), blank=True, features=RICH_FEATURES)

    content_panels = SitePage.content_panels + [FieldPanel("news_date"), FieldPanel("body")]
    search_fields = SitePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["site.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")


class PackagesPage(SitePage):
    """What ГОБМП, ОСМС and ДМС cover: the list is read from the benefit reference table at render time."""

    parent_page_types = ["site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("packages page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["packages"] = selectors.packages_overview()
        return context


class MarketplacePage(RoutablePageMixin, SitePage):
    """Insurer products and a side-by-side comparison, from the live product data."""

    parent_page_types = ["site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("marketplace page")

    @path("")
    def index_view(self, request):
        chosen = request.GET.getlist("compare")
        products = selectors.marketplace_products()
        compared = selectors.products_chosen(products, chosen)
        prices = selectors.own_prices(request.user, products)
        return self.render(request, context_overrides={
            "products": products,
            "compared": compared,
            "comparison": selectors.comparison_rows(compared),
            "chosen": {p.key for p in compared},
            "signed_in_citizen": prices is not None,
            "cards": [(p, (prices or {}).get(p.key)) for p in products],
            "columns": [(p, (prices or {}).get(p.key)) for p in compared],
        })

    @path("<slug:insurer>/<slug:code>/", name="product")
    def product_view(self, request, insurer, code):
        product = selectors.product_by_key(selectors.marketplace_products(), f"{insurer}/{code}")
        if product is None:
            raise Http404
        prices = selectors.own_prices(request.user, [product])
        return self.render(request, template="site/product_page.html", context_overrides={
            "product": product,
            "comparison": selectors.comparison_rows([product]),
            "own_price": prices.get(product.key) if prices is not None else None,
            "signed_in_citizen": prices is not None,
        })
