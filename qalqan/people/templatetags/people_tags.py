from django import template

from qalqan.core.money import format_tiyn

register = template.Library()


@register.filter
def money(amount_tiyn) -> str:
    """12345678 → '123 456,78 ₸'."""
    return "" if amount_tiyn in (None, "") else format_tiyn(int(amount_tiyn))
