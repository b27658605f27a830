"""The citizen's notification settings page: my channel and e-mail, CSRF, only my own record, three languages."""
import pytest
from django.test import Client

from qalqan.people.models import Person

from .test_pages import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(citizen):
    client = Client()
    sign_in(client, citizen.person)
    return client


def test_the_page_shows_my_current_choice_with_labels(signed_in, citizen):
    r = signed_in.get("/en/my/notifications/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="sms"' in html and 'checked' in html.split('value="sms"')[1].split(">")[0]
    assert '<label for="id_email">' in html and "csrfmiddlewaretoken" in html
    assert citizen.person.phone[-4:] in html and citizen.person.phone not in html


def test_saving_changes_my_preference_only(signed_in, citizen, other_citizen):
    r = signed_in.post("/en/my/notifications/", {"notify_channel": "email", "email": "erlan@example.kz"})
    assert r.status_code == 302 and r["Location"].endswith("/my/notifications/")
    me = Person.objects.get(pk=citizen.person.pk)
    assert (me.notify_channel, me.email) == ("email", "erlan@example.kz")
    other = Person.objects.get(pk=other_citizen.person.pk)
    assert (other.notify_channel, other.email) == ("sms", "")
    assert "Your notification settings are saved." in signed_in.get("/en/my/notifications/").content.decode()


def test_another_citizen_cannot_change_mine(citizen, other_citizen):
    client = Client()
    sign_in(client, other_citizen.person)
    # the form takes no person: whatever is posted changes the signed-in citizen's own record
    r = client.post("/en/my/notifications/", {"notify_channel": "push", "email": "", "person": citizen.person.pk,
                                              "iin": citizen.person.iin})
    assert r.status_code == 302
    assert Person.objects.get(pk=citizen.person.pk).notify_channel == "sms"
    assert Person.objects.get(pk=other_citizen.person.pk).notify_channel == "push"


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_changes(client, citizen):
    r = client.post("/en/my/notifications/", {"notify_channel": "push"})
    assert r.status_code == 302 and "/my/sign-in/" in r["Location"]
    assert Person.objects.get(pk=citizen.person.pk).notify_channel == "sms"


def test_email_channel_without_an_address_is_refused_with_a_message(signed_in, citizen):
    r = signed_in.post("/en/my/notifications/", {"notify_channel": "email", "email": ""})
    assert r.status_code == 200 and "Give an e-mail address to get messages by e-mail." in r.content.decode()
    r = signed_in.post("/en/my/notifications/", {"notify_channel": "sms", "email": "nonsense"})
    assert r.status_code == 200 and 'id="id_email"' in r.content.decode()
    assert Person.objects.filter(pk=citizen.person.pk, notify_channel="sms", email="").exists()


def test_a_post_without_the_csrf_token_changes_nothing(citizen):
    client = Client(enforce_csrf_checks=True)
    sign_in_client = Client()
    sign_in(sign_in_client, citizen.person)
    client.cookies = sign_in_client.cookies  # the same session, but no CSRF token in the form
    r = client.post("/en/my/notifications/", {"notify_channel": "push"})
    assert r.status_code == 403
    assert Person.objects.get(pk=citizen.person.pk).notify_channel == "sms"


@pytest.mark.parametrize(("language", "text"), [("kk", "Хабарламаларды жіберу тәсілі"), ("ru", "Присылать сообщения через")])
def test_the_page_speaks_kazakh_and_russian(signed_in, language, text):
    r = signed_in.get(f"/{language}/my/notifications/")
    assert r.status_code == 200 and text in r.content.decode()
