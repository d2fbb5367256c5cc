"""Line breaking and drawing of TextBlock: GB/T 15834 §5.1, whole numbers, markers, justification, splits."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from briefing import fonts
from briefing.geometry import PageGeometry
from briefing.render import Bookmark
from briefing.textblock import NO_LINE_END, NO_LINE_START, Run, TextBlock, marker
from conftest import pdf_of_flowables

CLOSING = "，。、；：？！）」』》〉】”’…"
OPENING = "（「『《〈【“‘"
SIZE = 10.0
CHARS_PER_LINE = 10


def style(**kw: object) -> ParagraphStyle:
    fonts.register()
    return ParagraphStyle("probe", fontName=fonts.SERIF, fontSize=SIZE, leading=SIZE * 1.5, **kw)


def block_of(text: str, runs: bool = False, **kw: object) -> TextBlock:
    """``text`` as one run, or (``runs``) cut into three runs of different sizes at its thirds."""
    if runs:
        third = len(text) // 3
        parts = [Run(text[:third]), Run(text[third:2 * third], size=SIZE * 0.9), Run(text[2 * third:])]
        return TextBlock(parts, style(**kw))
    return TextBlock(text, style(**kw))


def lines_of(block: TextBlock, width: float = SIZE * CHARS_PER_LINE + 0.01) -> list[str]:
    block.wrap(width, 1000)
    return [block.text[line.start:line.end] for line in block.lines]


def assert_gbt15834(lines: list[str]) -> None:
    for number, line in enumerate(lines, 1):
        assert line, f"line {number} is empty"
        if number > 1:
            assert line[0] not in NO_LINE_START, f"line {number} starts with {line[0]!r}: {lines}"
        if number < len(lines):
            assert line[-1] not in NO_LINE_END, f"line {number} ends with {line[-1]!r}: {lines}"


@pytest.mark.parametrize("runs", [False, True], ids=["one-run", "three-runs"])
@pytest.mark.parametrize("mark", list(CLOSING))
def test_closing_mark_never_starts_a_line(mark: str, runs: bool) -> None:
    text = "援" * CHARS_PER_LINE + mark + "疆" * 14  # the mark falls exactly on the start of line 2
    lines = lines_of(block_of(text, runs))
    assert len(lines) >= 2
    assert_gbt15834(lines)
    assert "".join(lines) == text, "no character lost or reordered"


@pytest.mark.parametrize("runs", [False, True], ids=["one-run", "three-runs"])
@pytest.mark.parametrize("mark", list(OPENING))
def test_opening_mark_never_ends_a_line(mark: str, runs: bool) -> None:
    text = "援" * (CHARS_PER_LINE - 1) + mark + "疆" * 14  # the mark falls on the last place of line 1
    lines = lines_of(block_of(text, runs))
    assert_gbt15834(lines)
    assert "".join(lines) == text


@pytest.mark.parametrize("word", ["2021", "459.45", "3,000", "50%", "AI", "Noto"])
def test_digits_and_latin_words_are_not_split(word: str) -> None:
    text = "援" * (CHARS_PER_LINE - 2) + word + "疆" * 12
    lines = lines_of(block_of(text))
    assert any(word in line for line in lines), f"{word!r} was split: {lines}"
    assert_gbt15834(lines)


def test_a_marker_never_starts_a_line() -> None:
    runs = [Run("援" * CHARS_PER_LINE), marker(1, SIZE), Run("疆" * 12)]
    lines = lines_of(TextBlock(runs, style()))
    assert "".join(lines) == "援" * CHARS_PER_LINE + "[1]" + "疆" * 12
    assert not any(line.startswith("[") for line in lines), lines
    assert any(line.startswith("援[1]") for line in lines), "the marker took the character it cites along"


def test_long_mixed_paragraph_obeys_every_rule_and_keeps_every_character() -> None:
    text = ("安徽援疆指挥部（皮山工作组）探索“四化四链”模式，在安徽设立3个前置仓、建立900家以上销售门店；"
            "2020年助销农副产品4.2万吨、6.2亿元！《十四五》规划：消费帮扶……“皖疆关爱”行动。") * 3
    for runs in (False, True):
        lines = lines_of(block_of(text, runs))
        assert_gbt15834(lines)
        assert "".join(lines) == text
        assert not any("……"[0] == line[-1] and next_line.startswith("…")
                       for line, next_line in zip(lines, lines[1:])), "…… split across lines"


def test_no_break_at_a_no_break_space_and_forced_breaks_kept() -> None:
    lines = lines_of(block_of("目\u00a0\u00a0录" + "援" * 8 + "\n第二行"), width=SIZE * 3.5)
    assert lines[0].startswith("目\u00a0\u00a0录")
    assert lines[-1] == "第二行"


def test_a_one_character_column_terminates_and_keeps_everything() -> None:
    text = "“援疆”，《简报》。"
    lines = lines_of(block_of(text), width=SIZE + 0.01)
    assert len(lines) >= 4
    assert "".join(lines) == text


def test_split_keeps_every_character_and_drops_no_line() -> None:
    text = "援疆简报，" * 60
    block = block_of(text)
    block.wrap(SIZE * CHARS_PER_LINE + 0.01, 1000)
    total = len(block.lines)
    head, tail = block.split(SIZE * CHARS_PER_LINE + 0.01, SIZE * 1.5 * 4 + 1)
    assert len(lines_of(head)) == 4
    assert lines_of(head) + lines_of(tail) == lines_of(block)
    assert len(lines_of(tail)) == total - 4
    assert block.split(SIZE * CHARS_PER_LINE + 0.01, SIZE * 1.5 * 1.5) == [], "one line alone is not left behind"


def _frame(width: float) -> PageGeometry:
    """A page ``width`` wide inside 72 pt margins and a 6 pt frame padding (as SimpleDocTemplate's)."""
    return PageGeometry((width + 144, 400), top=36 + 6, left=72 + 6, right=72 + 6, bottom=36 + 6)


def right_edges(block: TextBlock, width: float) -> tuple[list[tuple[float, float]], float]:
    """(left, right) of every line of the block drawn in a frame, read back from the PDF with pdfium."""
    page = pdfium.PdfDocument(pdf_of_flowables([block], _frame(width)))[0]
    textpage = page.get_textpage()
    lines: dict[int, tuple[float, float]] = {}
    for index in range(textpage.count_chars()):
        if textpage.get_text_range(index, 1).strip():
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            key = round(bottom / 4)
            low, high = lines.get(key, (1e9, 0))
            lines[key] = (min(low, left), max(high, right))
    return [lines[key] for key in sorted(lines, reverse=True)], 72 + width - 6  # the frame's 6 pt padding


TEXT = ("安徽援疆指挥部探索“四化四链”模式，在安徽设立3个前置仓、建立900家以上销售门店；"
        "2020年助销农副产品4.2万吨、6.2亿元，并列入规划重点任务。") * 2


@pytest.mark.parametrize("runs", [False, True], ids=["one-run", "three-runs"])
def test_justified_lines_end_flush_right(runs: bool) -> None:
    width = SIZE * 17.3  # not a whole number of ideographs: every line has slack to spread
    edges, right = right_edges(block_of(TEXT, runs, alignment=TA_JUSTIFY), width)
    assert len(edges) >= 4
    for _, edge in edges[:-1]:  # every line but the last reaches the right margin
        assert right - 2.5 <= edge <= right + 0.5, (edge, right)
    assert edges[-1][1] < right - 20, "the last line stays flush left"


def test_centred_and_right_aligned_lines() -> None:
    width = SIZE * 17.3
    left = 72 + 6
    right = left + width - 12
    [(low, high)] = right_edges(block_of("援疆简报", alignment=TA_RIGHT), width)[0]
    assert right - 1.5 <= high <= right + 0.5
    [(low, high)] = right_edges(block_of("援疆简报", alignment=TA_CENTER), width)[0]
    assert abs((low - left) - (right - high)) < 1.5


def test_link_rectangles_cover_their_text_in_justified_lines() -> None:
    """A run with a link gets one rectangle per line it spans, over exactly its glyphs, Tc spacing included."""
    import pikepdf

    width = SIZE * 17.9  # almost an ideograph of slack on every line, spread over its characters
    linked = "援疆资金累计拨付三十七亿多元"
    runs = [Run("前言" * 12), Run(linked, link="target"), Run("后记" * 12)]
    data = pdf_of_flowables([Bookmark("target", "target"), TextBlock(runs, style(alignment=TA_JUSTIFY))],
                            _frame(width))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        rects = [[float(v) for v in annot.Rect] for annot in pdf.pages[0].Annots]
    textpage = pdfium.PdfDocument(data)[0].get_textpage()
    text = textpage.get_text_range()
    start = text.replace("\r\n", "").index(linked)
    boxes, seen = [], 0
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char in "\r\n":
            continue
        if start <= seen < start + len(linked):
            boxes.append(textpage.get_charbox(index))
        seen += 1
    assert len(rects) >= 2, "the linked run spans two lines"
    for left, bottom, right, top in boxes:
        centre = ((left + right) / 2, (bottom + top) / 2)
        assert any(r[0] <= centre[0] <= r[2] and r[1] <= centre[1] <= r[3] for r in rects), (centre, rects)
    covered = sum(r[2] - r[0] for r in rects)
    glyphs = sum(right - left for left, _, right, _ in boxes)
    assert covered < glyphs + len(linked) * SIZE * 0.6, "no rectangle runs far past its text"
