from django import template

from qalqan.core.money import format_tiyn

from .. import labels

register = template.Library()


@register.filter
def tiyn(value) -> str:
    return format_tiyn(int(value or 0))


@register.filter
def reason_label(reason) -> str:
    return labels.reason_label(reason)


@register.filter
def reason_note(reason) -> str:
    return labels.reason_note(reason)


@register.filter
def flag_label(code) -> str:
    return labels.flag_label(code)


@register.filter
def state_label(code) -> str:
    return labels.state_label(code)


@register.filter
def settlement_state(code) -> str:
    return labels.state_label(f"settlement:{code}")
