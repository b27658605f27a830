"""Citizen sign-in: ИИН + a one-time code sent to the phone in the registry (in the demo the code is in the
notify outbox and the console). Codes live in the cache, hashed, for 5 minutes and 5 tries."""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from qalqan.core.kzid import is_valid_iin
from qalqan.notify.services import notify_send
from qalqan.people.models import Person

CODE_TTL_SECONDS = 300
MAX_TRIES = 5


def _key(person_id: int) -> str:
    return f"signin-code:{person_id}"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def signin_code_send(*, iin: str) -> int | None:
    """Send a code to the person's registered phone; returns the person id (None when no such person or no
    phone — the page says the same thing either way, so it reveals nothing)."""
    if not is_valid_iin(iin):
        return None
    person = Person.objects.filter(iin=iin).exclude(phone="").first()
    if person is None:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(person.pk), {"digest": _digest(code), "tries": 0}, CODE_TTL_SECONDS)
    notify_send(person_id=person.pk, kind="login_code", context={"code": code})
    return person.pk


def signin_code_check(*, person_id: int, code: str) -> bool:
    entry = cache.get(_key(person_id))
    if not entry or entry["tries"] >= MAX_TRIES:
        return False
    if hmac.compare_digest(entry["digest"], _digest(code.strip())):
        cache.delete(_key(person_id))
        return True
    entry["tries"] += 1
    cache.set(_key(person_id), entry, CODE_TTL_SECONDS)
    return False


@transaction.atomic
def citizen_user_for(*, person_id: int):
    """The person's web user (made on first sign-in, with no password: codes only)."""
    person = Person.objects.select_for_update().get(pk=person_id)
    if person.user_id:
        return person.user
    user = get_user_model().objects.create_user(username=f"citizen-{person.pk}")
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user
