"""The pull feed: GET /insurer/policies?updated_since= — this insurer's policies only, keyset cursor."""
from datetime import timedelta

from django.utils import timezone

from policies.models import Policy


def test_feed_is_scoped_to_the_insurer_and_pages_with_a_cursor(insurer, other_insurer, new_policy):
    mine = [new_policy("a") for _ in range(5)]
    theirs = new_policy("b")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = insurer.api.get("/insurer/policies", params).json()
        assert len(page["items"]) <= 2
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [p.number for p in sorted(mine, key=lambda p: (p.updated_at, p.pk))]
    assert theirs.number not in seen
    assert [i["number"] for i in other_insurer.api.get("/insurer/policies").json()["items"]] == [theirs.number]


def test_updated_since_returns_only_later_changes(insurer, new_policy):
    old = new_policy("a")
    Policy.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))
    recent = new_policy("a")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    items = insurer.api.get("/insurer/policies", {"updated_since": since}).json()["items"]
    assert [i["number"] for i in items] == [recent.number]
    assert items[0]["holder"]["iin"] == recent.holder.iin


def test_bad_inputs_are_422_and_callers_are_checked(insurer, fund, anonymous):
    assert insurer.api.get("/insurer/policies", {"updated_since": "yesterday"}).status_code == 422
    assert insurer.api.get("/insurer/policies", {"updated_since": "2026-01-01T00:00:00"}).status_code == 422
    assert insurer.api.get("/insurer/policies", {"cursor": "garbage!"}).status_code == 422
    assert insurer.api.get("/insurer/policies", {"limit": 0}).status_code == 422
    assert fund.api.get("/insurer/policies").status_code == 403
    assert anonymous.get("/insurer/policies").status_code == 401


def test_endpoint_registration(fund, insurer, receiver):
    created = fund.api.post("/fund/insurer-endpoints", {"insurer": insurer.organisation.code, "url": receiver.url})
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    changed = fund.api.post("/fund/insurer-endpoints", {"insurer": insurer.organisation.code,
                                                        "url": receiver.url + "/v2"})
    assert changed.status_code == 200 and changed.json()["secret"] is None
    listed = fund.api.get("/fund/insurer-endpoints").json()
    assert listed[0]["url"].endswith("/v2") and "secret" not in json_keys(listed[0]["secrets"][0])
    assert fund.api.post("/fund/insurer-endpoints", {"insurer": "nobody", "url": receiver.url}).status_code == 422
    assert fund.api.post("/fund/insurer-endpoints", {"insurer": insurer.organisation.code,
                                                     "url": "ftp://x"}).status_code == 422
    assert insurer.api.post("/fund/insurer-endpoints", {"insurer": insurer.organisation.code,
                                                        "url": receiver.url}).status_code == 403
    assert fund.api.post("/fund/insurer-endpoints/999999/rotate").status_code == 404


def json_keys(obj: dict) -> set:
    return set(obj)
