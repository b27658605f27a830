"""Every transition of Application, Policy and TopUp: allowed from its sources, refused from the others."""
from datetime import date

import pytest
from django_fsm import TransitionNotAllowed

from policies.models import Application, Policy, TopUp

from .conftest import apply

DAY = date(2026, 6, 1)

POLICY_TRANSITIONS = {
    "await_payment": ({"deadline": DAY}, ["issued"], "awaiting_payment"),
    "activate": ({"at": None}, ["issued", "awaiting_payment"], "active"),
    "suspend": ({}, ["active"], "suspended"),
    "resume": ({}, ["suspended"], "active"),
    "expire": ({"on": DAY}, ["active", "suspended"], "expired"),
    "cancel": ({"on": DAY}, ["issued", "awaiting_payment", "active", "suspended"], "cancelled"),
    "transfer": ({"on": DAY}, ["active"], "transferred"),
}
APPLICATION_TRANSITIONS = {
    "submit": ({}, ["draft"], "submitted"),
    "approve": ({"at": None}, ["submitted"], "approved"),
    "reject": ({"at": None, "reasons": [{"code": "x", "message": "y"}]}, ["submitted"], "rejected"),
}
TOPUP_TRANSITIONS = {
    "pay": ({}, ["requested"], "paid"),
    "apply": ({"at": None}, ["paid"], "applied"),
    "cancel": ({}, ["requested", "paid"], "cancelled"),
}


def _cases(table, states) -> list:
    return [pytest.param(name, kwargs, state, target if state in sources else None, id=f"{name}-from-{state}")
            for name, (kwargs, sources, target) in table.items() for state in states]


def _at(model, pk, state):
    model.objects.filter(pk=pk).update(status=state)
    return model.objects.get(pk=pk)


@pytest.fixture
def a_policy(insured_citizen, products):
    return Policy.objects.get(number=apply(insured_citizen, "gold")["policy"])


@pytest.mark.parametrize("name, kwargs, state, target", _cases(POLICY_TRANSITIONS, Policy.Status.values))
def test_policy_transition(a_policy, name, kwargs, state, target):
    policy = _at(Policy, a_policy.pk, state)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(policy, name)(**kwargs)
    else:
        getattr(policy, name)(**kwargs)
        assert policy.status == target


@pytest.mark.parametrize("name, kwargs, state, target", _cases(APPLICATION_TRANSITIONS, Application.Status.values))
def test_application_transition(a_policy, name, kwargs, state, target):
    application = _at(Application, a_policy.application_id, state)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(application, name)(**kwargs)
    else:
        getattr(application, name)(**kwargs)
        assert application.status == target


@pytest.mark.parametrize("name, kwargs, state, target", _cases(TOPUP_TRANSITIONS, TopUp.Status.values))
def test_topup_transition(a_policy, name, kwargs, state, target):
    Policy.objects.filter(pk=a_policy.pk).update(status="active")
    topup = TopUp.objects.create(policy=a_policy, amount_tiyn=100, limit_raise_tiyn=100)
    topup = _at(TopUp, topup.pk, state)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(topup, name)(**kwargs)
    else:
        getattr(topup, name)(**kwargs)
        assert topup.status == target


def test_refused_transition_over_the_api_is_409_with_the_state(insured_citizen, products):
    number = apply(insured_citizen, "basic")["policy"]
    Policy.objects.filter(number=number).update(status="expired")
    r = insured_citizen.api.post(f"/citizen/policies/{number}/cancel")
    assert r.status_code == 409 and r.json()["state"] == "expired"
    assert Policy.objects.get(number=number).status == "expired"
