"""Loading a TrueType face for ReportLab with whole-table reads.

ReportLab's TTFontFace reads the character map, the horizontal metrics and the glyph locations one
value at a time: about 40 ms for each of our faces, a third of a cold build's fixed cost. ``FastFace``
leaves the small tables (names, head, OS/2, post) to ReportLab and reads those three with ``array``,
giving the same attributes with the same values (tests/test_fonts.py compares them); a character map
in a format other than 4 or 12 falls back to ReportLab's own reading.
"""
from __future__ import annotations

import sys
from array import array
from fnmatch import fnmatch
from functools import cached_property
from itertools import chain
from operator import add, sub
from struct import unpack_from
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace, unShapedFontGlob


def _big_endian(typecode: str, data: bytes) -> array:
    values = array(typecode, data)
    if sys.byteorder == "little":
        values.byteswap()
    return values


class FastFace(TTFontFace):
    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - ReportLab's names
        super().extractInfo(charInfo=0)  # names, flags and metrics from the small tables
        if not charInfo:
            return
        char_to_glyph = self._character_map()
        if char_to_glyph is None:  # a format we do not read fast
            super().extractInfo(charInfo=1)
            return
        data, glyphs = self._ttf_data, self.numGlyphs
        head = self.get_table_pos("head")[0]
        index_to_loc_format = unpack_from(">H", data, head + 50)[0]
        metric_count = unpack_from(">H", data, self.get_table_pos("hhea")[0] + 34)[0]
        self.charToGlyph = char_to_glyph

        start = self.get_table_pos("hmtx")[0]
        pairs = _big_endian("H", data[start:start + 4 * metric_count])
        advances = pairs[0::2].tolist() if self.unitsPerEm == 1000 else list(map(self._pdfScale, pairs[0::2]))
        tail = _big_endian("H", data[start + 4 * metric_count:start + 4 * metric_count + 2 * (glyphs - metric_count)])
        # as ReportLab: the glyphs after the last full metric repeat its (scaled) advance
        self.hmetrics = list(zip(pairs[0::2], pairs[1::2])) + [(advances[-1], lsb) for lsb in tail]
        widths = advances + [advances[-1]] * (glyphs - metric_count)
        self.defaultWidth = advances[0]
        drawable = [char for char, glyph in char_to_glyph.items() if glyph < glyphs]
        self.charWidths = dict(zip(drawable, map(widths.__getitem__, map(char_to_glyph.__getitem__, drawable))))

        start = self.get_table_pos("loca")[0]
        if index_to_loc_format == 0:
            self.glyphPos = [offset << 1 for offset in _big_endian("H", data[start:start + 2 * (glyphs + 1)])]
        else:
            self.glyphPos = list(_big_endian("I", data[start:start + 4 * (glyphs + 1)]))
        if 0x20 in char_to_glyph:
            char_to_glyph[0xA0] = char_to_glyph[0x20]
            self.charWidths[0xA0] = self.charWidths[0x20]
        elif 0xA0 in char_to_glyph:
            char_to_glyph[0x20] = char_to_glyph[0xA0]
            self.charWidths[0x20] = self.charWidths[0xA0]

    @cached_property
    def glyphToChar(self) -> dict[int, list[int]]:  # noqa: N802 - ReportLab's name; only its shaping uses it
        out: dict[int, list[int]] = {}
        for char, glyph in self.charToGlyph.items():
            out.setdefault(glyph, []).append(char)
        return out

    def _character_map(self) -> dict[int, int] | None:
        """The subtable ReportLab would choose, read whole; None for a format other than 4 and 12."""
        data = self._ttf_data
        base = self.get_table_pos("cmap")[0]
        version, count = unpack_from(">HH", data, base)
        if count == 0 and version != 0:
            count = version
        chosen, kind = None, 0
        for n in range(count):  # ReportLab's choice: the last suitable subtable, a Unicode one first
            platform, encoding, offset = unpack_from(">HHL", data, base + 4 + 8 * n)
            if platform == 3 or (platform == 1 and encoding == 1) or (platform == 0 and encoding != 5):
                chosen, kind = offset, 1
            elif platform == 1 and encoding == 0 and kind != 1:
                chosen, kind = offset, 2
        if chosen is None:
            return None
        table = base + chosen
        form = unpack_from(">H", data, table)[0]
        out: dict[int, int] = {}
        if form == 12:
            (groups,) = unpack_from(">L", data, table + 12)
            values = _big_endian("I", data[table + 16:table + 16 + 12 * groups])
            firsts, ends, glyph_firsts = values[0::3], [last + 1 for last in values[1::3]], values[2::3]
            glyph_ends = map(add, glyph_firsts, map(sub, ends, firsts))
            return dict(zip(chain.from_iterable(map(range, firsts, ends)),
                            chain.from_iterable(map(range, glyph_firsts, glyph_ends))))
        if form == 4:
            length = unpack_from(">H", data, table + 2)[0]
            segments = unpack_from(">H", data, table + 6)[0] // 2
            ends = _big_endian("H", data[table + 14:table + 14 + 2 * segments])
            starts_at = table + 16 + 2 * segments
            starts = _big_endian("H", data[starts_at:starts_at + 2 * segments])
            deltas = array("h", _big_endian("H", data[starts_at + 2 * segments:starts_at + 4 * segments]).tobytes())
            ranges_at = starts_at + 4 * segments
            ranges = _big_endian("H", data[ranges_at:ranges_at + 2 * segments])
            limit = table + length
            for n in range(segments):
                first, last, delta, range_offset = starts[n], ends[n], deltas[n], ranges[n]
                if range_offset == 0:
                    out.update((char, (char + delta) & 0xFFFF) for char in range(first, last + 1))
                    continue
                for char in range(first, last + 1):
                    at = ranges_at + 2 * n + (char - first) * 2 + range_offset
                    glyph = 0 if at >= limit else unpack_from(">H", data, at)[0]
                    out[char] = (glyph + delta) & 0xFFFF if glyph else 0
            return out
        return None


def load_font(name: str, filename: str) -> TTFont:
    """ReportLab's TTFont(name, filename), its face read by FastFace."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = FastFace(filename)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, pattern) for pattern in unShapedFontGlob)
    return font
