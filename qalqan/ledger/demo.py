"""Demo chart of accounts: every account shape the platform posts to, for the demo organisations. Idempotent.

The may-go-negative rule: outside money (budget sources, payment clearing, payers) may; what the platform holds
for someone (the pool, fund clearing, insurer premiums, clinic receivables, refunds payable, suspense) may not.
"""
from qalqan.orgs.models import Organisation
from qalqan.refdata import catalogue

from .models import Account
from .services import account_ensure

Kind = Account.Kind

FIXED = [
    ("budget:republican", Kind.BUDGET_SOURCE, "Republican budget", True),
    ("pool:osms", Kind.CONTRIBUTIONS_POOL, "ОСМС contributions pool", False),
    ("fund:clearing", Kind.FUND_CLEARING, "Fund subsidy clearing", False),
    ("clearing:stripe", Kind.PAYMENT_CLEARING, "Card payments (Stripe)", True),
    ("clearing:pension", Kind.PAYMENT_CLEARING, "Pension savings (ЕНПФ)", True),
    ("clearing:bank", Kind.PAYMENT_CLEARING, "Bank transfers", True),
    ("suspense:contributions", Kind.SUSPENSE, "Contributions for ИИН not (yet) in the registry", False),
    ("refunds:payable", Kind.REFUNDS_PAYABLE, "Citizen refunds payable", False),
    *[(f"payer:{kind}", Kind.PAYER_CLEARING, f"Contributions from {kind.replace('_', ' ')}", True)
      for kind in ("employer", "employee", "self_employed", "state", "mio")],
]


def demo_load(report=None) -> None:
    for code, kind, name, may_go_negative in FIXED:
        account_ensure(code=code, kind=kind, name=name, may_go_negative=may_go_negative)
    for region in catalogue.REGIONS:
        account_ensure(code=f"budget:mio:{region['code']}", kind=Kind.BUDGET_SOURCE,
                       name=f"МИО budget: {region['code']}", may_go_negative=True)
    for org in Organisation.objects.filter(kind=Organisation.Kind.INSURER):
        account_ensure(code=f"insurer:{org.code}:premium", kind=Kind.INSURER_PREMIUM, name=org.name, owner=org)
    for org in Organisation.objects.filter(kind=Organisation.Kind.CLINIC):
        account_ensure(code=f"clinic:{org.code}:receivable", kind=Kind.CLINIC_RECEIVABLE, name=org.name, owner=org)
