"""Product reads shared by the API and pages (the public marketplace page renders marketplace_products())."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from .models import Product, ProductBenefit, ProductVersion


@dataclass(frozen=True)
class Offer:
    product: Product
    version: ProductVersion

    @property
    def benefits(self) -> list[ProductBenefit]:
        return list(self.version.benefits.all())


def _with_versions(queryset, day: date):
    versions = (ProductVersion.objects.filter(valid_from__lte=day).order_by("-valid_from", "-number")
                .prefetch_related("benefits"))
    return queryset.select_related("insurer").prefetch_related(Prefetch("versions", queryset=versions))


def _offers(queryset, day: date) -> list[Offer]:
    offers = []
    for product in _with_versions(queryset, day):
        versions = list(product.versions.all())
        if versions:
            offers.append(Offer(product=product, version=versions[0]))
    return offers


def marketplace_products(*, day: date | None = None, kind: str | None = None, region: str | None = None) -> list[Offer]:
    """Active products of every insurer with the version on sale on `day` (default today)."""
    day = day or timezone.localdate()
    queryset = Product.objects.filter(is_active=True, insurer__kind="insurer")
    if kind:
        queryset = queryset.filter(kind=kind)
    offers = _offers(queryset.order_by("kind", "insurer__name", "code"), day)
    if region:
        offers = [o for o in offers if o.version.serves_region(region)]
    return offers


def products_of(organisation, *, day: date | None = None) -> list[Offer]:
    """An insurer's own products (active or not), scoped to that organisation."""
    day = day or timezone.localdate()
    return _offers(Product.objects.filter(insurer=organisation).order_by("code"), day)


def offer_for(*, product_code: str, insurer_code: str | None = None, day: date | None = None) -> Offer | None:
    """The active product on sale by code (and insurer when several insurers use the code)."""
    day = day or timezone.localdate()
    queryset = Product.objects.filter(is_active=True, code=product_code, insurer__kind="insurer")
    if insurer_code:
        queryset = queryset.filter(insurer__code=insurer_code)
    offers = _offers(queryset.order_by("insurer__code"), day)
    return offers[0] if len(offers) == 1 else None


def own_product(organisation, code: str) -> Product | None:
    """One of this insurer's products by code (None for another insurer's: the page answers 404)."""
    return Product.objects.filter(insurer=organisation, code=code).first()


def own_offer(organisation, code: str, *, day: date | None = None) -> Offer | None:
    """This insurer's product with its version on sale on `day` (or its latest, when none is on sale yet)."""
    product = own_product(organisation, code)
    if product is None:
        return None
    version = (product.version_on(day or timezone.localdate())
               or product.versions.order_by("-valid_from", "-number").first())
    return Offer(product=product, version=version) if version else None
