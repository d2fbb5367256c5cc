"""The shipped CJK faces: where they are, registering them with ReportLab once, and glyph coverage."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pdf.cidfont import CIDFace

SERIF = "BriefingSerif"
SERIF_BOLD = "BriefingSerif-Bold"
SANS_BOLD = "BriefingSans-Bold"
FANGSONG = "BriefingFangsong"  # 仿宋: body text (GB/T 9704)
KAI = "BriefingKai"  # 楷体: the lead, subtitles, second-level headings

FACE_FILES = {
    SERIF: "NotoSerifSC-Regular.ttf",
    SERIF_BOLD: "NotoSerifSC-Bold.ttf",
    SANS_BOLD: "NotoSansSC-Bold.ttf",
    FANGSONG: "ZhuqueFangsong-Regular.ttf",
    KAI: "BriefingKai-Regular.ttf",
}
FACE_DESCRIPTIONS = {
    SERIF: "Noto Serif SC Regular", SERIF_BOLD: "Noto Serif SC Bold",
    SANS_BOLD: "Noto Sans SC Bold", FANGSONG: "朱雀仿宋 (Zhuque Fangsong)", KAI: "Briefing Kai (LXGW WenKai)",
}
# where a character a face lacks is set instead: the 仿宋 and 楷体 subsets hold Han characters and CJK
# punctuation only, so digits, Latin and the curly quotes come from Noto Serif SC (full-width quotes, lining
# digits); a 楷体 character outside GB 2312 comes from the 仿宋
FALLBACK = {FANGSONG: SERIF, KAI: FANGSONG}


def chain(face: str) -> list[str]:
    """``face`` and the faces that stand in for it, in order."""
    out = [face]
    while out[-1] in FALLBACK:
        out.append(FALLBACK[out[-1]])
    return out


def fonts_dir() -> Path:
    """``$BRIEFING_FONTS`` if set, else the ``fonts/`` folder of this checkout."""
    override = os.environ.get("BRIEFING_FONTS")
    return Path(override) if override else Path(__file__).resolve().parents[3] / "fonts"


@dataclass(frozen=True, eq=False)
class Faces:
    """The registered faces: for each, the set of code points it can draw, and its CID embedding."""

    coverage: dict[str, frozenset[int]]
    cid: dict[str, CIDFace]

    def missing(self, face: str, text: str) -> list[str]:
        """Characters of ``text`` neither the face nor its fallbacks have a glyph for."""
        cmaps = [self.coverage[name] for name in chain(face)]
        return sorted({ch for ch in text if ch not in "\n\t" and not any(ord(ch) in cmap for cmap in cmaps)})

    def setting_face(self, face: str, ch: str) -> str:
        """The face that draws ``ch`` for text set in ``face`` (the last fallback if none has it)."""
        code = ord(ch)
        for name in chain(face):
            if code in self.coverage[name]:
                return name
        return name

    def pieces(self, face: str, text: str) -> list[tuple[str, str]]:
        """``text`` cut where the face that draws it changes: (face, text) pairs."""
        if face not in FALLBACK:
            return [(face, text)]
        return _pieces(self, face, text)


@functools.lru_cache(maxsize=4096)  # the fit lays the same texts out at several sizes
def _pieces(faces: Faces, face: str, text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ch in text:
        name = faces.setting_face(face, ch)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + ch)
        else:
            out.append((name, ch))
    return out


@functools.cache
def register() -> Faces:
    """Register every face with ReportLab (once per process) and return their coverage."""
    from reportlab.pdfbase import pdfmetrics

    from ..pdf.cidfont import register_face
    from ..pdf.ttfload import load_font

    folder = fonts_dir()
    coverage, cid = {}, {}
    for name, filename in FACE_FILES.items():
        path = folder / filename
        if not path.is_file():
            raise FileNotFoundError(f"font {path} is missing; the fonts ship in the repository's fonts/ folder")
        font = load_font(name, str(path))
        pdfmetrics.registerFont(font)
        coverage[name] = frozenset(font.face.charToGlyph)
        cid[name] = register_face(name, font.face)
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF, boldItalic=SERIF_BOLD)
    return Faces(coverage, cid)
