"""HTML → PDF with WeasyPrint; static files are read from disk, nothing is fetched over the network.
Made PDFs are kept on disk (cached_pdf): WeasyPrint is slow next to rendering the HTML the cache is keyed on."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import weasyprint
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC = Path(__file__).parent.parent / "static"  # quizapp/static, what the app serves at /static/
BASE = "https://quizapp.local/"

log = logging.getLogger(__name__)


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


def cached_pdf(html: str, directory: Path, owner: str, make: Callable[[str], bytes] = html_to_pdf,
               max_files: int = 5000) -> tuple[bytes, bool]:
    """The PDF of `html`, from `directory` if it was made before, else made and stored: (bytes, from cache).

    Files, not worker memory, so that every gunicorn worker (and a restart) reuses a PDF any of them made.
    The name is `<owner>-<digest>.pdf`, the digest that of the HTML (styles included) and the WeasyPrint
    version, so anything that changes the document (a plan ticked off, a renamed account, a deploy) makes a
    new file and a stale PDF is never served. Writes go to a temporary file renamed into place, atomic on
    one filesystem: a worker reads a whole PDF or none, and two workers making the same one both write the
    same bytes. Storing a new file removes the owner's older ones, so an owner (an attempt) keeps one, and
    beyond `max_files` (some 50 kB each) the longest-made go, so the folder stays bounded.
    The disk is a cache only: if it cannot be read or written the PDF is made and served all the same."""
    digest = hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()[:32]
    path = directory / f"{owner}-{digest}.pdf"
    try:
        return path.read_bytes(), True
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("PDF cache not readable (%s); making the PDF again", error)
    pdf = make(html)
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pdf")
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, path)
        temporary = None
        for old in directory.glob(f"{owner}-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
        _keep_newest(directory, max_files)
    except OSError as error:
        log.warning("PDF cache not writable (%s); served without keeping it", error)
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return pdf, False


def _keep_newest(directory: Path, max_files: int) -> None:
    """Delete the PDFs made longest ago beyond `max_files` (a listing of the folder once per PDF made)."""
    files = []
    for file in directory.glob("*.pdf"):
        try:
            files.append((file.stat().st_mtime, file))
        except FileNotFoundError:  # another worker removed it meanwhile
            pass
    for _, file in sorted(files, reverse=True)[max_files:]:
        file.unlink(missing_ok=True)
