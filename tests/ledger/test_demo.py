from qalqan.ledger.demo import demo_load
from qalqan.ledger.models import Account


def test_demo_chart_of_accounts_is_idempotent(insurer, clinic):
    demo_load()
    count = Account.objects.count()
    demo_load()
    assert Account.objects.count() == count
    assert Account.objects.get(code="insurer:insurer-a:premium").owner == insurer.organisation
    assert Account.objects.get(code="clinic:clinic-a:receivable").owner == clinic.organisation
    assert Account.objects.get(code="budget:mio:astana").may_go_negative
    assert not Account.objects.get(code="pool:osms").may_go_negative
    assert Account.objects.filter(code__startswith="payer:").count() == 5
