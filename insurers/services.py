"""Product operations. A product is identified by (insurer, code); publishing it again adds a version."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qalqan.api.errors import Unprocessable
from qalqan.refdata.models import Benefit
from qalqan.refdata.selectors import region_codes

from .models import AgeSexCoefficient, BasicTariff, Product, ProductBenefit, ProductVersion
from .tables import sync_tables


@dataclass(frozen=True)
class BenefitIn:
    code: str
    limit_tiyn: int
    waiting_days: int = 0


@transaction.atomic
def product_publish(*, insurer, code: str, name: str, kind: str, annual_premium_tiyn: int = 0,
                    benefits: list[BenefitIn], regions: list[str] | None = None, min_age: int | None = None,
                    max_age: int | None = None, topup_limit_per_tiyn: Decimal | None = None,
                    valid_from: date | None = None) -> ProductVersion:
    """Create a product, or a new version of the insurer's product with this code (a price change never
    touches the versions that sold policies point at).

    Decision: a basic (`osms`) product carrying a premium is refused (422): its price is the fund's
    tariff × coefficient, not the insurer's. Guaranteed issue: a basic product may not set age limits.
    """
    valid_from = valid_from or timezone.localdate()
    regions = sorted(set(regions or []))
    _validate(kind=kind, annual_premium_tiyn=annual_premium_tiyn, benefits=benefits, regions=regions,
              min_age=min_age, max_age=max_age, topup=topup_limit_per_tiyn, day=valid_from)
    product, created = Product.objects.select_for_update().get_or_create(
        insurer=insurer, code=code, defaults={"name": name, "kind": kind})
    if not created:
        if product.kind != kind:
            raise Unprocessable.for_field("kind", f"product {code!r} is a {product.kind} product; kind cannot change")
        product.name, product.is_active = name, True
        product.save(update_fields=["name", "is_active"])
    last = product.versions.order_by("-number").first()
    version = ProductVersion.objects.create(
        product=product, number=(last.number + 1) if last else 1, annual_premium_tiyn=annual_premium_tiyn,
        regions=regions, min_age=min_age, max_age=max_age, valid_from=valid_from,
        topup_limit_per_tiyn=topup_limit_per_tiyn if topup_limit_per_tiyn is not None else Decimal("1"))
    ProductBenefit.objects.bulk_create(
        ProductBenefit(version=version, benefit=b.code, limit_tiyn=b.limit_tiyn, waiting_days=b.waiting_days)
        for b in benefits)
    return version


@transaction.atomic
def product_withdraw(*, product_id: int) -> Product:
    """Stop selling a product (sold policies are untouched)."""
    product = Product.objects.select_for_update().get(pk=product_id)
    product.is_active = False
    product.save(update_fields=["is_active"])
    return product


def _validate(*, kind, annual_premium_tiyn, benefits, regions, min_age, max_age, topup, day) -> None:
    if kind not in Product.Kind.values:
        raise Unprocessable.for_field("kind", f"kind must be one of {', '.join(Product.Kind.values)}")
    if annual_premium_tiyn < 0:
        raise Unprocessable.for_field("annual_premium_tiyn", "the premium cannot be negative")
    if kind == Product.Kind.OSMS and annual_premium_tiyn:
        raise Unprocessable.for_field(
            "annual_premium_tiyn", "a basic (osms) product is priced by the fund; leave the premium 0")
    if kind == Product.Kind.OSMS_DMS and not annual_premium_tiyn:
        raise Unprocessable.for_field("annual_premium_tiyn", "an osms_dms product needs a premium")
    if kind == Product.Kind.OSMS and (min_age is not None or max_age is not None):
        raise Unprocessable.for_field("min_age", "guaranteed issue: a basic product cannot set age limits")
    if min_age is not None and max_age is not None and max_age < min_age:
        raise Unprocessable.for_field("max_age", "max_age is below min_age")
    if topup is not None and topup < 0:
        raise Unprocessable.for_field("topup_limit_per_tiyn", "cannot be negative")
    packages = dict(Benefit.objects.valid_on(day).values_list("code", "package"))
    seen = set()
    for i, b in enumerate(benefits):
        if b.code not in packages:
            raise Unprocessable.for_field(f"benefits.{i}.code", f"unknown benefit code {b.code!r}")
        if kind == Product.Kind.OSMS and packages[b.code] == Benefit.Package.DMS:
            raise Unprocessable.for_field(f"benefits.{i}.code", f"{b.code!r} is a ДМС benefit; use osms_dms")
        if b.code in seen:
            raise Unprocessable.for_field(f"benefits.{i}.code", f"benefit {b.code!r} is listed twice")
        if b.limit_tiyn < 0:
            raise Unprocessable.for_field(f"benefits.{i}.limit_tiyn", "a limit cannot be negative")
        if b.waiting_days < 0:
            raise Unprocessable.for_field(f"benefits.{i}.waiting_days", "cannot be negative")
        seen.add(b.code)
    unknown = set(regions) - region_codes()
    if unknown:
        raise Unprocessable.for_field("regions", f"unknown region(s): {', '.join(sorted(unknown))}")


@transaction.atomic
def pricing_tables_sync() -> None:
    """Reload the starting tariff and coefficient rows (for tests that flush the database)."""
    sync_tables(tariff_model=BasicTariff, coefficient_model=AgeSexCoefficient)
