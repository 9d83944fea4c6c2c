"""The PDF cache (render/pdf.cached_pdf): one file per owner, keyed by the HTML, shared through the disk, and
never a reason for a failed download."""
from __future__ import annotations

import os

import pytest

from quizapp.render.pdf import cached_pdf


class Maker:
    """Stands in for WeasyPrint: counts the PDFs it makes."""

    def __init__(self):
        self.made = 0

    def __call__(self, html: str) -> bytes:
        self.made += 1
        return f"%PDF {html}".encode()


def test_the_same_html_is_made_once_then_read_from_the_disk(tmp_path):
    make = Maker()
    first = cached_pdf("<p>report</p>", tmp_path / "cache", "7", make)
    again = cached_pdf("<p>report</p>", tmp_path / "cache", "7", Maker())  # another worker: only the disk shared
    assert first == (b"%PDF <p>report</p>", False) and again == (first[0], True) and make.made == 1


def test_a_changed_document_is_made_again_and_the_owners_old_file_goes(tmp_path):
    make = Maker()
    cached_pdf("<p>plan: nothing done</p>", tmp_path, "7", make)
    cached_pdf("<p>other attempt</p>", tmp_path, "17", make)  # "17-…" is not one of attempt 7's files
    pdf, cached = cached_pdf("<p>plan: one done</p>", tmp_path, "7", make)
    assert (pdf, cached, make.made) == (b"%PDF <p>plan: one done</p>", False, 3)
    assert sorted(p.read_bytes() for p in tmp_path.iterdir()) == [b"%PDF <p>other attempt</p>", pdf]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_a_cache_that_cannot_be_written_still_serves_the_pdf(tmp_path):
    tmp_path.chmod(0o500)
    try:
        assert cached_pdf("<p>x</p>", tmp_path / "cache", "7", Maker()) == (b"%PDF <p>x</p>", False)
    finally:
        tmp_path.chmod(0o700)


def test_a_cache_path_that_is_a_file_still_serves_the_pdf(tmp_path):
    """Whatever stands where the cache should be (here a file), the PDF is made and served, nothing left over."""
    (tmp_path / "cache").write_text("not a directory")
    assert cached_pdf("<p>x</p>", tmp_path / "cache", "7", Maker()) == (b"%PDF <p>x</p>", False)
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


def test_beyond_its_size_the_cache_drops_the_pdfs_made_longest_ago(tmp_path):
    for n, owner in enumerate(("1", "2", "3")):
        cached_pdf(f"<p>{owner}</p>", tmp_path, owner, Maker(), max_files=2)
        os.utime(tmp_path / next(p.name for p in tmp_path.glob(f"{owner}-*.pdf")), (n, n))  # made in this order
    cached_pdf("<p>4</p>", tmp_path, "4", Maker(), max_files=2)
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["3", "4"]
