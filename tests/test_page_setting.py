"""Each briefing read back with pdfium as its reader sees it: type sizes, Chinese line setting, the 版记 and
the watermark (issue 15). The checks are written here independently of the line setter's own rules."""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import ImageChops

from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.page.geometry import page_setup
from briefing.source.model import load_settings
from conftest import BRIEFS, SEEDS, STEMS

CLOSING = set("，。、；：？！）」』》〉】〕”’…")
OPENING = set("（「『《〈【〔“‘")
# a figure and what follows it: units and qualifiers that must stay on its line
FIGURE_TAIL = re.compile(r"\d(?:[.,]\d+)?[%万亿千百]*[多余]?(?:元|吨|人|个|名|家|年|月|日|间|所|台|次|场|条|项|户|村|%|以上|以来|左右)")


@dataclass
class Glyph:
    ch: str
    x: float
    y: float
    size: float


@dataclass
class Line:
    y: float
    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        return "".join(g.ch for g in self.glyphs)


def glyphs_of(pdf: Path) -> list[Glyph]:
    """Every character drawn on page 1: its origin and font size (pdfium, not ReportLab)."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[0].get_textpage()
        out = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(textpage.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if ch.isspace() or not ch.isprintable():
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
            out.append(Glyph(ch, x.value, y.value, round(pdfium_c.FPDFText_GetFontSize(textpage.raw, index), 2)))
        return out
    finally:
        doc.close()


def lines_of(glyphs: list[Glyph], size: float) -> list[Line]:
    """The lines of text set at ``size`` (markers and other sizes left out), top to bottom."""
    lines: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        if abs(glyph.size - size) < 0.05:
            lines.setdefault(round(glyph.y, 1), []).append(glyph)
    return [Line(y, sorted(found, key=lambda g: g.x)) for y, found in sorted(lines.items(), reverse=True)]


def body_size(glyphs: list[Glyph]) -> float:
    """The size most Han characters on the page are set at."""
    sizes = [g.size for g in glyphs if "\u4e00" <= g.ch <= "\u9fff"]
    return max(set(sizes), key=sizes.count)


def counted(text: str) -> int:
    return sum(1 for ch in text if ch not in CLOSING | OPENING and ch not in "“”‘’[]")


@pytest.fixture(scope="module")
def pages(built: Path) -> dict[str, list[Glyph]]:
    return {stem: glyphs_of(built / f"{stem}.pdf") for stem in STEMS}


@pytest.mark.parametrize("stem", STEMS)
def test_type_sizes_a_reader_can_read(pages: dict[str, list[Glyph]], stem: str) -> None:
    glyphs = pages[stem]
    smallest = min(glyphs, key=lambda g: g.size)
    assert smallest.size >= 9.0, f"{stem}: {smallest.ch!r} at {smallest.size} pt"
    assert body_size(glyphs) >= 12.0


@pytest.mark.parametrize("stem", STEMS)
def test_lines_a_typesetter_would_accept(pages: dict[str, list[Glyph]], stem: str) -> None:
    glyphs = pages[stem]
    size = body_size(glyphs)
    lines = lines_of(glyphs, size)
    body = [line for line in lines if line.glyphs[0].x < 200]  # the type area's left half: not centred lines
    assert len(body) >= 8
    for line in body:
        # a paragraph's last line, or any line: never one or two characters alone
        assert counted(line.text) >= 3, f"{stem}: short line {line.text!r}"
    for upper, lower in zip(lines, lines[1:]):
        if upper.y - lower.y > size * 2:  # not the next line of the same paragraph
            continue
        assert lower.text[0] not in CLOSING, f"{stem}: {lower.text!r} starts with a closing mark"
        assert upper.text[-1] not in OPENING, f"{stem}: {upper.text!r} ends with an opening mark"
        joint = upper.text[-4:] + "|" + lower.text[:4]
        for match in FIGURE_TAIL.finditer(upper.text[-4:] + lower.text[:4]):
            assert not match.start() < len(upper.text[-4:]) < match.end(), f"{stem}: figure split at {joint}"


@pytest.mark.parametrize("stem", STEMS)
def test_justification_adds_at_most_a_tenth_of_an_em(pages: dict[str, list[Glyph]], stem: str) -> None:
    glyphs = pages[stem]
    size = body_size(glyphs)
    gaps = []
    for line in lines_of(glyphs, size):
        for left, right in zip(line.glyphs, line.glyphs[1:]):
            if "\u4e00" <= left.ch <= "\u9fff" and "\u4e00" <= right.ch <= "\u9fff":  # Han: one em wide
                gaps.append(right.x - left.x - size)
    assert gaps
    assert max(gaps) <= 0.1 * size + 0.01, f"{stem}: {max(gaps) / size:.3f} em between two characters"
    assert min(gaps) >= -0.01  # never tighter than solid


@pytest.mark.parametrize("stem", STEMS)
def test_every_briefing_has_its_banji(pages: dict[str, list[Glyph]], stem: str) -> None:
    settings, _ = load_settings(BRIEFS / "report.yaml")
    lines = [line for line in lines_of(pages[stem], 14.0) if "—" not in line.text]  # 4号, but the page number
    texts = [line.text for line in lines]
    for label, value in (("报", settings.distribution.report_to), ("送", settings.distribution.send_to),
                         ("发", settings.distribution.issue_to)):
        assert f"{label}：{value}" in texts
    last = lines[-1]
    assert last.text == f"{settings.unit}{settings.date_label}印发", "印发机关 and 印发日期 on the last line"
    unit_end = last.glyphs[len(settings.unit) - 1].x
    assert last.glyphs[-1].x - unit_end > 150, "the unit at the left, the date at the right"


def test_watermark_is_visible_and_not_text(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain", tmp_path / "marked"
    for out, mark in ((plain, None), (marked, "内部资料")):
        result = build(discover(BRIEFS), out, BRIEFS / "report.yaml", SEEDS, combined=False,
                       geometry=page_setup(watermark=mark))
        assert result.ok
    for stem in STEMS:
        doc = pdfium.PdfDocument(str(marked / f"{stem}.pdf"))
        text = doc[0].get_textpage().get_text_range()
        assert "内部资料" not in text and "内" not in text.replace("内容", "")
        assert text == pdfium.PdfDocument(str(plain / f"{stem}.pdf"))[0].get_textpage().get_text_range()
        with_mark = doc[0].render(scale=1).to_pil().convert("L")
        without = pdfium.PdfDocument(str(plain / f"{stem}.pdf"))[0].render(scale=1).to_pil().convert("L")
        # the watermark shows across the page, over the tiles too (the middle third of the page)
        difference = ImageChops.difference(with_mark, without).point(lambda level: 255 if level else 0)
        assert difference.histogram()[255] > 2000
        band = difference.crop((0, difference.height // 3, difference.width, 2 * difference.height // 3))
        assert band.histogram()[255] > 500
        # drawn over what the page shows (tile fills, text), not hidden under it
        inked = without.point(lambda level: 255 if level < 250 else 0)
        assert ImageChops.multiply(difference, inked).histogram()[255] > 300
