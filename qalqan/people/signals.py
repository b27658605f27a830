from django.dispatch import Signal

# Sent after commit when registry rows were created or changed.
# kwargs: person_ids (list[int]), created_iins (list[str])
persons_changed = Signal()
