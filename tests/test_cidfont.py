"""The faces embedded as CID-keyed subsets: outlines and widths as in the shipped font, text back exactly,
and a drawn page's content independent of the document it is drawn into."""
from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak

from briefing.page import fonts
from briefing.page.textblock import Run, TextBlock
from briefing.pdf.cidfont import CIDFace
from conftest import pdf_of_flowables

TEXT = "安徽援疆：累计拨付资金37亿多元（2010年以来）。\u00a0Aksu·阿克苏 “消费帮扶”——"


def pdf_of(*stories: list) -> bytes:
    """The stories drawn one after the other (each from a new page) and written as our PDFs are."""
    story = []
    for part in stories:
        story += [*part, PageBreak()]
    return pdf_of_flowables(story[:-1])


def block(text: str, font: str = fonts.SERIF, size: float = 12) -> TextBlock:
    fonts.register()
    return TextBlock([Run(text, font=font)], ParagraphStyle("probe", fontName=font, fontSize=size, leading=18))


def test_text_comes_back_exactly_with_no_break_spaces() -> None:
    pdf = pdfium.PdfDocument(pdf_of([block(TEXT)]))
    text = pdf[0].get_textpage().get_text_range()
    assert text.replace("\r\n", "").replace("\n", "") == TEXT


@pytest.mark.parametrize("face", [fonts.SERIF, fonts.SERIF_BOLD, fonts.SANS_BOLD])
def test_subset_outlines_and_widths_match_the_shipped_font(face: str) -> None:
    shipped = TTFont(fonts.fonts_dir() / fonts.FACE_FILES[face])
    shipped_glyphs, shipped_cmap = shipped["glyf"], shipped.getBestCmap()
    with pikepdf.open(io.BytesIO(pdf_of([block(TEXT, font=face)]))) as pdf:
        (font,) = [f for f in pdf.pages[0].Resources.Font.values()]
        descendant = font.DescendantFonts[0]
        subset = TTFont(io.BytesIO(descendant.FontDescriptor.FontFile2.read_bytes()))
        cid_to_gid = descendant.CIDToGIDMap.read_bytes()
        widths = {int(descendant.W[i]): float(descendant.W[i + 1][0]) for i in range(0, len(descendant.W), 2)}
        default_width = float(descendant.DW)
    cid_face = CIDFace(face, fonts.register().cid[face].face)
    order = subset.getGlyphOrder()
    for ch in set(TEXT):
        cid = cid_face.cid(ord(ch))
        gid = int.from_bytes(cid_to_gid[2 * cid:2 * cid + 2], "big")
        assert gid, f"{ch!r} maps to .notdef"
        mine, theirs = subset["glyf"][order[gid]], shipped_glyphs[shipped_cmap[ord(ch)]]
        assert mine.getCoordinates(subset["glyf"])[0] == theirs.getCoordinates(shipped_glyphs)[0], ch
        advance = shipped["hmtx"][shipped_cmap[ord(ch)]][0]
        assert widths.get(cid, default_width) == advance * 1000 / shipped["head"].unitsPerEm, ch
        assert subset["hmtx"][order[gid]][0] == advance
    assert len(order) == len({shipped_cmap[ord(ch)] for ch in set(TEXT)}) + 1  # the used glyphs and .notdef


def test_a_character_without_a_glyph_is_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="\U0001F600"):
        fonts.register().cid[fonts.SERIF].encode("安徽\U0001F600")


def _contents(pdf_bytes: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [b"".join(stream.read_bytes() for stream in page.Contents) for page in pdf.pages]


def test_a_drawn_page_does_not_depend_on_the_document() -> None:
    """The same block, alone or after other pages in other faces, is the same content stream."""
    alone = _contents(pdf_of([block(TEXT)]))
    after_others = _contents(pdf_of([block("浙江阿克苏", font=fonts.SANS_BOLD)],
                                    [block("上海喀什", font=fonts.SERIF_BOLD)], [block(TEXT)]))
    assert alone[0] == after_others[2]


def test_a_tab_is_set_as_a_space() -> None:
    """The faces have no tab glyph; the glyph check lets tabs through, so the text sets them as spaces."""
    pdf = pdfium.PdfDocument(pdf_of([block("援疆\t简报")]))
    assert pdf[0].get_textpage().get_text_range().strip() == "援疆 简报"
