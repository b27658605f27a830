import logging

import pytest

from qalqan.core.masking import mask_iin, mask_name
from qalqan.demo.services import demo_load
from qalqan.orgs.models import ApiToken, Organisation, StaffMembership
from qalqan.people.models import Person


def test_iins_never_reach_a_log_line(caplog):
    logger = logging.getLogger("qalqan.test")
    handler = logging.getHandlerByName("console") if hasattr(logging, "getHandlerByName") else None
    from qalqan.core.logging import MaskIinFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "status asked for %s", ("900101300007",), None)
    MaskIinFilter().filter(record)
    assert record.getMessage() == "status asked for 900101******"
    assert handler is None or any(isinstance(f, MaskIinFilter) for f in handler.filters)
    assert logger  # the project logger config applies the filter on the console handler


def test_masks():
    assert mask_iin("900101300007") == "900101******"
    assert mask_name("Сейітов", "Ерлан", "Асқарұлы") == "Ерлан С. А."


@pytest.mark.django_db
def test_demo_loads_the_story_and_a_second_run_changes_nothing():
    from insurers.models import ProductVersion
    from policies.models import Policy

    from django.utils import timezone

    from qalqan.fund.subsidy.models import SubsidyLine, SubsidyRun

    first = demo_load()
    counts = (Organisation.objects.count(), Person.objects.count(), ApiToken.objects.count(),
              StaffMembership.objects.count(), ProductVersion.objects.count(), Policy.objects.count(),
              SubsidyRun.objects.count(), SubsidyLine.objects.count())
    second = demo_load()
    assert counts == (Organisation.objects.count(), Person.objects.count(), ApiToken.objects.count(),
                      StaffMembership.objects.count(), ProductVersion.objects.count(), Policy.objects.count(),
                      SubsidyRun.objects.count(), SubsidyLine.objects.count())
    # this month's subsidy run pays every subsidised demo policy (activation posts no subsidy), waiting for approval
    run = SubsidyRun.objects.get()
    subsidised = Policy.objects.filter(status="active", subsidy_tiyn__gt=0)
    assert run.period == timezone.localdate().replace(day=1) and run.status == "calculated"
    assert run.policies == subsidised.count() > 0 and run.total_tiyn > 0
    assert set(SubsidyLine.objects.filter(run=run).values_list("policy_id", flat=True)) == set(
        subsidised.values_list("pk", flat=True))
    assert first.subsidy_run == second.subsidy_run == f"{run.period:%Y-%m} calculated: {run.policies} policies"
    assert ProductVersion.objects.filter(product__kind="osms").count() == 3  # a basic product per insurer
    assert ProductVersion.objects.filter(product__kind="osms_dms").count() == 3
    assert first.policies == second.policies == 60
    assert Policy.objects.filter(status="active").count() == 60  # subsidised or paid from pension savings
    assert not Policy.objects.filter(holder__iin=first.sample_citizens[0]).exists()  # left free to apply
    assert Organisation.objects.filter(kind="insurer").count() == 3
    assert Organisation.objects.filter(kind="clinic").count() == 5
    assert Person.objects.count() >= 3000
    assert first.tokens == second.tokens
    # clinics reported services; each state of an event's road is there to look at, once
    from claims.models import InsuredEvent, Settlement

    assert first.claims == second.claims == InsuredEvent.objects.count() == 72
    states = set(InsuredEvent.objects.values_list("status", flat=True))
    assert states >= {"awaiting_patient", "under_review", "approved", "paid", "denied", "disputed"}
    assert Settlement.objects.filter(status="paid").exists()
    awaiting = InsuredEvent.objects.filter(status="awaiting_patient", person__iin__in=first.sample_citizens)
    assert awaiting.exists() == Policy.objects.filter(holder__iin__in=first.sample_citizens, status="active").exists()
