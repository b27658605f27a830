"""The feed's staff pages: endpoints and secrets (fund), deliveries and dead letters (fund: all insurers;
insurer staff: their own), re-delivery, and what a slow, failing or timing-out endpoint looks like there."""
import pytest
from django.test import Client

from qalqan.feed import services
from qalqan.feed.models import EndpointSecret, InsurerEndpoint, OutboxMessage
from qalqan.feed.signing import verify
from tests.staff import staff_client

FEED = "/en/feed/"
DEAD = "/en/feed/dead-letters/"
ENDPOINTS = "/en/feed/endpoints/"


def redeliver_url(message_id: int) -> str:
    return f"{DEAD}{message_id}/redeliver/"


def texts(response) -> list[str]:
    assert response.redirect_chain, "follow the redirect"
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def fund_staff(fund):
    return staff_client(fund.organisation)


@pytest.fixture
def insurer_staff(insurer):
    return staff_client(insurer.organisation)


@pytest.fixture
def registered(fund_staff, insurer, other_insurer, receiver):
    """Both insurers' endpoints point at the local receiver (registered through the page)."""
    for org in (insurer.organisation, other_insurer.organisation):
        response = fund_staff.post(ENDPOINTS, {"insurer": org.code, "url": receiver.url, "is_active": "on"})
        assert response.status_code == 200 and response.context["secret"]
    return receiver


def test_fund_staff_register_an_endpoint_and_see_its_secret_only_once(fund_staff, insurer, receiver):
    assert fund_staff.get(ENDPOINTS).status_code == 200
    response = fund_staff.post(ENDPOINTS, {"insurer": insurer.organisation.code, "url": receiver.url,
                                           "is_active": "on"})
    assert response.status_code == 200
    endpoint = InsurerEndpoint.objects.get(insurer=insurer.organisation)
    secret = EndpointSecret.objects.get(endpoint=endpoint).secret
    assert response.context["secret"] == secret and f'value="{secret}"' in response.content.decode()
    assert endpoint.url == receiver.url and endpoint.is_active

    again = fund_staff.get(ENDPOINTS)
    assert secret not in again.content.decode() and receiver.url in again.content.decode()

    changed = fund_staff.post(ENDPOINTS, {"insurer": insurer.organisation.code, "url": receiver.url + "/v2"})
    assert changed.context["secret"] is None
    assert [str(m) for m in changed.context["messages"]] == [
        f"The endpoint of {insurer.organisation.name} is updated; its secrets are unchanged."]
    endpoint = InsurerEndpoint.objects.get(pk=endpoint.pk)
    assert endpoint.url == receiver.url + "/v2" and not endpoint.is_active
    assert EndpointSecret.objects.filter(endpoint=endpoint).count() == 1


@pytest.mark.parametrize("data", [{"insurer": "insurer-a", "url": "not a url"},
                                  {"insurer": "no-such-insurer", "url": "https://example.test/hooks"},
                                  {"insurer": "fund", "url": "https://example.test/hooks"}])
def test_bad_endpoint_input_is_refused_and_nothing_stored(fund_staff, insurer, data):
    response = fund_staff.post(ENDPOINTS, data)
    assert response.status_code == 422 and response.context["form"].errors
    assert not InsurerEndpoint.objects.exists() and not EndpointSecret.objects.exists()


def test_rotation_shows_the_new_secret_once_and_both_sign_during_the_overlap(fund_staff, insurer, registered,
                                                                               new_policy):
    endpoint = InsurerEndpoint.objects.get(insurer=insurer.organisation)
    old = EndpointSecret.objects.get(endpoint=endpoint).secret
    response = fund_staff.post(f"{ENDPOINTS}{endpoint.pk}/rotate/")
    assert response.status_code == 200
    new = response.context["secret"]
    assert new != old and f'value="{new}"' in response.content.decode()
    assert old not in response.content.decode()
    assert len(next(r for r in response.context["rows"] if r["endpoint"].pk == endpoint.pk)["secrets"]) == 2

    new_policy()
    services.outbox_relay(max_seconds=5)
    request = registered.requests[-1]
    headers = request["headers"]
    for secret in (old, new):
        assert verify(secret=secret, msg_id=headers["webhook-id"], timestamp=int(headers["webhook-timestamp"]),
                      body=request["body"], header=headers["webhook-signature"])
    assert fund_staff.post(f"{ENDPOINTS}999999/rotate/").status_code == 404


def test_the_delivery_page_shows_a_500_a_timeout_and_a_slow_success(settings, fund_staff, insurer_staff, registered,
                                                                    new_policy):
    settings.FEED_TIMEOUT_SECONDS = 0.3
    registered.status = 500
    failed = new_policy()
    assert services.outbox_relay_batch().failed == 1
    registered.status, registered.delay = 200, 1.5  # answers, but too late
    timed_out = new_policy()
    assert services.outbox_relay_batch().failed == 1
    settings.FEED_TIMEOUT_SECONDS = 5
    registered.delay = 0.4  # slow but within the timeout
    slow = new_policy()
    assert services.outbox_relay_batch().delivered == 1

    by_number = {m.payload["number"]: m for m in OutboxMessage.objects.all()}
    for staff in (fund_staff, insurer_staff):
        page = staff.get(FEED)
        assert page.status_code == 200
        html = page.content.decode()
        rows = {m.payload["number"]: m for m in page.context["messages_list"]}
        assert rows.keys() == by_number.keys()
        assert rows[failed.number].last_status == 500 and "HTTP 500: boom" in html
        assert rows[timed_out.number].last_status is None and "timeout after 0.3 s" in html
        assert rows[slow.number].state == "delivered" and rows[slow.number].last_status == 200
        assert html.count("failing (retrying)") >= 2
        assert (page.context["waiting"], page.context["failing"], page.context["dead"]) == (2, 2, 0)

    failing = fund_staff.get(FEED, {"state": "failing"}).context["messages_list"]
    assert {m.payload["number"] for m in failing} == {failed.number, timed_out.number}
    delivered = insurer_staff.get(FEED, {"state": "delivered"}).context["messages_list"]
    assert [m.payload["number"] for m in delivered] == [slow.number]


