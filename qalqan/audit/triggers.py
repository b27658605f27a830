"""Reusable pgtrigger definitions for append-only tables."""
import pgtrigger


def append_only(name: str = "append_only") -> pgtrigger.Protect:
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)
