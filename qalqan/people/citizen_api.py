"""Citizen API: my registry record and how I want to be notified (GET/PATCH /citizen/me)."""
from typing import Literal

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from qalqan.api.auth import citizen_auth
from qalqan.api.errors import Unprocessable

from .models import Person
from .preferences import PreferenceRejected, person_preferences_set

router = Router(tags=["citizen: profile"])


class MeOut(Schema):
    iin: str
    last_name: str
    first_name: str
    middle_name: str
    phone: str = Field(description="from the registry; the sign-in code always goes here by SMS")
    email: str
    notify_channel: str = Field(description="sms | email | push; e-mail without an address goes by SMS")


class MePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    notify_channel: Literal["sms", "email", "push"] | None = None
    email: str | None = Field(None, max_length=254, description="an empty string removes it")


def _me(person: Person) -> dict:
    return {"iin": person.iin, "last_name": person.last_name, "first_name": person.first_name,
            "middle_name": person.middle_name, "phone": person.phone, "email": person.email,
            "notify_channel": person.notify_channel}


@router.get("/citizen/me", auth=citizen_auth, response=MeOut, summary="My registry record and notification channel")
def me(request):
    return _me(Person.objects.get(pk=request.principal.person_id))


@router.patch("/citizen/me", auth=citizen_auth, response=MeOut, summary="Change my notification channel or e-mail")
def me_update(request, body: MePatch):
    try:
        person = person_preferences_set(person_id=request.principal.person_id, notify_channel=body.notify_channel,
                                        email=body.email)
    except PreferenceRejected as exc:
        raise Unprocessable(str(exc), errors=[{"field": e["field"], "message": str(e["message"])}
                                              for e in exc.errors]) from None
    return _me(person)
