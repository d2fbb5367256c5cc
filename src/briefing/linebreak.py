"""Chinese line breaking (GB/T 15834-2011 §5.1) and justification for ReportLab's CJK wrapping.

ReportLab 5.1 lets ，；：！？》… start a line and 《（“ end one. ``install()`` replaces its two CJK
splitters (``textsplit.dumbSplit`` for single-style paragraphs, ``paragraph.cjkFragSplit`` for
paragraphs with inline markup) with versions that push the previous character down to the next
line whenever a break would put a closing mark first or an opening mark last. Runs of digits and
Latin letters are kept whole, as ReportLab does.

ReportLab justifies only by widening spaces, which Chinese lines do not have, so ``TA_JUSTIFY`` leaves
them ragged. ``install()`` also replaces its two justifying line drawers: a line without spaces is
spread by character spacing (PDF ``Tc``) instead. The last line of a paragraph stays flush left.
"""
from __future__ import annotations

from unicodedata import category

from reportlab.lib import textsplit
from reportlab.platypus import paragraph
from reportlab.rl_config import _FUZZ

ORIGINAL = (textsplit.dumbSplit, paragraph.cjkFragSplit)  # ReportLab's own, kept for tests and comparison
_JUSTIFY_SIMPLE = paragraph._justifyDrawParaLine
_JUSTIFY_FRAGS = paragraph._justifyDrawParaLineX

NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕〉〗…—·％‰℃!),.:;?]}") | frozenset(textsplit.ALL_CANNOT_START)
NO_LINE_END = frozenset("“‘（《「『【〔〈〖([{") | frozenset(textsplit.ALL_CANNOT_END)


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x3000


def _latin_run_start(chars: list[str] | str, start: int, i: int) -> int:
    """Where the Latin/digit run ending before ``i`` begins (not before the line's middle)."""
    for j in range(i - 1, (start + i) >> 1, -1):
        if category(chars[j]) == "Zs" or _is_wide(chars[j]):
            return j + 1
    return i - 1


def break_index(chars: list[str] | str, start: int, i: int) -> int:
    """``chars[start:i]`` overflowed the line: the index of the next line's first character."""
    b = _latin_run_start(chars, start, i) if not _is_wide(chars[i - 1]) else i - 1
    if b <= start:
        b = start + 1
    j = b
    while start + 1 < j < len(chars) and (chars[j] in NO_LINE_START or chars[j - 1] in NO_LINE_END):
        j -= 1
    return j if j > start + 1 or b == start + 1 else b


def dumb_split(word, widths, maxWidths):  # noqa: N803 - ReportLab's signature
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]
    lines, i, used, start, max_width = [], 0, 0, 0, maxWidths[0]
    while i < len(word):
        used += widths[i]
        i += 1
        if used > max_width + _FUZZ:
            b = break_index(word, start, i)
            lines.append([max_width - sum(widths[start:b]), word[start:b].strip()])
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            start = i = b
            used = 0
    if start < len(word):
        lines.append([max_width - sum(widths[start:]), word[start:]])
    return lines


def cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):  # noqa: N803 - ReportLab's signature
    units = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        units.extend([paragraph.cjkU(t, frag, encoding) for t in text] if text
                     else [paragraph.cjkU(text, frag, encoding)])

    def width(unit, max_width):
        w = unit.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return w

    chars = [str(u) or "\0" for u in units]
    lines, i, used, start, max_width = [], 0, 0, 0, maxWidths[0]
    while i < len(units):
        unit = units[i]
        i += 1
        used += width(unit, max_width)
        line_break = hasattr(unit.frag, "lineBreak")
        if (used > max_width + _FUZZ and used > 0) or line_break:
            b = i if line_break else break_index(chars, start, i)
            w = sum(width(u, max_width) for u in units[start:b])
            lines.append(paragraph.makeCJKParaLine(units[start:b], max_width, w, max_width - w, line_break,
                                                   calcBounds))
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            start = i = b
            used = 0
    if start < len(units):
        w = sum(width(u, max_width) for u in units[start:])
        lines.append(paragraph.makeCJKParaLine(units[start:], max_width, w, max_width - w, False, calcBounds))
    return paragraph.ParaLines(kind=1, lines=lines)


def justify_simple_line(tx, offset, extraspace, words, last=0):
    """A line of a single-style paragraph: spread a space-less line by character spacing."""
    text = " ".join(words)
    if last or extraspace <= 1e-8 or len(text) < 2 or " " in text or "\xa0" in text:
        return _JUSTIFY_SIMPLE(tx, offset, extraspace, words, last)
    tx.setCharSpace(extraspace / (len(text) - 1))
    try:
        return _JUSTIFY_SIMPLE(tx, offset, 0.0, words, last)
    finally:
        tx.setCharSpace(0)


def justify_frag_line(tx, offset, line, last=0):
    """A line of a paragraph with inline markup: the same, across its fragments."""
    texts = [word.text for word in line.words if not hasattr(word, "cbDefn")]
    count = sum(len(text) for text in texts)
    if last or line.lineBreak or line.extraSpace <= 1e-8 or count < 2 or any(" " in t or "\xa0" in t for t in texts):
        return _JUSTIFY_FRAGS(tx, offset, line, last)
    tx.setCharSpace(line.extraSpace / (count - 1))
    try:
        return paragraph._leftDrawParaLineX(tx, offset, line, last)
    finally:
        tx.setCharSpace(0)


def install() -> None:
    """Make ReportLab's CJK wrapping follow GB/T 15834, and its justification work for it (idempotent)."""
    textsplit.dumbSplit = dumb_split
    paragraph.cjkFragSplit = cjk_frag_split
    paragraph._justifyDrawParaLine = justify_simple_line
    paragraph._justifyDrawParaLineX = justify_frag_line
