"""An insurer's subsidy statement for one run as PDF (WeasyPrint), from fund/subsidy/statement.html."""
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML


def statement_pdf(statement: dict) -> bytes:
    html = render_to_string("fund/subsidy/statement.html", {"statement": statement, "generated_at": timezone.now()})
    return HTML(string=html).write_pdf()