def test_insurer_staff_redeliver_their_dead_letter_from_the_page(settings, insurer_staff, registered, new_policy):
    settings.FEED_MAX_ATTEMPTS = 1
    registered.status = 503
    new_policy()
    assert services.outbox_relay_batch().dead == 1
    message = OutboxMessage.objects.get()
    page = insurer_staff.get(DEAD)
    assert [m.pk for m in page.context["messages_list"]] == [message.pk]
    html = page.content.decode()
    assert f'action="{redeliver_url(message.pk)}"' in html and "csrfmiddlewaretoken" in html and "HTTP 503" in html

    response = insurer_staff.post(redeliver_url(message.pk), follow=True)
    assert texts(response) == [f"Message {message.event_id} is queued for delivery again."]
    assert OutboxMessage.objects.get().state == "pending"
    registered.status = 200
    assert services.outbox_relay_batch().delivered == 1
    assert insurer_staff.get(DEAD).context["messages_list"].count() == 0

    again = insurer_staff.post(redeliver_url(message.pk), follow=True)
    assert texts(again) == [f"Message {message.event_id} is delivered, not dead: only a dead letter can be "
                            "re-delivered."]
    message = OutboxMessage.objects.get()
    assert message.state == "delivered" and message.attempts == 1
    assert len(set(registered.ids())) == 1  # the same event id both times: the insurer de-duplicates


def test_insurer_staff_see_only_their_own_messages_the_fund_sees_all(settings, fund_staff, insurer_staff, insurer,
                                                                      other_insurer, registered, new_policy):
    settings.FEED_MAX_ATTEMPTS = 1
    registered.status = 500
    own, theirs = new_policy("a"), new_policy("b")
    assert services.outbox_relay_batch().dead == 2
    own_message = OutboxMessage.objects.get(insurer=insurer.organisation)
    their_message = OutboxMessage.objects.get(insurer=other_insurer.organisation)

    for url in (FEED, DEAD):
        shown = {m.payload["number"] for m in insurer_staff.get(url).context["messages_list"]}
        assert shown == {own.number}, url
        assert {m.payload["number"] for m in fund_staff.get(url).context["messages_list"]} == {own.number,
                                                                                                theirs.number}
    assert their_message.payload["number"] not in insurer_staff.get(FEED).content.decode()
    filtered = fund_staff.get(FEED, {"insurer": other_insurer.organisation.code}).context["messages_list"]
    assert [m.pk for m in filtered] == [their_message.pk]

    assert insurer_staff.post(redeliver_url(their_message.pk)).status_code == 404
    assert OutboxMessage.objects.get(pk=their_message.pk).state == "dead"
    assert insurer_staff.post(redeliver_url(999999)).status_code == 404
    assert texts(fund_staff.post(redeliver_url(their_message.pk), follow=True)) == [
        f"Message {their_message.event_id} is queued for delivery again."]
    assert OutboxMessage.objects.get(pk=their_message.pk).state == "pending"
    assert OutboxMessage.objects.get(pk=own_message.pk).state == "dead"


def test_other_staff_are_refused_and_strangers_sent_to_sign_in(fund, insurer, clinic, insurer_staff, registered,
                                                                new_policy):
    new_policy()
    message = OutboxMessage.objects.get()
    endpoint = InsurerEndpoint.objects.get(insurer=insurer.organisation)
    secrets = set(EndpointSecret.objects.values_list("secret", flat=True))
    # insurer staff: not the fund's endpoint pages
    assert insurer_staff.get(ENDPOINTS).status_code == 403
    assert insurer_staff.post(ENDPOINTS, {"insurer": insurer.organisation.code,
                                          "url": "https://evil.test/"}).status_code == 403
    assert insurer_staff.post(f"{ENDPOINTS}{endpoint.pk}/rotate/").status_code == 403
    clinic_staff = staff_client(clinic.organisation)
    for url in (FEED, DEAD, ENDPOINTS):
        assert clinic_staff.get(url).status_code == 403, url
    assert clinic_staff.post(redeliver_url(message.pk)).status_code == 403
    stranger = Client()
    for url in (FEED, DEAD, ENDPOINTS):
        response = stranger.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert stranger.post(f"{ENDPOINTS}{endpoint.pk}/rotate/").status_code == 302
    assert set(EndpointSecret.objects.values_list("secret", flat=True)) == secrets
    assert InsurerEndpoint.objects.get(pk=endpoint.pk).url == registered.url


def test_posts_need_the_csrf_token(settings, insurer, registered, new_policy):
    settings.FEED_MAX_ATTEMPTS = 1
    registered.status = 500
    new_policy()
    services.outbox_relay_batch()
    message = OutboxMessage.objects.get()
    careful = staff_client(insurer.organisation)
    careful.handler.enforce_csrf_checks = True
    assert careful.post(redeliver_url(message.pk)).status_code == 403
    assert OutboxMessage.objects.get().state == "dead"


def test_the_insurer_back_office_links_to_the_feed_pages(insurer_staff):
    html = insurer_staff.get("/en/insurer/").content.decode()
    assert f'href="{FEED}"' in html and f'href="{DEAD}"' in html
