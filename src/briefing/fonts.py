"""The shipped CJK faces: where they are, registering them with ReportLab once, and glyph coverage."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cidfont import CIDFace

SERIF = "BriefingSerif"
SERIF_BOLD = "BriefingSerif-Bold"
SANS_BOLD = "BriefingSans-Bold"

FACE_FILES = {
    SERIF: "NotoSerifSC-Regular.ttf",
    SERIF_BOLD: "NotoSerifSC-Bold.ttf",
    SANS_BOLD: "NotoSansSC-Bold.ttf",
}
FACE_DESCRIPTIONS = {
    SERIF: "Noto Serif SC Regular", SERIF_BOLD: "Noto Serif SC Bold",
    SANS_BOLD: "Noto Sans SC Bold",
}


def fonts_dir() -> Path:
    """``$BRIEFING_FONTS`` if set, else the ``fonts/`` folder of this checkout."""
    override = os.environ.get("BRIEFING_FONTS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "fonts"


@dataclass(frozen=True)
class Faces:
    """The registered faces: for each, the set of code points it can draw, and its CID embedding."""

    coverage: dict[str, frozenset[int]]
    cid: dict[str, CIDFace]

    def missing(self, face: str, text: str) -> list[str]:
        """Characters of ``text`` the face has no glyph for (ReportLab would draw nothing for them)."""
        cmap = self.coverage[face]
        return sorted({ch for ch in text if ord(ch) not in cmap and ch not in "\n\t"})


@functools.cache
def register() -> Faces:
    """Register every face with ReportLab (once per process) and return their coverage."""
    from reportlab.pdfbase import pdfmetrics

    from .cidfont import CIDFace
    from .ttfload import load_font

    folder = fonts_dir()
    coverage, cid = {}, {}
    for name, filename in FACE_FILES.items():
        path = folder / filename
        if not path.is_file():
            raise FileNotFoundError(f"font {path} is missing; the fonts ship in the repository's fonts/ folder")
        font = load_font(name, str(path))
        pdfmetrics.registerFont(font)
        coverage[name] = frozenset(font.face.charToGlyph)
        cid[name] = CIDFace(name, font.face)
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF, boldItalic=SERIF_BOLD)
    return Faces(coverage, cid)
