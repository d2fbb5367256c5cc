"""GB/T 15834 §5.1: no line starts with a closing mark or ends with an opening one; numbers stay whole."""
from __future__ import annotations

import pytest
from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, paragraph

from briefing import fonts, linebreak

CLOSING = "，。、；：？！）」』》〉】”’…"
OPENING = "（「『《〈【“‘"
SIZE = 10.0
CHARS_PER_LINE = 10


def lines_of(text: str, markup: bool = False) -> list[str]:
    """The lines ReportLab breaks ``text`` into in a column exactly 10 ideographs wide."""
    fonts.register()
    linebreak.install()
    style = ParagraphStyle("probe", fontName=fonts.SERIF, fontSize=SIZE, leading=SIZE * 1.5, wordWrap="CJK")
    if markup:  # a second style run sends the paragraph through cjkFragSplit instead of dumbSplit
        text = text + '<font size="9">。</font>'
    para = Paragraph(text, style)
    para.wrap(SIZE * CHARS_PER_LINE + 0.01, 1000)
    lines = []
    for line in para.blPara.lines:
        if hasattr(line, "words"):
            lines.append("".join(str(getattr(w, "text", w)) for w in line.words))
        else:
            lines.append("".join(str(u) for u in line[1]) if isinstance(line[1], list) else str(line[1]))
    return [line.strip() for line in lines]


def assert_gbt15834(lines: list[str]) -> None:
    for number, line in enumerate(lines, 1):
        assert line, f"line {number} is empty"
        if number > 1:
            assert line[0] not in linebreak.NO_LINE_START, f"line {number} starts with {line[0]!r}: {lines}"
        if number < len(lines):
            assert line[-1] not in linebreak.NO_LINE_END, f"line {number} ends with {line[-1]!r}: {lines}"


@pytest.mark.parametrize("markup", [False, True], ids=["single-style", "markup"])
@pytest.mark.parametrize("mark", list(CLOSING))
def test_closing_mark_never_starts_a_line(mark: str, markup: bool) -> None:
    text = "援" * CHARS_PER_LINE + mark + "疆" * 14  # the mark falls exactly on the start of line 2
    lines = lines_of(text, markup)
    assert len(lines) >= 2
    assert_gbt15834(lines)
    assert "".join(lines).startswith(text), "no character lost or reordered"


@pytest.mark.parametrize("markup", [False, True], ids=["single-style", "markup"])
@pytest.mark.parametrize("mark", list(OPENING))
def test_opening_mark_never_ends_a_line(mark: str, markup: bool) -> None:
    text = "援" * (CHARS_PER_LINE - 1) + mark + "疆" * 14  # the mark falls on the last place of line 1
    lines = lines_of(text, markup)
    assert_gbt15834(lines)
    assert "".join(lines).startswith(text)


def test_default_reportlab_breaks_badly_so_the_fix_matters() -> None:
    """Guards the monkey-patch: with ReportLab's own splitters the probe does break the rule."""
    saved = textsplit.dumbSplit, paragraph.cjkFragSplit
    try:
        textsplit.dumbSplit, paragraph.cjkFragSplit = linebreak.ORIGINAL
        style = ParagraphStyle("probe", fontName=fonts.SERIF, fontSize=SIZE, leading=15, wordWrap="CJK")
        fonts.register()
        para = Paragraph("援" * CHARS_PER_LINE + "，" + "疆" * 14, style)
        para.wrap(SIZE * CHARS_PER_LINE + 0.01, 1000)
        second = "".join(para.blPara.lines[1][1]) if para.blPara.lines else ""
        assert second.startswith("，")
    finally:
        textsplit.dumbSplit, paragraph.cjkFragSplit = saved


@pytest.mark.parametrize("markup", [False, True], ids=["single-style", "markup"])
def test_digits_and_latin_words_are_not_split(markup: bool) -> None:
    for word in ("2021", "459.45", "AI", "Noto"):
        text = "援" * (CHARS_PER_LINE - 2) + word + "疆" * 12
        lines = lines_of(text, markup)
        assert any(word in line for line in lines), f"{word!r} was split: {lines}"
        assert_gbt15834(lines)


def test_long_mixed_paragraph_obeys_every_rule() -> None:
    text = ("安徽援疆指挥部（皮山工作组）探索“四化四链”模式，在安徽设立3个前置仓、建立900家以上销售门店；"
            "2020年助销农副产品4.2万吨、6.2亿元！《十四五》规划：消费帮扶……“皖疆关爱”行动。") * 3
    for markup in (False, True):
        lines = lines_of(text, markup)
        assert_gbt15834(lines)
        assert "".join(lines).replace("。", "") .startswith(text.replace("。", "")[:50])


def test_a_one_character_column_terminates() -> None:
    fonts.register()
    linebreak.install()
    style = ParagraphStyle("probe", fontName=fonts.SERIF, fontSize=SIZE, leading=15, wordWrap="CJK")
    para = Paragraph("“援疆”，《简报》。", style)
    para.wrap(SIZE + 0.01, 1000)
    assert len(para.blPara.lines) >= 4


def line_right_edges(markup: bool) -> tuple[list[float], float]:
    """Right edge of every line of a justified CJK paragraph, read back from the PDF with pdfium."""
    import io

    import pypdfium2 as pdfium
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.platypus import SimpleDocTemplate

    fonts.register()
    linebreak.install()
    style = ParagraphStyle("probe", fontName=fonts.SERIF, fontSize=SIZE, leading=SIZE * 1.6, wordWrap="CJK",
                           alignment=TA_JUSTIFY)
    text = ("安徽援疆指挥部探索“四化四链”模式，在安徽设立3个前置仓、建立900家以上销售门店；"
            "2020年助销农副产品4.2万吨、6.2亿元，并列入规划重点任务。") * 2
    if markup:  # a second style run mid-paragraph sends it through cjkFragSplit and the fragment drawer
        text = text.replace("销售门店", '销售<font size="9">门店</font>')
    buffer = io.BytesIO()
    width = SIZE * 17.3  # not a whole number of ideographs: every line has slack to spread
    doc = SimpleDocTemplate(buffer, pagesize=(width + 144, 400), leftMargin=72, rightMargin=72, topMargin=36,
                            bottomMargin=36, initialFontName=fonts.SERIF)
    doc.build([Paragraph(text, style)])
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    textpage = page.get_textpage()
    lines: dict[int, float] = {}
    for index in range(textpage.count_chars()):
        if textpage.get_text_range(index, 1).strip():
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            key = round(bottom / 4)
            lines[key] = max(lines.get(key, 0), right)
    edges = [lines[key] for key in sorted(lines, reverse=True)]
    return edges, 72 + width - 6  # the frame's default 6 pt padding


@pytest.mark.parametrize("markup", [False, True], ids=["single-style", "markup"])
def test_justified_lines_end_flush_right(markup: bool) -> None:
    edges, right = line_right_edges(markup)
    assert len(edges) >= 4
    for edge in edges[:-1]:  # every line but the last reaches the right margin
        assert right - 2.5 <= edge <= right + 0.5, (edge, right)
    assert edges[-1] < right - 20, "the last line stays flush left"
