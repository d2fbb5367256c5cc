"""The shipped fonts: TrueType outlines, within budget, unchanged, covering every seed character."""
from __future__ import annotations

import hashlib

import pytest
from fontTools.ttLib import TTFont as FontToolsFont

from briefing.page import fonts
from conftest import ROOT


def test_fonts_within_budget_and_match_their_checksums() -> None:
    folder = ROOT / "fonts"
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 20 * 1024 * 1024
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert (folder / "OFL-1.1.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") >= 1


def test_every_face_is_truetype_with_the_charset() -> None:
    charset = {ord(c) for c in (ROOT / "fonts" / "charset.txt").read_text(encoding="utf-8")}
    gb2312_han = {ord(c) for c in map(chr, charset) if "\u4e00" <= c <= "\u9fff" and _in_gb2312(c)}
    cmaps = {}
    for face, filename in fonts.FACE_FILES.items():
        font = FontToolsFont(ROOT / "fonts" / filename)
        assert "glyf" in font and "CFF " not in font, filename
        assert not any(font["glyf"][name].isComposite() for name in font.getGlyphOrder()), filename
        cmaps[face] = set(font.getBestCmap())
        assert gb2312_han <= cmaps[face], f"{filename} lacks GB 2312 Han characters"
    for face in fonts.FACE_FILES:  # with its fallbacks (the 仿宋 and 楷体 keep Han and CJK punctuation only)
        covered = set().union(*(cmaps[name] for name in fonts.chain(face)))
        assert len(covered & charset) / len(charset) > 0.95, face


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def test_every_seed_hanzi_is_covered() -> None:
    faces = fonts.register()
    seeds = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.txt"))
    hanzi = "".join(ch for ch in set(seeds) if "\u4e00" <= ch <= "\u9fff")
    for face in fonts.FACE_FILES:
        assert faces.missing(face, hanzi) == [], face


FACE_ATTRIBUTES = ("charToGlyph", "glyphToChar", "charWidths", "defaultWidth", "hmetrics", "glyphPos", "name",
                   "bbox", "ascent", "descent", "capHeight", "italicAngle", "stemV", "flags", "numGlyphs",
                   "unitsPerEm")


@pytest.mark.parametrize("filename", sorted(fonts.FACE_FILES.values()))
def test_fast_loading_reads_what_reportlab_reads(filename: str) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    from briefing.pdf.ttfload import load_font

    path = str(ROOT / "fonts" / filename)
    theirs, ours = TTFont("probe", path), load_font("probe", path)
    for attribute in FACE_ATTRIBUTES:
        mine, expected = getattr(ours.face, attribute), getattr(theirs.face, attribute)
        assert mine == expected and type(mine) is type(expected), attribute
    assert set(vars(ours)) == set(vars(theirs)) and ours.shapable == theirs.shapable


def test_fast_loading_reads_format_4_character_maps(tmp_path) -> None:
    """Our faces use a format 12 map; a face with only format 4 (BMP) subtables must read the same."""
    from reportlab.pdfbase.ttfonts import TTFont

    from briefing.pdf.ttfload import load_font

    font = FontToolsFont(ROOT / "fonts" / fonts.FACE_FILES[fonts.SERIF])
    font["cmap"].tables = [table for table in font["cmap"].tables if table.format == 4]
    path = tmp_path / "format4.ttf"
    font.save(path)
    theirs, ours = TTFont("probe", str(path)), load_font("probe", str(path))
    assert len(ours.face.charToGlyph) > 9000
    for attribute in FACE_ATTRIBUTES:
        assert getattr(ours.face, attribute) == getattr(theirs.face, attribute), attribute
