"""Who is calling: one value for API tokens and signed-in users alike."""
from dataclasses import dataclass

from .models import Organisation


@dataclass(frozen=True)
class Principal:
    kind: str  # "fund" | "insurer" | "clinic" | "citizen"
    organisation: Organisation | None = None
    person: "object | None" = None  # people.Person for citizens
    role: str = ""
    token_id: int | None = None

    @property
    def org_id(self) -> int | None:
        return self.organisation.pk if self.organisation else None

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person else None

    @property
    def identity(self) -> str:
        """A stable key for per-caller records (idempotency, rate limits)."""
        return f"org:{self.org_id}" if self.organisation else f"person:{self.person_id}"

    @property
    def actor(self) -> str:
        """What audit rows record as `by`."""
        return self.organisation.code if self.organisation else f"citizen:{self.person_id}"


def principal_for_user(user) -> Principal | None:
    """The principal of a signed-in web user: staff via membership, citizen via their person."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is not None:
        org = membership.organisation
        return Principal(kind=org.kind, organisation=org, role=membership.role)
    person = getattr(user, "person", None)
    if person is not None:
        return Principal(kind="citizen", person=person)
    return None
