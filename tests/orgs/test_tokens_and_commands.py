from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qalqan.core.kzid import validate_bin
from qalqan.orgs.models import ApiToken, Organisation
from qalqan.orgs.services import hash_token, token_issue
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_org_then_issue_token_prints_it_last_and_stores_only_its_hash():
    run("create_org", "--kind", "insurer", "--code", "ins-x", "--name", "Insurer X")
    org = Organisation.objects.get(code="ins-x")
    assert validate_bin(org.bin)  # insurers carry a valid БИН, derived when none is given

    token = run("issue_token", "--org", "ins-x").strip().splitlines()[-1]

    stored = ApiToken.objects.get(organisation=org)
    assert stored.key_hash == hash_token(token) and token not in (stored.key_hash, stored.prefix)
    response = ApiClient(token).get("/fund/people")
    assert response.status_code == 403  # authenticated as an insurer, not the fund


def test_create_org_is_idempotent_and_refuses_a_kind_change():
    run("create_org", "--kind", "clinic", "--code", "c1", "--name", "One")
    run("create_org", "--kind", "clinic", "--code", "c1", "--name", "One renamed")
    assert Organisation.objects.get(code="c1").name == "One renamed"
    with pytest.raises(CommandError, match="exists as a clinic"):
        run("create_org", "--kind", "insurer", "--code", "c1", "--name", "x")
    with pytest.raises(CommandError, match="БИН"):
        run("create_org", "--kind", "clinic", "--code", "c2", "--name", "x", "--bin", "123")


def test_issue_token_for_a_citizen_needs_a_registered_iin(make_person):
    person = make_person()
    token = run("issue_token", "--iin", person.iin).strip().splitlines()[-1]
    assert ApiToken.objects.get(key_hash=hash_token(token)).person == person
    with pytest.raises(CommandError):
        run("issue_token", "--iin", "900101300007")
    with pytest.raises(CommandError):
        run("issue_token", "--org", "nobody")


def test_revoked_and_expired_tokens_are_401(fund):
    expired = token_issue(organisation=fund.organisation, expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(expired).get("/fund/people").status_code == 401
    assert fund.api.get("/fund/people").status_code == 200
    run("revoke_token", fund.token)
    response = fund.api.get("/fund/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "revoked" in response.json()["detail"]


def test_last_used_is_recorded(fund):
    fund.api.get("/fund/people")
    assert ApiToken.objects.get(key_hash=hash_token(fund.token)).last_used_at is not None


def test_org_without_bin_is_refused_by_the_database():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Organisation.objects.create(kind="clinic", code="nobin", name="x", bin=None)
