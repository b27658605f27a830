import pytest

from qalqan.people.models import Person
from tests.conftest import person_row, person_rows

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_api(anonymous):
    schema = anonymous.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/fund/people" in schema["paths"]
    body = schema["paths"]["/api/v1/fund/people"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["maxItems"] == 10_000 and "iin" in body["items"]["properties"]


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/v1/no-such-thing", 404),
    ("get", "/api/v1/no-such-thing/", 404),
    ("delete", "/api/v1/fund/people", 405),
])
def test_unknown_paths_and_methods_answer_problem_json(fund, method, path, status):
    response = getattr(fund.api, method)(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_unexpected_errors_are_500_problem_json(fund, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("qalqan.people.api.people_upsert", boom)
    response = fund.api.post("/fund/people", [person_row()])
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "kaboom" not in response.content.decode()


def test_cursor_pagination_walks_every_row_once(fund, refdata):
    rows = person_rows(25)
    fund.api.post("/fund/people", rows)
    seen, cursor = [], None
    while True:
        page = fund.api.get("/fund/people", {"limit": 10, **({"cursor": cursor} if cursor else {})}).json()
        seen += [p["iin"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(r["iin"] for r in rows) and len(seen) == len(set(seen))


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"cursor": "!!notours"}])
def test_bad_page_parameters_are_422(fund, params):
    response = fund.api.get("/fund/people", params)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_person_by_iin_is_found_or_404_or_422(fund, make_person):
    person = make_person()
    assert fund.api.get(f"/fund/people/{person.iin}").json()["iin"] == person.iin
    assert fund.api.get("/fund/people/900101300007").status_code == 404
    assert fund.api.get("/fund/people/900101300008").status_code == 422
    assert Person.objects.count() == 1
