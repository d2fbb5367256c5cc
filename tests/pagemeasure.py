"""Measuring pages of a PDF as a reader sees them: the share of the type area left white, the smallest
glyph, read back with pypdfium2 (independent of ReportLab and of our writer)."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from briefing.page.geometry import PageGeometry

GAP = 30.0  # pt: a blank band at least this tall is white left on the page (a line gap is not)
SCALE = 2.0  # pixels a point: bands are measured to half a point


@dataclass(frozen=True)
class PageMeasure:
    white: float  # share of the type area's height in blank bands of at least GAP
    smallest: float  # pt, the smallest glyph (0 when the page has no text)
    text: str


def measure_pages(pdf: Path, geometry: PageGeometry = PageGeometry()) -> list[PageMeasure]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [_measure(doc[index], geometry) for index in range(len(doc))]
    finally:
        doc.close()


def _measure(page: pdfium.PdfPage, geometry: PageGeometry) -> PageMeasure:
    image = page.render(scale=SCALE, grayscale=True).to_pil()
    top, bottom = round(geometry.top * SCALE), round((geometry.size[1] - geometry.bottom) * SCALE)
    left, right = round(geometry.left * SCALE), round((geometry.size[0] - geometry.right) * SCALE)
    pixels = image.load()
    inked = [any(pixels[x, y] < 235 for x in range(left, right)) for y in range(top, bottom)]
    white, run = 0, 0
    for ink in [*inked, True]:
        if ink:
            white += run if run >= GAP * SCALE else 0
            run = 0
        else:
            run += 1
    textpage = page.get_textpage()
    sizes = [pdfium_c.FPDFText_GetFontSize(textpage.raw, index) for index in range(textpage.count_chars())
             if not textpage.get_text_range(index, 1).isspace()]
    return PageMeasure(white / len(inked), min(sizes, default=0.0), textpage.get_text_range())
