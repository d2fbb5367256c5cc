"""The 版记: each briefing's own PDF ends with it; the combined report reprints the briefings' pages
without theirs and has one, at the foot of its last page (GB/T 9704). Read back with pypdfium2 (text,
marked content and the structure tree) and pikepdf (the outline)."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from test_pdfa_ua import _tree

from briefing.page.geometry import PageGeometry
from conftest import STEMS, outline_pages, page_texts, squeeze


def _colophon_lines(text: str) -> list[str]:
    """The lines of a page's text that are a 版记's: 报/送/发 lines (starting so: 简报： or 商报： in a
    sentence are not) and the 印发 line."""
    lines = [squeeze(line) for line in text.splitlines()]
    return [line for line in lines if line.startswith(("报：", "送：", "发：")) or "印发" in line]


def test_only_the_report_s_last_page_has_a_colophon_and_each_briefing_keeps_its_own(built: Path) -> None:
    texts = page_texts(built / "combined.pdf")
    assert [index for index, text in enumerate(texts) if _colophon_lines(text)] == [len(texts) - 1]
    assert [line[:2] for line in _colophon_lines(texts[-1])][0] == "报："
    assert any(line.endswith("印发") for line in _colophon_lines(texts[-1]))
    for stem in STEMS:
        (own,) = page_texts(built / f"{stem}.pdf")
        lines = _colophon_lines(own)
        assert lines[0].startswith("报：") and lines[-1].endswith("印发") and len(lines) == len(set(lines)), (stem, lines)
        assert squeeze(own).index("资料来源") < squeeze(own).index(lines[0]), stem


def _marked_content(path: Path, page_index: int) -> tuple[set[int], set[int]]:
    """The MCIDs a page draws and those its structure tree holds."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[page_index]
        drawn = {raw.FPDFPageObj_GetMarkedContentID(obj.raw) for obj in page.get_objects()} - {-1}
        return drawn, {mcid for _, mcids, _, _ in _tree(page) for mcid in mcids}
    finally:
        doc.close()


def _foot(path: Path, page_index: int) -> tuple[float, float]:
    """The bottom of the lowest character in the type area (the page number is below it) and of the
    sources line's first."""
    doc = pdfium.PdfDocument(str(path))
    try:
        textpage = doc[page_index].get_textpage()
        text = textpage.get_text_range()
        bottoms = [textpage.get_charbox(index)[1] for index in range(textpage.count_chars())
                   if not textpage.get_text_range(index, 1).isspace()]
        lowest = min(bottom for bottom in bottoms if bottom > PageGeometry().bottom)
        return lowest, textpage.get_charbox(text.index("资料来源"))[1]
    finally:
        doc.close()


def test_a_reprinted_page_is_its_briefing_s_page_up_to_its_colophon(built: Path) -> None:
    """Each province page of the report: the text of its briefing's page before the 版记, its foot (the
    sources) moved down into the 版记's place, and its structure tree that of the briefing's page less
    the 版记's elements, every MCID drawn (none left over for the 版记 not drawn)."""
    combined = built / "combined.pdf"
    texts, pages = page_texts(combined), outline_pages(combined)
    for stem in STEMS:
        (own,) = page_texts(built / f"{stem}.pdf")
        index = pages[next(title for title in pages if title == _province(built / f"{stem}.pdf"))]
        reprint = squeeze(texts[index])
        kept = squeeze(own)[:squeeze(own).index("报：")]
        assert reprint.startswith(kept), stem
        assert reprint[len(kept):].strip("—0123456789") == "", (stem, reprint[len(kept):])
        (own_lowest, own_sources), (lowest, sources) = _foot(built / f"{stem}.pdf", 0), _foot(combined, index)
        assert abs(lowest - own_lowest) < 6 and sources < own_sources - 60, (stem, lowest, own_lowest, sources, own_sources)
        drawn, tree = _marked_content(combined, index)
        own_drawn, own_tree = _marked_content(built / f"{stem}.pdf", 0)
        assert drawn == tree == set(range(len(tree))), stem
        assert own_drawn == own_tree and tree < own_tree, stem
        addressed = len(_colophon_lines(own)) - 1  # the 报/送/发 lines; the 印发 line is two elements
        assert len(own_tree) - len(tree) == addressed + 2, stem


def _province(pdf: Path) -> str:
    (title,) = outline_pages(pdf)
    return title
