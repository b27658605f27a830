"""The remittance statement as PDF (WeasyPrint), from claims/templates/claims/remittance.html."""
from django.template.loader import render_to_string
from django.utils import timezone

from qalqan.core.pdf import html_to_pdf


def remittance_pdf(statement: dict) -> bytes:
    html = render_to_string("claims/remittance.html", {"statement": statement, "generated_at": timezone.now()})
    return html_to_pdf(html)
