"""Demo: each insurer sells a basic ОСМС product and an extended ОСМС+ДМС one, and some insured people hold
policies (most basic and fully subsidised, some extended and paid from pension savings in the sandbox), so
that the marketplace, the citizen's policies, the insurers' feed and the fund's subsidy run have something
to show. Idempotent: products are published once, and a person who already has a policy gets no other."""
from insurers.models import Product
from insurers.services import BenefitIn, pricing_tables_sync, product_publish
from qalqan.orgs.models import Organisation
from qalqan.people.models import InsuranceStatus
from qalqan.payments.models import Payment
from qalqan.payments.services import payment_start

from .models import Policy
from .services import application_submit

POLICY_HOLDERS = 60  # insured demo people who get a policy
EXTENDED_EVERY = 4  # every fourth of them buys the extended product


def demo_load(report, *, keep_free: list[str] = ()) -> None:
    """`keep_free`: ИИН left without a policy, so a person trying the demo can apply themselves."""
    pricing_tables_sync()
    insurers = list(Organisation.objects.filter(kind=Organisation.Kind.INSURER).order_by("code"))
    for rank, insurer in enumerate(insurers):
        if not Product.objects.filter(insurer=insurer).exists():
            _publish(insurer, premium_tenge=90_000 + 15_000 * rank)
    if not insurers:
        return
    holders = (InsuranceStatus.objects.filter(insured=True).exclude(person__iin__in=keep_free)
               .exclude(person__policies__isnull=False).order_by("person_id")
               .values_list("person_id", flat=True)[:max(0, POLICY_HOLDERS - Policy.objects.count())])
    for n, person_id in enumerate(holders):
        insurer = insurers[n % len(insurers)]
        extended = n % EXTENDED_EVERY == 0
        application = application_submit(person_id=person_id, insurer_code=insurer.code,
                                         product_code="plus" if extended else "basic", by="demo")
        policy = Policy.objects.filter(application=application).first()
        payment = (Payment.objects.filter(subject="policy", subject_id=policy.pk, status=Payment.Status.CREATED)
                   .first() if policy else None)
        if payment is not None:
            payment_start(payment_id=payment.pk, person_id=person_id, provider="pension", by="demo")
    report.policies = Policy.objects.count()


def _publish(insurer: Organisation, *, premium_tenge: int) -> None:
    product_publish(insurer=insurer, code="basic", name=f"{insurer.name}: ОСМС", kind=Product.Kind.OSMS,
                    benefits=[BenefitIn("inpatient", 300_000_000), BenefitIn("kdu", 50_000_000)])
    product_publish(insurer=insurer, code="plus", name=f"{insurer.name}: ОСМС + ДМС", kind=Product.Kind.OSMS_DMS,
                    annual_premium_tiyn=premium_tenge * 100,
                    benefits=[BenefitIn("inpatient", 500_000_000), BenefitIn("kdu", 80_000_000),
                              BenefitIn("dental", 20_000_000, waiting_days=30)])
