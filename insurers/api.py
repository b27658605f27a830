from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from qalqan.api.auth import insurer_auth, principal_from_request
from qalqan.api.errors import Unprocessable

from .pricing import PricingTableMissing, quote
from .records import ClaimRecord, claim_records
from .selectors import Offer, marketplace_products, products_of
from .services import BenefitIn, product_publish

router = Router(tags=["insurers: products"])


class BenefitSchema(Schema):
    code: str
    limit_tiyn: int
    waiting_days: int = 0


class ProductIn(Schema):
    code: str = Field(..., pattern=r"^[-a-zA-Z0-9_]{1,64}$")
    name: str = Field(..., min_length=1, max_length=255)
    kind: str
    annual_premium_tiyn: int = 0
    benefits: list[BenefitSchema] = []
    regions: list[str] = []
    min_age: int | None = Field(None, ge=0)
    max_age: int | None = Field(None, ge=0)
    topup_limit_per_tiyn: Decimal | None = None
    valid_from: date | None = None


class BenefitOut(Schema):
    code: str
    limit_tiyn: int
    waiting_days: int


class ClaimRecordOut(Schema):
    decided: int
    approved: int
    approved_pct: int
    paid: int
    avg_days_to_pay: float | None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    insurer: str
    insurer_name: str
    version: int
    annual_premium_tiyn: int
    benefits: list[BenefitOut]
    regions: list[str]
    min_age: int | None
    max_age: int | None
    topup_limit_per_tiyn: Decimal
    valid_from: date
    is_active: bool
    price_tiyn: int | None = None
    subsidy_tiyn: int | None = None
    premium_due_tiyn: int | None = None
    claims_record: ClaimRecordOut | None = Field(
        None, description="the insurer's claim-payment record; null until it has decided a claim")


class ProductList(Schema):
    items: list[ProductOut]
    next_cursor: str | None = None


def record_out(record: ClaimRecord | None) -> dict | None:
    if record is None:
        return None
    return {"decided": record.decided, "approved": record.approved, "approved_pct": record.approved_pct,
            "paid": record.paid, "avg_days_to_pay": record.avg_days_to_pay}


def offer_out(offer: Offer, quoted=None, records: dict | None = None) -> dict:
    p, v = offer.product, offer.version
    body = {
        "id": p.pk, "code": p.code, "name": p.name, "kind": p.kind, "insurer": p.insurer.code,
        "insurer_name": p.insurer.name, "version": v.number, "annual_premium_tiyn": v.annual_premium_tiyn,
        "benefits": [{"code": b.benefit, "limit_tiyn": b.limit_tiyn, "waiting_days": b.waiting_days}
                     for b in v.benefits.all()],
        "regions": v.regions, "min_age": v.min_age, "max_age": v.max_age,
        "topup_limit_per_tiyn": v.topup_limit_per_tiyn, "valid_from": v.valid_from, "is_active": p.is_active,
        "claims_record": record_out((records or {}).get(p.insurer_id)),
    }
    if quoted is not None:
        body.update(price_tiyn=quoted.price_tiyn, subsidy_tiyn=quoted.subsidy_tiyn, premium_due_tiyn=quoted.due_tiyn)
    return body


@router.post("/insurer/products", auth=insurer_auth, response={201: ProductOut},
             summary="Publish a product, or a new version (new price or benefits) of one with the same code")
def publish_product(request, payload: ProductIn):
    version = product_publish(
        insurer=request.principal.organisation, code=payload.code, name=payload.name, kind=payload.kind,
        annual_premium_tiyn=payload.annual_premium_tiyn,
        benefits=[BenefitIn(code=b.code, limit_tiyn=b.limit_tiyn, waiting_days=b.waiting_days)
                  for b in payload.benefits],
        regions=payload.regions, min_age=payload.min_age, max_age=payload.max_age,
        topup_limit_per_tiyn=payload.topup_limit_per_tiyn, valid_from=payload.valid_from)
    return Status(201, offer_out(Offer(product=version.product, version=version)))


@router.get("/insurer/products", auth=insurer_auth, response=ProductList, summary="This insurer's products")
def list_own_products(request):
    return {"items": [offer_out(o) for o in products_of(request.principal.organisation)], "next_cursor": None}


@router.get("/products", response=ProductList,
            summary="The marketplace: active products of all insurers with each insurer's claim-payment record; "
                    "with a citizen token, the price after the caller's own subsidy")
def marketplace(request, kind: str | None = None, region: str | None = None):
    principal = principal_from_request(request)
    person = principal.person if principal is not None and principal.kind == "citizen" else None
    offers = marketplace_products(kind=kind, region=region)
    records = claim_records({o.product.insurer_id for o in offers})
    if person is None:
        return {"items": [offer_out(o, records=records) for o in offers], "next_cursor": None}
    from policies.eligibility import insured_on  # the policies app owns the insurance-status adapter

    today = timezone.localdate()
    insured = insured_on(person, today)
    try:
        items = [offer_out(o, quote(o.version, birth_date=person.birth_date, sex=person.sex, day=today,
                                    insured=insured), records) for o in offers]
    except PricingTableMissing as exc:
        raise Unprocessable(str(exc)) from None
    return {"items": items, "next_cursor": None}
