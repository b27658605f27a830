from django.contrib.contenttypes.models import ContentType

from .models import StateChange


def history_of(obj) -> list[StateChange]:
    return list(
        StateChange.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    )
