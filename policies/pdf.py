"""The policy document as PDF (WeasyPrint): Kazakh, Russian and English side by side, holder (masked),
insurer, number, term, benefits and limits, and a QR code (segno) opening the public verification."""
import logging
from datetime import timedelta

import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from qalqan.core.money import format_tiyn
from qalqan.refdata.models import Benefit

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per render step otherwise


def verification_url(number: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/api/v1/policies/verify/{number}"


def policy_pdf_context(policy) -> dict:
    names = {b.code: b for b in Benefit.objects.filter(code__in=[pb.benefit for pb in policy.benefits.all()])}
    benefits = [{
        "code": pb.benefit,
        "name_kk": names[pb.benefit].name_kk if pb.benefit in names else pb.benefit,
        "name_ru": names[pb.benefit].name_ru if pb.benefit in names else pb.benefit,
        "name_en": names[pb.benefit].name_en if pb.benefit in names else pb.benefit,
        "limit": format_tiyn(pb.limit_tiyn), "used": format_tiyn(pb.used_tiyn),
        "remaining": format_tiyn(pb.remaining_tiyn),
    } for pb in policy.benefits.all()]
    url = verification_url(policy.number)
    return {
        "policy": policy, "holder": policy.holder.masked_name, "holder_iin": policy.holder.masked_iin,
        "insurer": policy.insurer.name, "product": policy.version.product.name,
        "kind": policy.kind, "valid_from": policy.start_date, "valid_until": policy.end_date - timedelta(days=1),
        "face_value": format_tiyn(policy.face_value_tiyn), "subsidy": format_tiyn(policy.subsidy_tiyn),
        "premium": format_tiyn(policy.premium_tiyn + policy.topups_tiyn), "benefits": benefits,
        "verify_url": url, "qr_svg": segno.make(url, error="m").svg_data_uri(scale=3, border=1),
    }


def policy_pdf(policy) -> bytes:
    html = render_to_string("policies/policy_pdf.html", policy_pdf_context(policy))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
