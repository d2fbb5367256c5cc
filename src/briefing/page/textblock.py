"""A paragraph of Chinese text, broken into lines and drawn by us instead of ReportLab's Paragraph.

Why not Paragraph: it parses markup (so brief text would have to be escaped), breaks CJK text one
fragment object per character (about 12 ms for a page, most of a build), lets ，。 start a line and
《（ end one, and cannot justify a line without spaces. Here a paragraph is a list of ``Run``s of plain
text. Line breaking follows GB/T 15834-2011 §5.1 (push-out: a closing mark never starts a line, an
opening mark never ends one), keeps digit and Latin runs whole, and justifies by character spacing
(PDF ``Tc``, at most ``MAX_SPACING`` of the em: a line that would need more keeps the rest at its end).
A figure with its qualifier and unit (``37亿多元``, ``2020年以来``) and any word the caller names (a
region) are never split; a paragraph's last line keeps at least ``MIN_LAST_LINE`` characters; adjacent
punctuation is compressed (``），`` ``。”`` take half an em for the first mark, CLREQ). The break points
of a text are computed once and reused at every size the fit tries.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from ..pdf import cidfont, tagging
from . import fonts

NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕〉〗〙〛…—·％‰℃°々〻ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
                          "!),.:;?]}%")
NO_LINE_END = frozenset("“‘（《「『【〔〈〖〘〚([{")
UNSPLIT_PAIRS = frozenset("—…")  # ——, …… are one mark of two characters
_FUZZ = 1e-6
NBSP = "\u00a0"
MARKER_SCALE = 0.62  # a source marker's size, of the text it follows
MARKER_RISE = 0.36
MARKER_MIN = 9.0  # pt: nothing on a page is smaller
MAX_SPACING = 0.1  # of the em: the most space justification adds between two characters
MIN_LAST_LINE = 3  # characters (not counting punctuation and markers) on a paragraph's last line
# full-width marks whose ink is in the left half of the em (closing and stop marks) or the right half
# (opening marks); ？！ are centred in some faces and are left alone
INK_LEFT = frozenset("，。、；：）」』》〉】〕〗”’")
INK_RIGHT = frozenset("（「『《〈【〔〖“‘")
PUNCTUATION = NO_LINE_START | NO_LINE_END | frozenset("“”‘’")
_UNITS = ("万元|亿元|万吨|万人|万亩|人次|场次|平方米|公里|千米|个|名|人|家|台|条|间|所|次|项|户|村|镇|座|亩|吨|元|年|月|"
          "日|天|倍|批|期|件|套|辆|床|张|份|栋|篇|场|岁|米|市|县|省|区|类|种|处|部|级|轮|届|位|支|门|只|头|棵|株|公顷")
# a figure with what belongs to it: 近800台, 37亿多元, 3.4万吨, 2020年以来, 90%以上, 1200余场次
FIGURE = re.compile(r"(?:近|约|超|逾)?\d+(?:[.,:]\d+)*[%％‰]?[十百千万亿]*(?:多|余)?"
                    rf"(?:{_UNITS})?(?:多|余)?(?:以上|以下|以来|以内|左右|之多)?")


@dataclass(frozen=True)
class Run:
    """Text in one font, size, colour and rise; ``None`` takes the paragraph style's value."""

    text: str
    font: str | None = None
    size: float | None = None
    color: Color | None = None
    rise: float = 0.0
    glued: bool = False  # no line break just before this run (a source marker stays with what it cites)
    link: str | None = None  # name of a destination in the document
    role: str | None = None  # a structure element of its own inside the paragraph's (Reference ...)


def marker(number: int, size: float) -> Run:
    """A source marker ``[n]`` in superscript, after text set at ``size`` (never under ``MARKER_MIN``)."""
    return Run(f"[{number}]", size=max(MARKER_MIN, size * MARKER_SCALE), rise=size * MARKER_RISE, glued=True,
               role="Reference")


