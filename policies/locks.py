"""Row locks for the policy flow, always in one order: payment → policy → top-up → instrument → ledger
accounts (the ledger sorts those by id). Services take locks only through these helpers.

Every lock is FOR NO KEY UPDATE of the row itself: it serialises writers of that row but neither the
foreign-key checks of other transactions that insert rows pointing at it, nor the rows select_related joins
(a FOR UPDATE over a join would lock the insurer's organisation row for every policy at once)."""
from qalqan.payments.models import Payment
from qalqan.people.models import Person

from .models import Policy, TopUp


def lock_person(person_id: int) -> Person:
    """Serialises one person's applications (the overlap check must see the other's policy)."""
    return Person.objects.select_for_update(no_key=True).get(pk=person_id)


def lock_payment_of(subject: str, subject_id: int) -> Payment | None:
    return Payment.objects.select_for_update(no_key=True).filter(subject=subject, subject_id=subject_id).first()


def lock_policy(policy_id: int) -> Policy:
    return Policy.objects.select_for_update(of=("self",), no_key=True).select_related(
        "insurer", "holder", "version__product").get(pk=policy_id)


def lock_topup(topup_id: int) -> TopUp:
    return TopUp.objects.select_for_update(no_key=True).get(pk=topup_id)
