from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.page.geometry import PageGeometry
from briefing.page.render import add_page, draw_pages
from briefing.pdf.document import Metadata, PdfDocument

ROOT = Path(__file__).resolve().parents[1]
BRIEFS = ROOT / "briefs"
SEEDS = ROOT / "seeds"
STEMS = ["anhui", "shanghai", "zhejiang"]


def page_texts(pdf_path: Path) -> list[str]:
    """Text of every page, read back with pdfium (independent of ReportLab)."""
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def outline_pages(pdf_path: Path) -> dict[str, int]:
    """Every bookmark's title (nested ones too) and the 0-based index of the page it opens."""
    with pikepdf.open(pdf_path) as pdf:
        page_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
        found: dict[str, int] = {}
        with pdf.open_outline() as outline:
            items = list(outline.root)
            while items:
                item = items.pop(0)
                found[item.title] = page_of[item.destination[0].objgen]
                items = list(item.children) + items
        return found


def part_pages(pdf_path: Path) -> dict[str, int]:
    """The combined report's parts (cover, contents, 一、…, 二、…) keyed by name without their number."""
    return {title.split("、", 1)[-1]: page for title, page in outline_pages(pdf_path).items()}


def pdf_of_flowables(story: list, geometry: PageGeometry = PageGeometry()) -> bytes:
    """Flowables drawn in ``geometry``'s type area and written as our PDFs are (bookmarks too)."""
    bodies = draw_pages(story, geometry)
    buffer = io.BytesIO()
    pdf = PdfDocument(buffer, geometry.size, len(bodies), Metadata("t", "a", "s", [], date(2026, 1, 1)))
    for page, body in enumerate(bodies):
        for mark in body.marks:
            pdf.bookmark(mark.key, page, mark.title, mark.level)
    for body in bodies:
        add_page(pdf, geometry, body, None)
    pdf.close()
    return buffer.getvalue()


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed briefs built once into a temporary out/ folder."""
    out = tmp_path_factory.mktemp("out")
    result = build(discover(BRIEFS), out, BRIEFS / "report.yaml", SEEDS)
    assert result.ok, [str(e) for e in result.errors]
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of briefs/ and seeds/ to edit, with an empty out/."""
    shutil.copytree(BRIEFS, tmp_path / "briefs")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "out").mkdir()
    return tmp_path
