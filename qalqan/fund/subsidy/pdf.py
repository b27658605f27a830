"""An insurer's subsidy statement for one run as PDF (WeasyPrint), from fund/subsidy/statement.html."""
from django.template.loader import render_to_string
from django.utils import timezone

from qalqan.core.pdf import html_to_pdf


def statement_pdf(statement: dict) -> bytes:
    html = render_to_string("fund/subsidy/statement.html", {"statement": statement, "generated_at": timezone.now()})
    return html_to_pdf(html, stylesheet="pdf/report.css")
