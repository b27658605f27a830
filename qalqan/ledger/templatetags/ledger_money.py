from django import template

from qalqan.core.money import format_tiyn

register = template.Library()


@register.filter
def tiyn(amount: int) -> str:
    """12345678 → '123 456,78 ₸'."""
    return format_tiyn(int(amount or 0))


@register.filter
def tiyn_abs(amount: int) -> str:
    """-12345678 → '123 456,78 ₸' (for an "out" column)."""
    return format_tiyn(abs(int(amount or 0)))