@lru_cache(maxsize=1024)
def unsplit(text: str, words: tuple[str, ...] = ()) -> frozenset[int]:
    """Indices no line may start at: inside a figure with its qualifier and unit, or inside one of ``words``."""
    spans = [match.span() for match in FIGURE.finditer(text)]
    for word in words:
        if len(word) > 1:
            at = text.find(word)
            while at >= 0:
                spans.append((at, at + len(word)))
                at = text.find(word, at + 1)
    return frozenset(k for start, end in spans for k in range(start + 1, end))


PHRASE_RANK = {**dict.fromkeys("：；。？！—", 0), **dict.fromkeys("，", 1), **dict.fromkeys("、）》” ", 2)}


def phrased(text: str, style: ParagraphStyle, width: float, words: tuple[str, ...] = ()) -> str:
    """A centred title's text with a line break where a reader pauses: after the strongest punctuation
    mark that leaves both lines fitting, nearest the middle; failing that, the allowed break nearest the
    middle (never inside a figure or one of ``words``). Unchanged when it fits on one line."""
    block = TextBlock(text, style, words=words)
    prefix = block._prefix_widths()
    total = prefix[-1]
    if total <= width + _FUZZ or "\n" in text:
        return text
    allowed = break_points(text, block._glued)
    fitting = [k for k in range(1, len(text)) if allowed[k] and prefix[k] <= width + _FUZZ
               and total - prefix[k] <= width + _FUZZ]
    if not fitting:
        return text
    best = min(fitting, key=lambda k: (PHRASE_RANK.get(text[k - 1], 3), abs(2 * prefix[k] - total)))
    return text[:best] + "\n" + text[best:]


def _is_word_char(ch: str) -> bool:
    """Part of a digit or Latin run, which is never split."""
    return ord(ch) < 0x2E80 and not ch.isspace() and ch not in NO_LINE_START and ch not in NO_LINE_END \
        and ch not in "“”‘’—…·" or ch in ".,%:/-'"


@lru_cache(maxsize=512)  # the fit lays a brief's ~30 texts out at several sizes
def break_points(text: str, glued: frozenset[int] = frozenset()) -> bytes:
    """``result[k]`` (0 or 1): may a line start at character ``k``? (``k`` = 0 and forced breaks excepted.)"""
    allowed = bytearray(len(text))
    for k in range(1, len(text)):
        before, ch = text[k - 1], text[k]
        if k in glued or ch in NO_LINE_START or before in NO_LINE_END or ch.isspace() or before == "\n" \
                or before == NBSP:
            continue
        if before.isspace():
            allowed[k] = 1
        elif before == ch and ch in UNSPLIT_PAIRS:
            continue
        elif _is_word_char(before) and _is_word_char(ch):
            continue
        else:
            allowed[k] = 1
    return bytes(allowed)


@lru_cache(maxsize=64)
def _width_table(font_name: str) -> tuple[dict[int, float], float]:
    face = pdfmetrics.getFont(font_name).face
    return face.charWidths, face.defaultWidth


class _Advances(dict):
    """One face at one size: each character's advance in points, worked out the first time it is asked
    for (a lookup per character then, instead of a lookup, an ``ord`` and a multiplication)."""

    def __init__(self, font_name: str, size: float):
        super().__init__()
        self.table, self.default = _width_table(font_name)
        self.scale = size / 1000

    def __missing__(self, ch: str) -> float:
        advance = self[ch] = self.scale * self.table.get(ord(ch), self.default)
        return advance


@lru_cache(maxsize=256)
def _advances(font_name: str, size: float) -> _Advances:
    return _Advances(font_name, size)


@dataclass(slots=True)  # not frozen: a frozen dataclass is made at twice the cost, and there is one per line
class Line:
    start: int  # index into the block's text
    end: int  # exclusive; trailing spaces and the forced break are not drawn
    width: float
    ends_paragraph: bool  # the last line, or one ended by a forced break: not justified


