"""TrueType faces written as CID-keyed fonts (Type0, Identity-H), one subset of each face per document.

A character is written as its CID: its place in the face's character map. That number is the same in
every document, so the content stream of a drawn page means the same in any PDF that embeds the faces
this way (the combined report reuses the province pages its workers drew). Pages are drawn on
ReportLab's canvas, which only records them; ``pdf.document`` writes the PDF and embeds, per face, one
TrueType subset of the glyphs it used, a CIDToGIDMap from CIDs to the subset's glyphs, the
widths that differ from the usual one, and a ToUnicode map so text extracts exactly as written (a
no-break space stays one, though it shares the space's glyph).

ReportLab's TrueType fonts are still used to measure text; every text drawn goes through ``select``
and ``show``.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from struct import pack, pack_into, unpack_from

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFontFace, TTFontMaker

from .flate import deflate
from .writer import PdfWriter, ref

_BFCHAR_BLOCK = 100  # the most entries a CMap's beginbfchar block may hold


class CIDFace:
    """One registered face, ready to encode text as CIDs and to embed the subset a document used."""

    def __init__(self, name: str, face: TTFontFace):
        self.name = name  # the registered font name; also the resource name in every page's /Font
        self.face = face
        self.codes = sorted(face.charToGlyph)
        self.hex_of = _HexCIDs(self)  # a str.translate table, filled as characters are met
        self.default_width = Counter(face.charWidths.values()).most_common(1)[0][0]
        self._glyf = face.get_table_pos("glyf")[0]
        self._outlines: dict[int, bytes] = {}  # glyph → its outline, padded to 4 bytes (as met)
        self._entries: dict[int, tuple[int, str, str]] = {}  # code → (CID, ToUnicode line, W entry or "")

    def cid(self, code: int) -> int:
        """The CID of a code point the face has (its place in the sorted character map, from 1)."""
        at = bisect_left(self.codes, code)
        if at == len(self.codes) or self.codes[at] != code:
            raise KeyError(code)
        return at + 1

    def encode(self, text: str) -> str:
        """``text`` as a PDF hex string of 2-byte CIDs."""
        encoded = text.translate(self.hex_of)
        if len(encoded) != 4 * len(text):  # str.translate keeps a character it has no entry for
            missing = sorted({ch for ch in text if ord(ch) not in self.face.charToGlyph})
            raise ValueError(f"{self.name} has no glyph for {''.join(missing)!r}")
        return f"<{encoded}>"

    # ---- embedding -------------------------------------------------------------------------------
    def subset(self, characters: set[str]) -> "FaceSubset":
        """What a document that drew ``characters`` in this face embeds of it."""
        face = self.face
        codes = sorted({ord(ch) for ch in characters})
        glyph_of = face.charToGlyph
        glyphs = sorted({glyph_of[code] for code in codes} | {0})  # new glyph number: place in this list
        new_glyph = {glyph: number for number, glyph in enumerate(glyphs)}
        font_file = self._subset(glyphs)
        tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(font_file).digest()[:6])
        entries = [self._entries.get(code) or self._entry(code) for code in codes]
        cid_to_gid = bytearray(2 * (max((entry[0] for entry in entries), default=0) + 1))
        for (cid, _, _), code in zip(entries, codes):
            pack_into(">H", cid_to_gid, 2 * cid, new_glyph[glyph_of[code]])
        widths = " ".join(entry[2] for entry in entries if entry[2])
        return FaceSubset(f"{tag}+{face.name.decode('latin-1')}", font_file, bytes(cid_to_gid), widths,
                          _to_unicode_cmap([entry[1] for entry in entries]))

    def _entry(self, code: int) -> tuple[int, str, str]:
        """A character's CID, its ToUnicode line and its W entry ("" for the usual width), made once."""
        cid, width = self.cid(code), self.face.charWidths[code]
        self._entries[code] = entry = (
            cid, f"<{cid:04X}> <{chr(code).encode('utf-16-be').hex().upper()}>",
            f"{cid} [{fp_str(width)}]" if width != self.default_width else "")
        return entry

    def write(self, writer: PdfWriter, characters: set[str]) -> int:
        """Write the Type0 font (and what it refers to) for a document that drew ``characters`` in this
        face; its object number."""
        face, part = self.face, self.subset(characters)
        font_file = writer.write_stream(f"/Filter /FlateDecode /Length1 {len(part.font_file)}",
                                        deflate(part.font_file))
        bbox = " ".join(map(fp_str, face.bbox))
        descriptor = writer.write(
            f"<< /Type /FontDescriptor /FontName /{part.base_name} /Flags 4 /FontBBox [{bbox}] "
            f"/ItalicAngle {fp_str(face.italicAngle)} /Ascent {fp_str(face.ascent)} /Descent {fp_str(face.descent)} "
            f"/CapHeight {fp_str(face.capHeight)} /StemV {fp_str(face.stemV)} /FontFile2 {ref(font_file)} >>")
        cid_to_gid = writer.write_stream("/Filter /FlateDecode", deflate(part.cid_to_gid))
        cid_font = writer.write(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{part.base_name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {ref(descriptor)} /DW {fp_str(self.default_width)} /W [{part.widths}] "
            f"/CIDToGIDMap {ref(cid_to_gid)} >>")
        to_unicode = writer.write_stream("/Filter /FlateDecode", deflate(part.to_unicode))
        return writer.write(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{part.base_name} /Encoding /Identity-H "
            f"/DescendantFonts [{ref(cid_font)}] /ToUnicode {ref(to_unicode)} >>")

    @cached_property
    def _metrics(self) -> bytes:
        """Every glyph's (advance, left side bearing), as the hmtx table holds them in full."""
        return pack(f">{2 * len(self.face.hmetrics)}H", *(value for pair in self.face.hmetrics for value in pair))

    def _outline(self, glyph: int) -> bytes:
        """A glyph's outline from the glyf table, padded to 4 bytes; kept for the next document."""
        face = self.face
        start, end = face.glyphPos[glyph], face.glyphPos[glyph + 1]
        outline = face._ttf_data[self._glyf + start:self._glyf + end]
        if len(outline) >= 2 and outline[0] & 0x80:  # negative contour count: a composite glyph
            raise ValueError(f"{self.name}: glyph {glyph} is composite; fonts/build_fonts.py makes fonts "
                             "without composite glyphs, which this embedding relies on")
        self._outlines[glyph] = padded = outline + b"\0" * (-len(outline) % 4)
        return padded

    def _subset(self, glyphs: list[int]) -> bytes:
        """A TrueType font of ``glyphs`` (old numbers, ascending, 0 first), numbered by their place."""
        face = self.face
        outlines = self._outlines
        pieces = [outlines.get(glyph) or self._outline(glyph) for glyph in glyphs]
        offsets = list(accumulate(map(len, pieces), initial=0))
        count = len(glyphs)
        metrics = self._metrics
        maker = TTFontMaker()
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            if tag in face.table:
                maker.add(tag, face.get_table(tag))
        maker.add("post", b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16)
        maker.add("hmtx", b"".join(metrics[4 * glyph:4 * glyph + 4] for glyph in glyphs))
        maker.add("hhea", _with_ushort(face.get_table("hhea"), 34, count))
        maker.add("maxp", _with_ushort(face.get_table("maxp"), 4, count))
        maker.add("glyf", b"".join(pieces))
        maker.add("loca", pack(f">{count + 1}L", *offsets))
        maker.add("head", _with_ushort(face.get_table("head"), 50, 1))  # long loca offsets
        return maker.makeStream()


@dataclass(frozen=True)
class FaceSubset:
    """The parts of one face a document embeds: the TrueType subset (its glyphs renumbered), the map
    from CIDs to them, the widths other than the usual one (a PDF W array's inside), a ToUnicode CMap."""

    base_name: str
    font_file: bytes
    cid_to_gid: bytes
    widths: str
    to_unicode: bytes


class _HexCIDs(dict):
    """Code point → its CID as 4 hex digits, made the first time the character is met (making all
    9,000 at start-up would cost every run)."""

    def __init__(self, face: CIDFace):
        super().__init__()
        self.face = face

    def __missing__(self, code: int) -> str:
        self[code] = value = f"{self.face.cid(code):04X}"  # KeyError for a character the face lacks
        return value


def _with_ushort(table: bytes, offset: int, value: int) -> bytes:
    return table[:offset] + pack(">H", value) + table[offset + 2:]


def _to_unicode_cmap(entries: list[str]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(entries), _BFCHAR_BLOCK):
        block = entries[start:start + _BFCHAR_BLOCK]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


_REGISTERED: dict[str, CIDFace] = {}  # by the face's registered name: the faces ``show`` can encode


def register_face(name: str, face: TTFontFace) -> CIDFace:
    """Make ``face`` (registered with ReportLab under ``name``) drawable and embeddable as a CID font."""
    _REGISTERED[name] = CIDFace(name, face)
    return _REGISTERED[name]


def registered(name: str) -> CIDFace:
    """The face registered under ``name`` (``register_face``)."""
    try:
        return _REGISTERED[name]
    except KeyError:
        raise LookupError(f"no face {name!r} is registered: register the faces before drawing") from None


def _fonts_of(doc: PDFDocument) -> dict[str, set[str]]:
    """The characters drawn in each face of ``doc`` since they were last taken."""
    used = getattr(doc, "_briefing_fonts", None)
    if used is None:
        used = doc._briefing_fonts = {}
    return used


def drawn_characters(doc: PDFDocument) -> dict[str, str]:
    """The characters drawn in each face since they were last taken, in code point order."""
    return {name: "".join(sorted(characters)) for name, characters in sorted(_fonts_of(doc).items()) if characters}


def take_characters(doc: PDFDocument) -> dict[str, str]:
    """The characters drawn in each face since the last call, in code point order (the page that drew
    them embeds them)."""
    taken = drawn_characters(doc)
    _fonts_of(doc).clear()
    return taken


def select(doc: PDFDocument, name: str, size: float) -> str:
    """The operator that sets face ``name`` at ``size``; the document will embed the face."""
    _fonts_of(doc).setdefault(name, set())
    return f"/{name} {fp_str(size)} Tf"


def show(doc: PDFDocument, name: str, text: str) -> str:
    """The operator that shows ``text`` in face ``name`` (selected before with ``select``)."""
    _fonts_of(doc)[name].update(text)
    return f"{registered(name).encode(text)} Tj"


def line_of_text(name: str, size: float, x: float, y: float, text: str, anchor: str = "start") -> str:
    """The operators of one line of text at (x, y), its start, middle or end there, in the current fill
    colour (the caller records the characters it shows: ``draw_string`` does)."""
    if anchor != "start":
        width = pdfmetrics.stringWidth(text, name, size)
        x -= width if anchor == "end" else width / 2
    return f"BT {fp_str(x, y)} Td /{name} {fp_str(size)} Tf {registered(name).encode(text)} Tj ET"


def outline_of_text(name: str, size: float, x: float, y: float, text: str, anchor: str = "start") -> str:
    """The operators that fill the outlines of ``text``'s glyphs at (x, y), as ``line_of_text`` would show
    it: a picture of the text, not text, so no reader extracts it (the watermark)."""
    face = registered(name).face
    if anchor != "start":
        width = pdfmetrics.stringWidth(text, name, size)
        x -= width if anchor == "end" else width / 2
    scale, parts = size / face.unitsPerEm, []
    for ch in text:
        glyph = face.charToGlyph.get(ord(ch))
        if glyph is None:
            raise ValueError(f"{name} has no glyph for {ch!r}")
        parts += _glyph_path(face, glyph, scale, x, y)
        x += face.charWidths[ord(ch)] * size / 1000
    return "\n".join(parts + ["f"]) if parts else ""


def _glyph_path(face: TTFontFace, glyph: int, scale: float, x: float, y: float) -> list[str]:
    """A simple TrueType glyph's contours as path operators (its quadratic curves as cubic ones)."""
    glyf = face.get_table_pos("glyf")[0]
    data = face._ttf_data[glyf + face.glyphPos[glyph]:glyf + face.glyphPos[glyph + 1]]
    if len(data) < 10:
        return []
    contours = unpack_from(">h", data)[0]
    if contours < 0:
        raise ValueError(f"{face.name!r}: glyph {glyph} is composite")
    ends = unpack_from(f">{contours}H", data, 10)
    at = 10 + 2 * contours
    at += 2 + unpack_from(">H", data, at)[0]  # the instructions
    count = ends[-1] + 1 if ends else 0
    flags: list[int] = []
    while len(flags) < count:
        flag = data[at]
        at += 1
        flags.append(flag)
        if flag & 8:
            flags += [flag] * data[at]
            at += 1
    coordinates = []
    for short, same in ((2, 16), (4, 32)):
        value, values = 0, []
        for flag in flags[:count]:
            if flag & short:
                value += data[at] if flag & same else -data[at]
                at += 1
            elif not flag & same:
                value += unpack_from(">h", data, at)[0]
                at += 2
            values.append(value)
        coordinates.append(values)
    points = [(x + px * scale, y + py * scale, bool(flag & 1)) for px, py, flag in zip(*coordinates, flags)]
    out, start = [], 0
    for end in ends:
        out += _contour(points[start:end + 1])
        start = end + 1
    return out


def _contour(points: list[tuple[float, float, bool]]) -> list[str]:
    if not points:
        return []
    # on-curve points, an implied one between two off-curve points; start at an on-curve point
    full: list[tuple[float, float, bool]] = []
    for index, point in enumerate(points):
        previous = points[index - 1]
        if not point[2] and not previous[2]:
            full.append(((point[0] + previous[0]) / 2, (point[1] + previous[1]) / 2, True))
        full.append(point)
    first = next(index for index, point in enumerate(full) if point[2])
    full = full[first:] + full[:first] + [full[first]]
    out = [f"{fp_str(full[0][0], full[0][1])} m"]
    index = 1
    while index < len(full):
        x1, y1, on = full[index]
        if on:
            out.append(f"{fp_str(x1, y1)} l")
            index += 1
            continue
        (x0, y0, _), (x2, y2, _) = full[index - 1], full[index + 1]
        out.append(f"{fp_str(x0 + 2 / 3 * (x1 - x0), y0 + 2 / 3 * (y1 - y0), x2 + 2 / 3 * (x1 - x2), y2 + 2 / 3 * (y1 - y2), x2, y2)} c")
        index += 2
    out.append("h")
    return out


def draw_string(canvas, name: str, size: float, x: float, y: float, text: str, anchor: str = "start") -> None:
    """One line of text on a canvas (``line_of_text``); its document embeds the characters."""
    _fonts_of(canvas._doc).setdefault(name, set()).update(text)
    canvas._code.append(line_of_text(name, size, x, y, text, anchor))
