from collections.abc import Iterable, Iterator
from itertools import islice


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most `size` items (for batch imports)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
