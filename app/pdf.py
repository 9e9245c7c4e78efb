"""The one PDF printer (exports, people's voice papers, statement reports use it)."""

from __future__ import annotations

import threading

from weasyprint import HTML
from weasyprint.urls import URLFetcher

# Pango and fontconfig are not made for many threads at once; one PDF at a time also
# bounds the memory a burst of downloads can take.
_pdf_lock = threading.Lock()


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF of a stand-alone HTML document that fetches nothing."""
    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    with _pdf_lock:
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
