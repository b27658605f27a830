"""Product reads shared by the API and pages (the public marketplace page renders marketplace_products())."""
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from qalqan.core.sql import fetch_all_prepared
from qalqan.orgs.models import Organisation

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
    """The active product on sale by code (and insurer when several insurers use the code): each product's
    version on sale on `day` with its product and insurer in one prepared statement (every application asks it),
    then the benefits of the one found (a version's benefits never change: read once per process)."""
    day = day or timezone.localdate()
    sql, parts = _offer_query()
    rows = fetch_all_prepared(sql, [product_code, insurer_code, insurer_code, day])
    if len(rows) != 1:
        return None
    loaded, start = [], 0
    for model, attnames in parts:
        loaded.append(model.from_db(connection.alias, attnames, rows[0][start:start + len(attnames)]))
        start += len(attnames)
    version, product, insurer = loaded
    Product._meta.get_field("insurer").set_cached_value(product, insurer)
    ProductVersion._meta.get_field("product").set_cached_value(version, product)
    _prefetch_benefits(version)
    return Offer(product=product, version=version)


def _prefetch_benefits(version: ProductVersion) -> None:
    """version.benefits.all() answered without a query, as prefetch_related("benefits") leaves it: new objects from
    the rows read once per process for this version (product_publish writes a version's benefits with it, and a
    change of benefits is a new version; ids are never reused, so a version rolled back leaves only an unused
    entry)."""
    benefits = []
    for values in _version_benefit_rows(version.pk):
        benefit = ProductBenefit.from_db(connection.alias, _BENEFIT_FIELDS, values)
        ProductBenefit._meta.get_field("version").set_cached_value(benefit, version)
        benefits.append(benefit)
    queryset = version.benefits.get_queryset()
    queryset._result_cache, queryset._prefetch_done = benefits, True
    version._prefetched_objects_cache = {**getattr(version, "_prefetched_objects_cache", {}), "benefits": queryset}


_BENEFIT_FIELDS = [f.attname for f in ProductBenefit._meta.concrete_fields]
_BENEFITS_SQL = (f"SELECT {', '.join(f.column for f in ProductBenefit._meta.concrete_fields)} "
                 f"FROM {ProductBenefit._meta.db_table} WHERE version_id = %s ORDER BY benefit")


@lru_cache(maxsize=4096)
def _version_benefit_rows(version_id: int) -> tuple[tuple, ...]:
    return tuple(fetch_all_prepared(_BENEFITS_SQL, [version_id]))


@cache
def _offer_query() -> tuple[str, list[tuple[type, list[str]]]]:
    """Each matching product's latest version from `day` (as _offers picks it), at most two rows: one is the offer."""
    parts = [(ProductVersion, "ver"), (Product, "pro"), (Organisation, "ins")]
    columns = ", ".join(f"{alias}.{field.column}" for model, alias in parts for field in model._meta.concrete_fields)
    sql = (f"SELECT DISTINCT ON (ver.product_id) {columns} FROM {ProductVersion._meta.db_table} ver "
           f"JOIN {Product._meta.db_table} pro ON pro.id = ver.product_id "
           f"JOIN {Organisation._meta.db_table} ins ON ins.id = pro.insurer_id "
           "WHERE pro.is_active AND pro.code = %s AND ins.kind = 'insurer' AND (%s::text IS NULL OR ins.code = %s) "
           "AND ver.valid_from <= %s ORDER BY ver.product_id, ver.valid_from DESC, ver.number DESC LIMIT 2")
    return sql, [(model, [f.attname for f in model._meta.concrete_fields]) for model, _ in parts]


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
