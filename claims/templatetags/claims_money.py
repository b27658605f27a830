from django import template

from qalqan.core.money import format_tiyn

register = template.Library()


@register.filter
def tiyn(value) -> str:
    return format_tiyn(int(value or 0))
