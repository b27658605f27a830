from django import template

from qalqan.fund.subsidy.models import SubsidyLine

register = template.Library()


@register.filter
def line_kind(code: str) -> str:
    """A subsidy line's kind code (from a values() row) in words: 'adjustment' → 'Adjustment' in the language."""
    return SubsidyLine.Kind(code).label if code in SubsidyLine.Kind.values else code
