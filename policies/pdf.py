"""The policy document as PDF (WeasyPrint): Kazakh, Russian and English side by side, holder (masked),
insurer, number, term, benefits and limits, and a QR code (segno) opening the public verification.

The QR code is a one-pixel-per-module PNG shown unsmoothed (`image-rendering: pixelated`): as sharp as the
SVG it replaced, and WeasyPrint embeds it as is instead of parsing and drawing a path of a thousand segments
(≈ 20 ms of each render). It is 8-bit greyscale, which WeasyPrint takes as it is (a 1-bit PNG, segno's own,
is converted to RGB and encoded again), and it is kept per verification address: encoding it (choosing the
best of eight masks) takes ≈ 4 ms, a tenth of a render, and a holder downloads the same policy again."""
import base64
import functools
import io
from datetime import timedelta

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from policies.models import Policy
from qalqan.core.money import format_tiyn
from qalqan.core.pdf import html_to_pdf
from qalqan.refdata.models import Benefit


def status_words(status: str) -> str:
    """The policy's status in the document's three languages: Kazakh · Russian · English."""
    label = Policy.Status(status).label
    words = []
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            words.append(str(label))
    return " · ".join(words)


def verification_url(number: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/api/v1/policies/verify/{number}"


@functools.lru_cache(maxsize=1024)
def verification_qr(url: str) -> str:
    """A data: URI of the QR code of `url`: a PNG of one grey level byte per module, a module of margin."""
    qr = segno.make_qr(url, error="m")
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=1, border=1)]
    png = io.BytesIO()
    Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows)).save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()


def policy_pdf_context(policy) -> dict:
    items = list(policy.benefits.all())
    names = {b.code: b for b in Benefit.objects.filter(code__in=[pb.benefit for pb in items])}
    benefits = [{
        "code": pb.benefit,
        "name_kk": names[pb.benefit].name_kk if pb.benefit in names else pb.benefit,
        "name_ru": names[pb.benefit].name_ru if pb.benefit in names else pb.benefit,
        "name_en": names[pb.benefit].name_en if pb.benefit in names else pb.benefit,
        "limit": format_tiyn(pb.limit_tiyn), "used": format_tiyn(pb.used_tiyn),
        "remaining": format_tiyn(pb.remaining_tiyn),
    } for pb in items]
    url = verification_url(policy.number)
    return {
        "policy": policy, "holder": policy.holder.masked_name, "holder_iin": policy.holder.masked_iin,
        "insurer": policy.insurer.name, "product": policy.version.product.name,
        "kind": policy.kind, "status": status_words(policy.status), "valid_from": policy.start_date, "valid_until": policy.end_date - timedelta(days=1),
        "face_value": format_tiyn(policy.face_value_tiyn), "subsidy": format_tiyn(policy.subsidy_tiyn),
        "premium": format_tiyn(policy.premium_tiyn + policy.topups_tiyn), "benefits": benefits,
        "verify_url": url, "qr": verification_qr(url),
    }


def policy_pdf(policy) -> bytes:
    html = render_to_string("policies/policy_pdf.html", policy_pdf_context(policy))
    return html_to_pdf(html, stylesheet="policies/policy_pdf.css")
