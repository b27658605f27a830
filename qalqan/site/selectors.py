"""Reads the public site renders: live reference data, marketplace products, the status page address."""
from dataclasses import dataclass, field
from datetime import date

from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qalqan.core.money import format_tiyn
from qalqan.refdata.models import Benefit, Region

PACKAGE_ORDER = [Benefit.Package.GOBMP, Benefit.Package.OSMS, Benefit.Package.DMS]
PACKAGE_TEXT = {
    Benefit.Package.GOBMP: (_("Free guaranteed package (ГОБМП)"), _("For everyone, insured or not.")),
    Benefit.Package.OSMS: (_("Mandatory social health insurance (ОСМС)"), _("For the insured only.")),
    Benefit.Package.DMS: (_("Voluntary health insurance (ДМС)"), _("Bought from a private insurer, on top of ОСМС.")),
}
KIND_TEXT = {"osms": _("Basic ОСМС"), "osms_dms": _("ОСМС + ДМС")}


def today() -> date:
    return timezone.localdate()


# --------------------------------------------------------------------------- status check


def status_page_url(language: str) -> str:
    """Where the home page's status form goes: the public status page, in the page's language if it is
    served under a language prefix, else at `/status/` (the form works without JavaScript either way)."""
    from wagtail.views import serve as wagtail_serve

    for candidate in (f"/{language}/status/", "/status/"):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.func is not wagtail_serve:
            return candidate
    return "/status/"


# --------------------------------------------------------------------------- news


def latest_news(*, locale, limit: int = 3):
    from .models import NewsPage

    return NewsPage.objects.live().filter(locale=locale).order_by("-news_date", "-first_published_at")[:limit]


# --------------------------------------------------------------------------- packages


@dataclass
class PackageGroup:
    code: str
    title: str
    summary: str
    benefits: list = field(default_factory=list)


def packages_overview(day: date | None = None) -> list[PackageGroup]:
    """Benefit codes valid on `day`, grouped by package (ГОБМП, ОСМС, ДМС) in that order."""
    rows = Benefit.objects.valid_on(day or today()).order_by("code")
    groups = {code: PackageGroup(code=code, title=PACKAGE_TEXT[code][0], summary=PACKAGE_TEXT[code][1])
              for code in PACKAGE_ORDER}
    for row in rows:
        groups[row.package].benefits.append(row)
    return [group for group in groups.values() if group.benefits]


# --------------------------------------------------------------------------- marketplace


@dataclass(frozen=True)
class ProductCard:
    insurer_code: str
    insurer_name: str
    code: str
    name: str
    kind: str
    annual_premium_tiyn: int
    limits: dict  # benefit code → limit in tiyn
    regions: tuple = ()  # names of the regions served; empty means the whole country
    record: object = None  # insurers.records.ClaimRecord, None until the insurer has decided a claim
    version: object = field(default=None, compare=False, repr=False)  # the ProductVersion on sale

    @property
    def key(self) -> str:
        return f"{self.insurer_code}/{self.code}"

    @property
    def kind_label(self) -> str:
        return KIND_TEXT.get(self.kind, self.kind)

    @property
    def is_basic(self) -> bool:
        return self.kind == "osms"

    @property
    def premium_display(self) -> str:
        """A basic product's price is the fund's tariff, paid by the fund: the citizen pays nothing."""
        return str(_("paid by the Fund")) if self.is_basic else format_tiyn(self.annual_premium_tiyn)


def marketplace_products() -> list[ProductCard]:
    """Active products of every insurer on sale today, from the insurers app (none while it is absent)."""
    try:
        from insurers.selectors import marketplace_products as offers_on_sale
    except ImportError:
        return []
    from insurers.records import claim_records

    regions = {r.code: r.name for r in Region.objects.all()}
    offers = offers_on_sale()
    records = claim_records({offer.product.insurer_id for offer in offers})
    return sorted((_card(offer, regions, records.get(offer.product.insurer_id)) for offer in offers),
                  key=lambda p: (p.kind != "osms", p.annual_premium_tiyn, p.insurer_name, p.code))


def _card(offer, regions: dict, record=None) -> ProductCard:
    product, version = offer.product, offer.version
    return ProductCard(insurer_code=product.insurer.code, insurer_name=product.insurer.name, code=product.code,
                       name=product.name, kind=product.kind, annual_premium_tiyn=version.annual_premium_tiyn,
                       limits={b.benefit: b.limit_tiyn for b in offer.benefits},
                       regions=tuple(regions.get(c, c) for c in version.regions or ()), record=record,
                       version=version)


@dataclass(frozen=True)
class OwnPrice:
    """What the signed-in citizen would pay for a year of a product starting today, after their own subsidy."""

    subsidy: str
    due: str
    serves_region: bool


def own_prices(user, products: list[ProductCard]) -> dict[str, OwnPrice] | None:
    """product key → the signed-in citizen's own price; None for anyone who is not a signed-in citizen."""
    from insurers.pricing import PricingTableMissing, quote
    from policies.eligibility import insured_on
    from qalqan.orgs.principal import principal_for_user

    principal = principal_for_user(user) if user.is_authenticated else None
    if principal is None or principal.kind != "citizen":
        return None
    person, day = principal.person, today()
    insured = insured_on(person, day)
    prices = {}
    for product in products:
        try:
            q = quote(product.version, birth_date=person.birth_date, sex=person.sex, day=day, insured=insured)
        except PricingTableMissing:
            continue
        prices[product.key] = OwnPrice(subsidy=format_tiyn(q.subsidy_tiyn), due=format_tiyn(q.due_tiyn),
                                       serves_region=product.version.serves_region(person.region))
    return prices


def product_by_key(products: list[ProductCard], key: str) -> ProductCard | None:
    return next((p for p in products if p.key == key), None)


MAX_COMPARED = 4


def products_chosen(products: list[ProductCard], keys: list[str]) -> list[ProductCard]:
    """The products the visitor ticked (at most four); the first three when none are ticked."""
    chosen = [p for p in products if p.key in set(keys)]
    return (chosen or products[:3])[:MAX_COMPARED]


@dataclass
class ComparisonRow:
    label: str
    package: str
    cells: list[str]


def comparison_rows(products: list[ProductCard]) -> list[ComparisonRow]:
    """One row per benefit any of the products covers (in reference-table order), one cell per product."""
    if not products:
        return []
    codes = set().union(*(p.limits for p in products))
    benefits = {b.code: b for b in Benefit.objects.valid_on(today()).filter(code__in=codes)}
    order = sorted(codes, key=lambda c: (_package_rank(benefits.get(c)), c))
    rows = []
    for code in order:
        benefit = benefits.get(code)
        rows.append(ComparisonRow(
            label=benefit.name if benefit else code,
            package=benefit.get_package_display() if benefit else "",
            cells=[format_tiyn(p.limits[code]) if code in p.limits else str(_("not covered")) for p in products],
        ))
    return rows


def _package_rank(benefit) -> int:
    return PACKAGE_ORDER.index(benefit.package) if benefit else len(PACKAGE_ORDER)
