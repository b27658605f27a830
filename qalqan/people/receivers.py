"""When registry rows change: match payments held in suspense for their ИИН, and recompute their status."""
from django.dispatch import receiver

from .signals import persons_changed
from .status import status_recompute_on_commit


@receiver(persons_changed, dispatch_uid="people.contributions_on_persons_changed")
def on_persons_changed(sender, person_ids, created_iins=(), **kwargs):
    from .tasks import contributions_match

    if created_iins:
        from .models import Contribution, Person

        iins = set(Contribution.objects.filter(in_suspense=True, iin__in=list(created_iins))
                   .values_list("iin", flat=True))
        if iins:
            contributions_match.delay(list(Person.objects.filter(iin__in=iins).values_list("pk", flat=True)))
    status_recompute_on_commit(person_ids)
