"""HTML to PDF with WeasyPrint, keeping per thread what is the same for every document.

A fresh `FontConfiguration` loads the fontconfig font set again (≈ 15 ms of a ≈ 150 ms policy render) and a
`<style>` element is parsed again for every document; here both are made once per thread and reused. Per
thread, not per process: Pango's font map and WeasyPrint's caches on it are not meant for concurrent use.
The stylesheet is a template (next to the document's template) rendered without context; its parsed form is
kept by the rendered text, so an edited stylesheet is parsed afresh, never served stale.
"""
import logging
import threading

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per render step otherwise

_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
        _per_thread.stylesheets = {}
    return _per_thread.font_config


def _stylesheet(template_name: str) -> CSS:
    font_config = _font_config()
    text = render_to_string(template_name)
    sheet = _per_thread.stylesheets.get(text)
    if sheet is None:
        sheet = _per_thread.stylesheets[text] = CSS(string=text, font_config=font_config)
    return sheet


def html_to_pdf(html: str, *, stylesheet: str | None = None, base_url: str | None = None) -> bytes:
    """The PDF of `html`, styled by the template `stylesheet` (a CSS file) besides any `<style>` it holds."""
    stylesheets = [_stylesheet(stylesheet)] if stylesheet else []
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets, font_config=_font_config())
