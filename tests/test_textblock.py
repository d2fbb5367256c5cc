"""Line breaking and drawing of TextBlock: GB/T 15834 §5.1, whole numbers, markers, justification, splits."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from briefing.page import fonts
from briefing.page.geometry import PageGeometry
from briefing.page.render import Bookmark
from briefing.page.textblock import NO_LINE_END, NO_LINE_START, Run, TextBlock, marker
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
    block = block_of(TEXT, runs, alignment=TA_JUSTIFY)
    edges, right = right_edges(block, width)
    assert len(edges) >= 4
    flush = 0
    for (_, edge), line in zip(edges[:-1], block.lines):  # every line but the last reaches the right margin…
        gaps = line.end - line.start - 1
        if width - 12 - line.width - (block.style.firstLineIndent if line is block.lines[0] else 0) \
                <= 0.1 * SIZE * gaps:
            assert right - 2.5 <= edge <= right + 0.5, (edge, right)
            flush += 1
        else:  # …unless that needs more than a tenth of an em between characters: then it may stop short
            assert edge <= right + 0.5
    assert flush >= 3
    assert edges[-1][1] < right - 10, "the last line stays flush left"


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


# ---- issue 15: figures, names, last lines, compression, spacing ------------------------------------
@pytest.mark.parametrize("figure", ["37亿多元", "3.4万吨", "2020年以来", "90%以上", "1200余场次", "近800台"])
def test_a_figure_with_its_qualifier_and_unit_is_never_split(figure: str) -> None:
    for before in range(CHARS_PER_LINE - len(figure), CHARS_PER_LINE):
        text = "援" * before + figure + "疆" * 12
        lines = lines_of(block_of(text))
        assert any(figure in line for line in lines), f"{figure!r} split: {lines}"


def test_a_named_region_is_never_split() -> None:
    text = "援" * (CHARS_PER_LINE - 3) + "和田地区皮山县" + "疆" * 12
    assert not any("和田地区皮山县" in line for line in lines_of(block_of(text)))  # split without the name
    lines = lines_of(TextBlock(text, style(), words=("和田地区皮山县",)))
    assert any("和田地区皮山县" in line for line in lines), lines


@pytest.mark.parametrize("tail", ["兴。", "用。", "线路。"])
def test_a_paragraph_never_ends_with_a_line_of_under_three_characters(tail: str) -> None:
    text = "援" * (2 * CHARS_PER_LINE) + tail
    plain = lines_of(block_of(text))
    justified = lines_of(block_of(text, alignment=TA_JUSTIFY))
    assert len([ch for ch in plain[-1] if ch not in "。"]) < 3, "the probe must make a short last line"
    assert len([ch for ch in justified[-1] if ch not in "。"]) >= 3, justified
    assert "".join(justified) == text


def test_adjacent_punctuation_takes_half_an_em_for_the_first_mark() -> None:
    solid = TextBlock("援疆援疆", style())
    squeezed = TextBlock("（专柜），", style())
    solid.wrap(1000, 1000)
    squeezed.wrap(1000, 1000)
    assert squeezed.lines[0].width == pytest.approx(4.5 * SIZE), "）， is one and a half ems"
    assert solid.lines[0].width == pytest.approx(4 * SIZE)


def test_justification_never_spaces_more_than_a_tenth_of_an_em() -> None:
    # a long unbreakable figure leaves a line far short: the spacing is capped, the rest stays at its end
    text = "援" * (CHARS_PER_LINE - 4) + "2020年以来" + "疆" * 12
    block = block_of(text, alignment=TA_JUSTIFY)
    pdf = pdf_of_flowables([block], _frame(SIZE * CHARS_PER_LINE + 12.01))
    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    lefts = [textpage.get_charbox(index)[0] for index in range(CHARS_PER_LINE - 4)]
    pitches = [b - a for a, b in zip(lefts, lefts[1:])]
    assert max(pitches) <= SIZE * 1.1 + 0.01
    assert max(pitches) > SIZE * 1.05, "the first line is spaced (up to the cap)"
