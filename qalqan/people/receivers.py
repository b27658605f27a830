"""When registry rows change: match payments held in suspense for their ИИН, and recompute their status."""
from django.dispatch import receiver

from .signals import persons_changed
from .status import status_recompute_on_commit


@receiver(persons_changed, dispatch_uid="people.contributions_on_persons_changed")
def on_persons_changed(sender, person_ids, created_iins=(), **kwargs):
    from .contributions import suspense_person_ids
    from .tasks import contributions_match

    if created_iins:
        matched = suspense_person_ids(iins=created_iins)
        if matched:
            contributions_match.delay(matched)
    status_recompute_on_commit(person_ids)