class TextBlock(Flowable):
    """A paragraph: ``runs`` of plain text (no markup) in a ParagraphStyle's font, leading, alignment."""

    def __init__(self, runs: Sequence[Run] | str, style: ParagraphStyle, continued: bool = False,
                 role: str = "P", words: tuple[str, ...] = ()):
        super().__init__()
        self.role = role  # its structure element (P, H1, H2 ...)
        runs = [Run(runs)] if isinstance(runs, str) else [run for run in runs if run.text]
        # a tab is a space here (the faces have no tab glyph; a line break is the only other control kept)
        runs = [replace(run, text=run.text.replace("\t", " ")) if "\t" in run.text else run for run in runs]
        self.runs = _with_fallbacks(runs, style.fontName)
        self.words = words
        self.style = style
        self.continued = continued  # a piece after a split: no first-line indent, no space before
        self.text = "".join(run.text for run in self.runs)
        self._run_of: list[int] = []
        glued = set()
        for index, run in enumerate(self.runs):
            if run.glued:
                glued.add(len(self._run_of))
            self._run_of.extend([index] * len(run.text))
        self._glued = frozenset(glued) | unsplit(self.text, words)
        self._squeeze: dict[int, float] = {}  # index -> points taken off its advance
        self._wrapped_for: float | None = None
        self._prefix: list[float] = [0.0]
        self.lines: list[Line] = []
        self.width = self.height = 0.0

    # ---- measuring -------------------------------------------------------------------------------
    def _prefix_widths(self) -> list[float]:
        """``result[k]``: the width of the first ``k`` characters, adjacent punctuation compressed."""
        st = self.style
        widths: list[float] = []
        sizes: list[float] = []
        for run in self.runs:
            size = run.size or st.fontSize
            widths.extend(map(_advances(run.font or st.fontName, size).__getitem__, run.text))
            sizes.extend([size] * len(run.text))
        self._squeeze = squeeze = _squeezed(self.text, widths, sizes)
        for k, amount in squeeze.items():
            widths[k] -= amount
        return list(accumulate(widths, initial=0.0))

    def _count(self, start: int, end: int) -> int:
        """Characters of ``text[start:end]`` a reader counts: no punctuation, space or source marker."""
        runs, run_of, text = self.runs, self._run_of, self.text
        return sum(1 for k in range(start, end)
                   if not runs[run_of[k]].rise and text[k] not in PUNCTUATION and not text[k].isspace())

    def _first_indent(self) -> float:
        return 0.0 if self.continued else self.style.firstLineIndent

    def break_lines(self, width: float) -> list[Line]:
        """Greedy: each line takes as many characters as fit, then backs up to the last allowed break."""
        st = self.style
        text, allowed = self.text, break_points(self.text, self._glued)
        prefix = self._prefix = self._prefix_widths()
        inner = width - st.leftIndent - st.rightIndent
        lines: list[Line] = []
        n, start = len(text), 0
        newline = text.find("\n")
        while start < n:
            limit = inner - (self._first_indent() if not lines else 0.0)
            if 0 <= newline < start:
                newline = text.find("\n", start)
            hard_end = newline if newline >= 0 else n
            fits = bisect_right(prefix, prefix[start] + limit + _FUZZ, start + 1, hard_end + 1) - 1
            if fits >= hard_end:  # the rest, up to a forced break, fits
                end, forced = hard_end, hard_end < n
            else:  # character ``fits`` overflows
                end = fits
                while end > start and not allowed[end]:
                    end -= 1
                if end <= start:  # no break point fits: split the run
                    end = max(fits, start + 1)
                forced = False
            shown = end
            while shown > start and text[shown - 1].isspace():
                shown -= 1
            lines.append(Line(start, shown, prefix[shown] - prefix[start], forced or end >= n))
            start = end + 1 if forced else end
            while start < n and text[start] == " ":
                start += 1
        if st.alignment == TA_JUSTIFY and len(lines) > 1 and not lines[-2].ends_paragraph:
            self._no_short_last_line(lines, allowed)
        return lines

    def _no_short_last_line(self, lines: list[Line], allowed: bytes) -> None:
        """Pull characters down from the line before so the last has ``MIN_LAST_LINE`` or more."""
        last, before = lines[-1], lines[-2]
        if self._count(last.start, last.end) >= MIN_LAST_LINE:
            return
        prefix = self._prefix
        for k in range(last.start - 1, before.start + 1, -1):
            if allowed[k] and self._count(k, last.end) >= MIN_LAST_LINE:
                if self._count(before.start, k) < MIN_LAST_LINE:
                    return
                lines[-2] = Line(before.start, k, prefix[k] - prefix[before.start], False)
                lines[-1] = Line(k, last.end, prefix[last.end] - prefix[k], True)
                return

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped_for != available_width:
            self.lines = self.break_lines(available_width)
            self._wrapped_for = available_width
        self.width = available_width
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return 0.0 if self.continued else self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        fit = int((available_height + _FUZZ) // self.style.leading)
        if fit >= len(self.lines):
            return [self]
        if fit < 2:  # nothing fits, or one line would be left alone at the foot of a page
            return []
        cut = self.lines[fit].start
        head = TextBlock(self._slice(0, cut), _without_space_after(self.style), self.continued, self.role, self.words)
        tail = TextBlock(self._slice(cut, len(self.text)), self.style, continued=True, role=self.role, words=self.words)
        return [head, tail]

    def _slice(self, start: int, end: int) -> list[Run]:
        out, position = [], 0
        for run in self.runs:
            low, high = max(start, position), min(end, position + len(run.text))
            if low < high:
                out.append(Run(run.text[low - position:high - position], run.font, run.size, run.color, run.rise,
                               run.glued and low == position, run.link, run.role))
            position += len(run.text)
        return out

    # ---- drawing ---------------------------------------------------------------------------------
    def draw(self) -> None:
        if not self.lines:
            return
        st = self.style
        canvas = self.canv
        doc = canvas._doc
        tags = canvas.tags
        close, open_, _ = tags.begin(self.role)
        code = [*close, "BT", *open_]
        inline: tuple[int, tagging.Element] | None = None  # the run tagged on its own now, and its element
        state: tuple | None = None
        spacing = 0.0
        links: list[tuple[str, tuple[float, float, float, float], tagging.Element]] = []
        for number, line in enumerate(self.lines):
            indent = self._first_indent() if number == 0 else 0.0
            slack = self.width - st.leftIndent - st.rightIndent - indent - line.width
            characters = line.end - line.start
            left = st.leftIndent + indent
            wanted_spacing = 0.0
            if st.alignment == TA_CENTER:
                left += slack / 2
            elif st.alignment == TA_RIGHT:
                left += slack
            elif st.alignment == TA_JUSTIFY and not line.ends_paragraph and characters > 1 and slack > 0:
                wanted_spacing = min(slack / (characters - 1), MAX_SPACING * st.fontSize)
            baseline = self.height - st.fontSize - number * st.leading
            code.append(f"1 0 0 1 {fp_str(left, baseline)} Tm")
            if wanted_spacing != spacing:
                code.append(f"{fp_str(wanted_spacing)} Tc")
                spacing = wanted_spacing
            cursor, position = left, line.start
            for run_index, piece in self._segments(line):
                run = self.runs[run_index]
                if inline and inline[0] != run_index:
                    close, reopen = tags.end()
                    code += close + reopen
                    inline = None
                role = "Link" if run.link else run.role
                if role and not inline:
                    close, open_, element = tags.begin(role)
                    code += close + open_
                    inline = run_index, element
                font, size = run.font or st.fontName, run.size or st.fontSize
                wanted = (font, size, run.color or st.textColor, run.rise)
                if wanted != state:
                    if state is None or wanted[:2] != state[:2]:
                        code.append(cidfont.select(doc, font, size))
                    if state is None or wanted[2] != state[2]:
                        code += _fill_operators(canvas, wanted[2])
                    if state is None or wanted[3] != state[3]:
                        code.append(f"{fp_str(run.rise)} Ts")
                    state = wanted
                cut = position
                for k in range(position, position + len(piece)):
                    if k in self._squeeze:  # the next character moves left: place it anew
                        code.append(cidfont.show(doc, font, self.text[cut:k + 1]))
                        x = cursor + self._prefix[k + 1] - self._prefix[position] + spacing * (k + 1 - position)
                        code.append(f"1 0 0 1 {fp_str(x, baseline)} Tm")
                        cut = k + 1
                if cut < position + len(piece):
                    code.append(cidfont.show(doc, font, self.text[cut:position + len(piece)]))
                advance = self._prefix[position + len(piece)] - self._prefix[position] + spacing * len(piece)
                if run.link:
                    links.append((run.link, (cursor, baseline - size * 0.25, cursor + advance, baseline + size * 0.9),
                                  inline[1]))
                cursor += advance
                position += len(piece)
        if inline:
            close, reopen = tags.end()
            code += close + reopen
        close, reopen = tags.end()
        canvas._code.append(" ".join([*code, *close, "ET", *reopen]))
        for name, rect, element in links:
            canvas.linkRect("", name, rect, relative=1, thickness=0)
            tagging.link_annotation(canvas, element)

    def _segments(self, line: Line) -> list[tuple[int, str]]:
        """The line cut where its runs change: (run index, text)."""
        out: list[tuple[int, str]] = []
        k = line.start
        while k < line.end:
            run_index = self._run_of[k]
            j = k
            while j < line.end and self._run_of[j] == run_index:
                j += 1
            out.append((run_index, self.text[k:j]))
            k = j
        return out


def _squeezed(text: str, widths: list[float], sizes: list[float]) -> dict[int, float]:
    """Half an em off the first of two adjacent full-width marks where its blank half faces the second."""
    out: dict[int, float] = {}
    for match in _ADJACENT_MARKS.finditer(text):
        k = match.start()
        if widths[k] > 0.9 * sizes[k] and widths[k + 1] > 0.9 * sizes[k + 1]:
            out[k] = sizes[k] / 2
    return out


_LEFT, _RIGHT = "".join(sorted(INK_LEFT)), "".join(sorted(INK_RIGHT))
_ADJACENT_MARKS = re.compile(f"[{_LEFT}](?=[{_LEFT}{_RIGHT}])|[{_RIGHT}](?=[{_RIGHT}])")


def _with_fallbacks(runs: list[Run], default_font: str) -> list[Run]:
    """Runs cut where a character is set in a fallback face (the 仿宋 has no Latin or digits)."""
    faces = fonts.register()
    out: list[Run] = []
    for run in runs:
        font = run.font or default_font
        pieces = faces.pieces(font, run.text)
        if len(pieces) == 1 and pieces[0][0] == font:
            out.append(run)
            continue
        for number, (face, text) in enumerate(pieces):
            out.append(Run(text, face, run.size, run.color, run.rise, run.glued and number == 0, run.link,
                           run.role))
    return out


_FILLS: dict[tuple, list[str]] = {}


def _fill_operators(canvas, color: Color) -> list[str]:
    """The operators that set ``color`` for text, as ReportLab writes them (grey printing converts them)."""
    key = (type(color), color, canvas._enforceColorSpace)  # a Color hashes and compares by its values
    operators = _FILLS.get(key)
    if operators is None:
        text = canvas.beginText()
        text._code = []
        text.setFillColor(color)
        operators = _FILLS[key] = list(text._code)
    return operators


def _without_space_after(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "-head", parent=style, spaceAfter=0)


class TwoEnds(Flowable):
    """One line with a text at its left end and another at its right (unit and date of a 报头 or 版记)."""

    def __init__(self, left: TextBlock, right: TextBlock, space_before: float = 0.0, space_after: float = 0.0):
        super().__init__()
        self.left, self.right = left, right
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        heights = [block.wrap(available_width, available_height)[1] for block in (self.left, self.right)]
        self.width, self.height = available_width, max(heights)
        return self.width, self.height

    def draw(self) -> None:
        for block in (self.left, self.right):
            block.drawOn(self.canv, 0, self.height - block.height)
