"""HTML → PDF with WeasyPrint; static files are read from disk, nothing is fetched over the network."""
from __future__ import annotations

from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).parent / "static"
BASE = "https://quizapp.local/"


class LocalStaticFetcher(URLFetcher):
    """Serve /static/ from the package and refuse everything else: a PDF makes no outbound requests."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url, headers=None):
        if url.startswith(BASE + "static/"):
            path = (STATIC / url[len(BASE + "static/"):].split("?")[0]).resolve()
            if STATIC.resolve() in path.parents and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise ValueError(f"not fetched while rendering a PDF: {url}")


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE, url_fetcher=LocalStaticFetcher()).write_pdf()
