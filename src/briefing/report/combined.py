"""The combined report: cover and contents, overview table, charts, every province's page, sources, 报尾."""
from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from ..page import fonts
from ..page.colophon import colophon as colophon_flowables
from ..page.layout import CHINESE_ORDINALS, GREY, INK, PageGeometry, masthead, styles_for, table_style
from ..page.render import Body, Bookmark, Mark, add_page, draw_pages, metadata
from ..page.textblock import Run, TextBlock
from ..pdf.document import PdfDocument
from ..pdf.tagging import TableTags, tagged
from ..source.figures import printed_figure
from ..source.model import Brief, Kind, ReportSettings, source_numbers
from .compare import Figure, comparable, figures_of, kind_name, unbreakable_spans

CHART_KINDS = (Kind.funding, Kind.sales)
_SLACK = 2.0  # pt left free on each page the report cuts itself
MIN_FILL = 0.6  # share of the type area a page of the overview, charts or sources is planned to fill
# (at least half, as the issue asks, and a margin for what the plan's arithmetic does not see)
SMALLEST = 9.0  # pt: no text of the report's own pages is set smaller
APPENDIX_SIZES = (10.5, 10.0, 11.0, 9.5)  # the sources' text size: the first that ends the report well
APPENDIX_GAPS = (0.5, 0.6, 0.4, 0.7, 0.8, 0.3, 0.9, 1.0)  # the space before each source, in that size
OVERVIEW_NOTE = ("注：各数字按来源原文列出，下注统计时期；注“仅……”的只计该类的一部分（如一项活动、一笔专项资金）。"
                 "时期与口径不同的数字仅供对照，未作加总或排序；“≈”后为换算到同一单位的数值。")


# row heights of the overview and contents tables, measured once for every plan and drawing of a report
Measured = dict[tuple[str, object], list[float]]


@dataclass(frozen=True)
class Plan:
    """How the report is cut into pages: the contents on the cover page or a page of their own, the
    charts before the province pages (after the overview) or after them (before the sources), and the
    sources' text size and spacing. ``choose_plan`` takes the first that leaves no page of the report's
    own more than half white and ends it on an even page."""

    contents_on_cover: bool = False
    charts_in_back: bool = False
    appendix_size: float = APPENDIX_SIZES[0]
    appendix_gap: float = APPENDIX_GAPS[0]  # space before each source, in its text size

    @property
    def titles(self) -> dict[str, str]:
        """The parts' numbered titles, in the report's order."""
        order = ["overview", "provinces", "charts", "sources"] if self.charts_in_back else \
            ["overview", "charts", "provinces", "sources"]
        names = {"overview": "各省市主要数字对照", "charts": "主要数字图表", "provinces": "各省市简报",
                 "sources": "资料来源"}
        return {key: f"{CHINESE_ORDINALS[index]}、{names[key]}" for index, key in enumerate(order)}


# the charts after the overview if that works, and the contents on the cover to set the 报尾's page even
PLANS = tuple(Plan(cover, back, size, gap) for back in (False, True) for size in APPENDIX_SIZES
              for gap in APPENDIX_GAPS for cover in (False, True))


class Province:
    """A province of the combined report: its file stem, name, title, the kinds of its metrics, its
    figures for the overview and the charts, and its brief.

    The brief is kept pickled and unpickled when used (0.1 ms): a Brief object takes about 24 KB,
    its pickle about 4 KB, and a report of 1000 provinces holds every one of them while it is made.
    What more than one part of the report needs is taken out of it once, here.
    """

    __slots__ = ("stem", "name", "title", "regions", "period", "chart_figures", "overview_figures",
                 "_pickled")

    def __init__(self, stem: str, brief: Brief | bytes):
        if isinstance(brief, bytes):
            self._pickled, brief = brief, pickle.loads(brief)
        else:
            self._pickled = pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL)
        self.stem, self.name, self.title = stem, brief.province, brief.title
        self.regions, self.period = "、".join(brief.regions), brief.period
        figures = {kind: figures_of(brief, kind) for kind in dict.fromkeys(metric.kind for metric in brief.metrics)}
        self.chart_figures = {kind: next(iter(figures.get(kind, ())), None) for kind in CHART_KINDS}
        # each kind's figures as the overview prints them: the source's form, then its notes
        self.overview_figures = {kind: [(fig.printed, _notes(fig)) for fig in kind_figures]
                                 for kind, kind_figures in figures.items()}

    @property
    def kinds(self) -> Iterable[Kind]:
        """The kinds of its metrics (the overview's keys; a frozenset of them each took 0.7 MB of 1000)."""
        return self.overview_figures.keys()

    @property
    def brief(self) -> Brief:
        return pickle.loads(self._pickled)


def _notes(fig: Figure) -> str:
    """What a figure covers, under it: its period, its scope when it is part of its kind, its conversion."""
    return "\n".join(filter(None, (fig.metric.as_of, fig.scope and f"仅{fig.scope}", fig.common_text)))


class KeptText(TextBlock):
    """A paragraph whose lines never break inside a figure (37亿多元, 2019年6月, 1.13万人)."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__(text, style)
        # no line starts inside a figure: as before a glued run, which a Run per character would give
        self._glued = self._glued | frozenset(k for start, end in unbreakable_spans(self.text)
                                              for k in range(start + 1, end))


def _style(name: str, font: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, textColor=kw.pop("textColor", INK),
                          firstLineIndent=kw.pop("firstLineIndent", 0), alignment=kw.pop("alignment", TA_LEFT), **kw)


def _heading(title: str) -> TextBlock:
    return TextBlock(title, _style("part", fonts.SANS_BOLD, 16, 24, spaceAfter=10), role="H1")


class StreamedStory(list):
    """A story whose later flowables are made only when the build reaches them (ReportLab takes a story
    from its front and asks its length), so a long one is never held whole."""

    def __init__(self, head: list[Flowable], rest: Iterator[Flowable]):
        super().__init__(head)
        self._rest: Iterator[Flowable] | None = rest

    def __len__(self) -> int:
        while list.__len__(self) < 4 and self._rest is not None:
            following = next(self._rest, None)
            if following is None:
                self._rest = None
            else:
                self.append(following)
        return list.__len__(self)




class Flow:
    """Flowables cut into pages as they are added. The room left on the page is tracked, so a table or a
    chart is cut between its rows where the page ends (its head repeated), and only what must wait for
    the next page does. The result holds explicit page breaks: ``simulate`` and ReportLab agree on it."""

    def __init__(self, geometry: PageGeometry, room: float | None = None):
        self.width, self.height = geometry.width, geometry.height
        self.room = self.height if room is None else room
        self.at_top = room is None or room >= self.height
        self.after = 0.0  # the space after the last flowable, which a following space before overlaps
        self.out: list[Flowable] = []

    def mark(self, flowable: Flowable) -> None:
        """A zero-size flowable (a bookmark): it lands where the next flowable does."""
        self.out.append(flowable)

    def page_break(self) -> None:
        if not self.at_top:
            marks = []
            while self.out and isinstance(self.out[-1], Bookmark):  # a bookmark goes with what follows it
                marks.insert(0, self.out.pop())
            self.out += [PageBreak(), *marks]
            self.room, self.at_top, self.after = self.height, True, 0.0

    def _height(self, flowable: Flowable) -> float:
        before = 0.0 if self.at_top else max(flowable.getSpaceBefore() - self.after, 0.0)
        return before + flowable.wrap(self.width, self.height)[1] + flowable.getSpaceAfter()

    def _place(self, flowable: Flowable) -> None:
        self.room -= self._height(flowable)
        self.out.append(flowable)
        self.at_top, self.after = False, flowable.getSpaceAfter()

    def add(self, flowable: Flowable) -> None:
        """An unsplittable flowable, on this page if it fits, else on the next."""
        if self._height(flowable) > self.room - _SLACK:
            self.page_break()
        self._place(flowable)

    def add_rows(self, lead: list[Flowable], head: float, rows: list[float],
                 piece: Callable[[int, int, bool], Flowable], least: int = 2) -> None:
        """Rows of ``rows`` heights under a head ``head`` high (repeated on every page), cut into pieces
        (``piece(start, end, first)``) at page ends; ``lead`` (a heading) stays with the first piece, and
        a piece has at least ``least`` rows unless fewer are left."""
        def lead_height() -> float:
            return sum(self._height(f) if not isinstance(f, Bookmark) else 0.0 for f in lead)

        first_rows = sum(rows[:least])
        if lead_height() + head + first_rows > self.room - _SLACK:
            self.page_break()
        for flowable in lead:
            if isinstance(flowable, Bookmark):
                self.mark(flowable)
            else:
                self._place(flowable)
        start, first = 0, True
        while start < len(rows):
            room, end = self.room - _SLACK - head, start
            while end < len(rows) and rows[end] <= room:
                room -= rows[end]
                end += 1
            if end - start < min(least, len(rows) - start) and not self.at_top:
                self.page_break()
                continue
            if 0 < len(rows) - end < least and len(rows) - least >= start + least:
                end = len(rows) - least  # no piece of fewer rows than ``least`` left for the next page
            end = max(end, start + 1)  # a row taller than a page still goes somewhere
            self._place(piece(start, end, first))
            start, first = end, False
            if start < len(rows):
                self.page_break()


# ---- overview -----------------------------------------------------------------------------------------

LABEL_WIDTH = 78.0  # the kinds' column
MIN_COLUMN = 84.0  # a province's column: room for a period of five characters a line
MAX_COLUMNS = 5


@dataclass(frozen=True)
class OverviewStyles:
    head: ParagraphStyle = field(default_factory=lambda: _style("ov_head", fonts.SANS_BOLD, 10.5, 14,
                                                                alignment=TA_CENTER))
    label: ParagraphStyle = field(default_factory=lambda: _style("ov_label", fonts.SANS_BOLD, 9.5, 13))
    figure: ParagraphStyle = field(default_factory=lambda: _style("ov_figure", fonts.SERIF_BOLD, 10.5, 14))
    note: ParagraphStyle = field(default_factory=lambda: _style("ov_note", fonts.SERIF, 9, 12, textColor=GREY))
    text: ParagraphStyle = field(default_factory=lambda: _style("ov_text", fonts.SERIF, 9, 12))


def _figure_cell(figures: list[tuple[str, str]], st: OverviewStyles) -> list[Flowable]:
    if not figures:
        return [TextBlock("—", st.note)]
    out: list[Flowable] = []
    for printed, notes in figures:
        out += [KeptText(printed, st.figure), KeptText(notes, st.note)]
    return out


def _widest(pages: list[Province], st: OverviewStyles) -> float:
    """The widest thing a province's column must hold on one line: a figure, or a run of a note that
    may not break (a date, a figure), or the province's name."""
    widest = 0.0
    for page in pages:
        widest = max(widest, stringWidth(page.name, st.head.fontName, st.head.fontSize))
        for figures in page.overview_figures.values():
            for printed, notes in figures:
                widest = max(widest, stringWidth(printed, st.figure.fontName, st.figure.fontSize))
                for start, end in unbreakable_spans(notes):
                    widest = max(widest, stringWidth(notes[start:end], st.note.fontName, st.note.fontSize))
    return widest


_OVERVIEW_PADDING = 4.0


def overview_columns(pages: list[Province], width: float, st: OverviewStyles) -> int:
    """How many provinces one table sets side by side: as many as fit at least ``MIN_COLUMN`` wide and as
    wide as the widest figure, then evened out over the tables."""
    column = max(MIN_COLUMN, _widest(pages, st) + 2 * _OVERVIEW_PADDING)
    fit = max(1, min(MAX_COLUMNS, int((width - LABEL_WIDTH) // column), len(pages)))
    tables = math.ceil(len(pages) / fit) if pages else 1
    return max(1, math.ceil(len(pages) / tables)) if pages else 1


def overview(flow: Flow, pages: list[Province], title: str, mark: Bookmark, measured: Measured) -> None:
    """The kinds as rows, the provinces as columns (a few to a table, tables one after another): each
    figure in the source's form on one line, its period, scope and conversion under it."""
    st = OverviewStyles()
    kinds = comparable(kind for page in pages for kind in page.kinds)
    columns = overview_columns(pages, flow.width, st)
    province_width = (flow.width - LABEL_WIDTH) / columns
    style = table_style([
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#888888")), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#EDE7E3")),
        ("BACKGROUND", (0, 1), (0, -1), HexColor("#F6F3F1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), _OVERVIEW_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _OVERVIEW_PADDING), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    padding = _paddings(style)
    lead: list[Flowable] = [mark, _heading(title)]
    for first in range(0, len(pages), columns):
        group = pages[first:first + columns]
        widths = [LABEL_WIDTH] + [province_width] * len(group)

        def header(group: list[Province] = group) -> list:
            return [TextBlock("", st.head)] + [TextBlock(p.name, st.head) for p in group]

        def row(index: int, group: list[Province] = group) -> list:
            if index == 0:
                return [TextBlock("受援地区", st.label)] + [KeptText(p.regions, st.text) for p in group]
            if index == 1:
                return [TextBlock("时期", st.label)] + [KeptText(p.period, st.text) for p in group]
            kind = kinds[index - 2]
            return [TextBlock(kind_name(kind), st.label)] + \
                [_figure_cell(p.overview_figures.get(kind, []), st) for p in group]

        if ("overview", first) not in measured:
            measured["overview", first] = [_row_height(header(), widths, padding)] + \
                [_row_height(row(index), widths, padding) for index in range(len(kinds) + 2)]
        head, *heights = measured["overview", first]

        def piece(start: int, end: int, _first: bool, widths: list[float] = widths, header=header, row=row,
                  head: float = head, heights: list[float] = heights) -> Flowable:
            def make() -> Table:
                return Table([header(), *(row(index) for index in range(start, end))], colWidths=widths,
                             rowHeights=[head, *heights[start:end]], style=style, hAlign="LEFT",
                             renderCB=TableTags(header_rows=1, header_columns=1))
            return PageTable(make, sum(widths), head + sum(heights[start:end]), space_after=8)

        flow.add_rows(lead, head, heights, piece, least=3)
        lead = []
    flow.add(TextBlock(OVERVIEW_NOTE, _style("ov_footnote", fonts.SERIF, 9, 13.5, textColor=GREY, spaceAfter=14)))


class PageTable(Flowable):
    """One page's rows of a long table, whose height is known: the Table (and its rows' flowables) is
    made only when drawn and dropped after, so a table of 1000 provinces is never held whole. (ReportLab
    would re-wrap the rest of a long table at every page it splits: O(N²) for N rows.)"""

    def __init__(self, make: Callable[[], Table], width: float, height: float, space_after: float = 0.0):
        super().__init__()
        self.make, self.width, self.height = make, width, height
        self.hAlign, self.spaceAfter = "LEFT", space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        table = self.make()
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _paddings(style: TableStyle) -> dict[str, float]:
    """The cell paddings a style gives every cell (ReportLab's defaults where it gives none)."""
    padding = {"LEFTPADDING": 6.0, "RIGHTPADDING": 6.0, "TOPPADDING": 3.0, "BOTTOMPADDING": 3.0}
    for command in style.getCommands():
        if command[0] in padding:
            if (command[1], command[2]) != ((0, 0), (-1, -1)):
                raise ValueError(f"{command[0]} for some cells only: measure such a table with ReportLab's Table")
            padding[command[0]] = float(command[3])
    return padding


def _row_height(row: list, widths: list[float], padding: dict[str, float]) -> float:
    """A table row's height as ReportLab's Table works it out (a cell: its flowables' heights and the
    space between them, plus the top and bottom padding), without building a Table for it."""
    tallest = 0.0
    for cell, width in zip(row, widths):
        flowables = cell if isinstance(cell, list) else [cell]
        inner = width - padding["LEFTPADDING"] - padding["RIGHTPADDING"]
        total, first_before, after = 0.0, None, 0.0
        for flowable in flowables:
            height = flowable.wrap(inner, 72000)[1]
            before, after = flowable.getSpaceBefore(), flowable.getSpaceAfter()
            total += height + before + after
            first_before = before if first_before is None else first_before
        if flowables:
            tallest = max(tallest, total - first_before - after)
    return tallest + padding["TOPPADDING"] + padding["BOTTOMPADDING"]




# ---- charts -------------------------------------------------------------------------------------------

CHART_FILLS = {Kind.funding: HexColor("#5A5A5A"), Kind.sales: HexColor("#9A9A9A")}


@dataclass(frozen=True)
class ChartStyles:
    title: ParagraphStyle = field(default_factory=lambda: _style("ch_title", fonts.SANS_BOLD, 11, 16, spaceAfter=2))
    note: ParagraphStyle = field(default_factory=lambda: _style("ch_note", fonts.SERIF, 9, 13, textColor=GREY))
    name: ParagraphStyle = field(default_factory=lambda: _style("ch_name", fonts.SERIF, 10, 13))
    value: ParagraphStyle = field(default_factory=lambda: _style("ch_value", fonts.SERIF_BOLD, 9.5, 12))
    under: ParagraphStyle = field(default_factory=lambda: _style("ch_under", fonts.SERIF, 9, 12, textColor=GREY))


def chart_note(kind: Kind, figures: list[Figure | None], unit: str) -> str:
    """What the reader must know before comparing the bars, in words: periods differ, and when some
    figures count only part of the kind (a scope), that those bars are hollow and why."""
    scopes = {fig.scope for fig in figures if fig is not None}
    note = f"各条统计时期不同（见条下），仅供对照，不作排序；条长按{unit}换算。"
    if len(scopes) > 1 or scopes - {None}:
        note = (f"口径不同：空心条只计该省市{kind_name(kind)}的一部分（条下注明“仅……”），不是其总额，"
                "不宜与实心条比高低。") + note
    return note


class BarChart(Flowable):
    """Horizontal bars, one a province, in one grey (prints the same in black and white): the source's
    figure after each bar, its period (and scope) under it. A figure that counts only part of its kind
    is a hollow bar, named as that part; the note under the title says so in words."""

    ROW, FOOT = 31.0, 4.0

    def __init__(self, title: str, note: str, rows: list[tuple[str, Figure | None]], largest: float,
                 width: float, fill: Color):
        super().__init__()
        st = self.st = ChartStyles()
        self.rows, self.largest, self.fill, self.width = rows, largest, fill, width
        self.title_block = TextBlock(title, st.title)
        self.note_block = TextBlock(note, st.note)
        self.top = sum(block.wrap(width, 1000)[1] + block.getSpaceAfter()
                       for block in (self.title_block, self.note_block)) + 6
        self.label_width = max(40.0, max((stringWidth(name, st.name.fontName, st.name.fontSize)
                                          for name, _ in rows), default=0.0) + 10)
        self.height = self.top + self.ROW * len(rows) + self.FOOT
        self.spaceAfter = 12

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        with tagged(self.canv, "Figure", alt=self.description()):
            self._draw()

    def description(self) -> str:
        """The chart in words (its Figure's alternative text)."""
        bars = [f"{name}：" + ("无此项数据" if fig is None else fig.printed + (f"（仅{fig.scope}）" if fig.scope else ""))
                for name, fig in self.rows]
        return "".join(block.text for block in (self.title_block, self.note_block)) + "。" + "；".join(bars) + "。"

    def _draw(self) -> None:
        canvas, st, height = self.canv, self.st, self.height
        y = height
        for block in (self.title_block, self.note_block):
            y -= block.height
            block.drawOn(canvas, 0, y)
            y -= block.getSpaceAfter()
        values = [(f.printed, f.common_value) for _, f in self.rows if f and f.common_value is not None]
        label_room = max((stringWidth(printed, st.value.fontName, st.value.fontSize) for printed, _ in values),
                         default=0.0) + 8
        left = self.label_width
        bar_space = max(40.0, self.width - left - label_room)
        canvas.saveState()
        canvas.setLineWidth(0.6)
        canvas.setStrokeColor(INK)
        for index, (name, fig) in enumerate(self.rows):
            top = height - self.top - self.ROW * index
            label = TextBlock(name, st.name)
            label.wrap(left, 20)
            label.drawOn(canvas, 0, top - 13)
            if fig is None or fig.common_value is None:
                under = TextBlock("无此项数据" if fig is None else f"{fig.printed}（单位无法换算，未绘）", st.under)
                under.wrap(self.width - left, 20)
                under.drawOn(canvas, left + 4, top - 13)
                continue
            length = max(1.0, bar_space * fig.common_value / self.largest) if self.largest else 1.0
            canvas.setFillColor(white if fig.scope else self.fill)
            canvas.rect(left, top - 13, length, 11, stroke=1, fill=1)
            value = TextBlock(fig.printed, st.value)
            value.wrap(label_room + 40, 20)
            value.drawOn(canvas, left + length + 4, top - 13)
            under = KeptText(fig.metric.as_of + (f"；仅{fig.scope}" if fig.scope else ""), st.under)
            under.wrap(self.width - left, 20)
            under.drawOn(canvas, left + 4, top - 13 - 2 - under.height)
        canvas.line(left, height - self.top + 2, left, height - self.top - self.ROW * len(self.rows))
        canvas.restoreState()


def charts(flow: Flow, pages: list[Province], title: str, mark: Bookmark) -> None:
    """A chart a kind of ``CHART_KINDS``, every province a row, cut between rows at page ends."""
    lead: list[Flowable] = [mark, _heading(title)]
    kinds = [kind for kind in CHART_KINDS if any(p.chart_figures[kind] for p in pages)]
    for number, kind in enumerate(kinds, 1):
        rows = [(p.name, p.chart_figures[kind]) for p in pages]
        figures = [fig for _, fig in rows]
        values = [fig.common_value for fig in figures if fig and fig.common_value is not None]
        unit = next((fig.common_unit for fig in figures if fig and fig.common_unit), "亿元")
        note = chart_note(kind, figures, unit)
        heading = f"图{number}\u00a0\u00a0各省市{kind_name(kind)}"

        def piece(start: int, end: int, first: bool, rows=rows, note=note, heading=heading,
                  largest: float = max(values, default=0.0), kind: Kind = kind) -> BarChart:
            return BarChart(heading if first else heading + "（续）", note, rows[start:end], largest, flow.width,
                            CHART_FILLS[kind])

        head = BarChart(heading, note, [], 0.0, flow.width, CHART_FILLS[kind])
        flow.add_rows(lead, head.height + head.spaceAfter, [BarChart.ROW] * len(rows), piece, least=3)
        lead = []
    for flowable in lead:  # no province has a figure to chart: the part says so
        flow.add(flowable)
    if lead:
        flow.add(TextBlock("各省市均无可绘图的援疆资金或消费帮扶数字。", ChartStyles().note))


# ---- sources and 报尾 -----------------------------------------------------------------------------------

class Stack(Flowable):
    """Flowables kept on one page, one under another (a source with the figures taken from it)."""

    def __init__(self, flowables: list[Flowable], space_before: float = 0.0, gaps: float = 0.0):
        super().__init__()
        self.flowables, self.spaceBefore = flowables, space_before
        self.gaps = gaps  # how many of the plan's gaps its space before is (``Box.spaced``)
        self.width = self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(f.wrap(available_width, available_height)[1] for f in self.flowables) + \
            sum(f.getSpaceAfter() for f in self.flowables[:-1]) + \
            sum(f.getSpaceBefore() for f in self.flowables[1:])
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for index, flowable in enumerate(self.flowables):
            if index:
                y -= flowable.getSpaceBefore()
            y -= flowable.height
            flowable.drawOn(self.canv, 0, y)
            y -= flowable.getSpaceAfter()


def _date(source) -> str:
    return f"{source.date.year}年{source.date.month}月{source.date.day}日" if source.date else ""


def source_entries(brief: Brief, size: float, gap: float) -> list[Stack]:
    """A province's sources, numbered as on its page: publisher, title and date, the figures taken from
    each with the source's own words, and the parts of the page that cite it; each line unsplittable
    (``walk`` counts the pages as ReportLab fills them)."""
    title = _style("src_title", fonts.SERIF_BOLD, size, size * 1.5, leftIndent=2 * size, firstLineIndent=-2 * size)
    item = _style("src_item", fonts.SERIF, size - 0.5, (size - 0.5) * 1.5, leftIndent=2 * size)
    note = _style("src_note", fonts.SERIF, max(SMALLEST, size - 1), max(SMALLEST, size - 1) * 1.45, textColor=GREY,
                  leftIndent=2 * size)
    entries: list[Stack] = []
    numbers = source_numbers(brief)
    for source in brief.sources:
        described = ((source.publisher + "：") if source.publisher else "") + f"《{source.title}》"
        if source.date:
            described += f"，{_date(source)}"
        blocks: list[Flowable] = [KeptText(f"[{numbers[source.id]}]\u00a0" + described, title)]
        for metric in brief.metrics:
            if metric.source == source.id:
                blocks.append(KeptText(f"{metric.label}\u3000{printed_figure(metric)}"
                                       f"（{metric.as_of}）：原文“{metric.quote}”", item))
        cited = [f"{CHINESE_ORDINALS[index]}、{section.heading}" for index, section in enumerate(brief.sections)
                 if any(point.source == source.id for point in section.points)]
        if cited:
            blocks.append(TextBlock("正文引用此文：" + "；".join(cited) + "。", note))
        # the source's line stays with its first figure; the figures may go on over a page end
        entries += [Stack(blocks[:2], space_before=size * gap, gaps=1), *(Stack([block]) for block in blocks[2:])]
    return entries


def appendix(pages: list[Province], title: str, size: float, gap: float) -> Iterator[Flowable]:
    """Every province's sources under its name, in the report's order (made one by one as they are
    drawn: a report of 1000 provinces lists about 2000)."""
    name = _style("src_province", fonts.SANS_BOLD, size + 1, (size + 1) * 1.5, spaceBefore=size * 2 * gap)
    yield _heading(title)
    for page in pages:
        entries = source_entries(page.brief, size, gap)
        heading = TextBlock(f"{page.name}（{page.regions}）", name, role="H2")
        yield Stack([heading, *entries[0].flowables], space_before=name.spaceBefore, gaps=2)  # the name stays with a source
        yield from entries[1:]


class AtPageBottom(Flowable):
    """Content drawn at the bottom of the frame it lands in (the 报尾 sits at the foot of the last page)."""

    def __init__(self, flowables: list[Flowable]):
        super().__init__()
        self.flowables = flowables
        self.content_height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.content_height = sum(f.wrap(available_width, available_height)[1] + f.getSpaceBefore() +
                                  f.getSpaceAfter() for f in self.flowables)
        self.height = max(self.content_height, available_height - 1)
        return self.width, self.height

    def draw(self) -> None:
        y = self.content_height
        for flowable in self.flowables:
            y -= flowable.getSpaceBefore() + flowable.height
            flowable.drawOn(self.canv, 0, y)
            y -= flowable.getSpaceAfter()


def colophon(settings: ReportSettings) -> AtPageBottom:
    """报尾 (版记), as on each briefing page, at the foot of the last page."""
    return AtPageBottom(colophon_flowables(settings, INK))


# ---- cover and contents ----------------------------------------------------------------------------------

def cover(settings: ReportSettings, pages: list[Province], width: float) -> list[Flowable]:
    """The 报头 (name, issue, unit, date: each said once), the report's title and what it holds."""
    st = styles_for(14)
    title = ParagraphStyle("cover_title", parent=st.title, fontSize=26, leading=36, spaceBefore=64, spaceAfter=28)
    summary = _style("cover_summary", fonts.SERIF, 14, 24, firstLineIndent=28, spaceAfter=8)
    provinces = "、".join(page.name for page in pages[:40]) + ("等" if len(pages) > 40 else "")
    return masthead(settings, st, width) + [
        TextBlock(settings.title, title, role="H1"),
        TextBlock(f"本期汇编{len(pages)}个省市的对口援疆工作简报：{provinces}。", summary),
    ]


def _entry_title(page: Province) -> str:
    """The title, led by the province unless the title already names it."""
    return page.title if page.title.startswith(page.name) else f"{page.name}：{page.title}"


def contents_parts(provinces: list[Province], plan: Plan = Plan()) -> list[Mark]:
    """The entries of the contents, as the bookmarks their pages carry (key, title, level)."""
    titles = plan.titles
    parts: list[Mark] = []
    for key in titles:  # in the report's order
        parts.append(Mark(key, titles[key]))
        if key == "provinces":
            parts += [Mark(p.stem, _entry_title(p), 1) for p in provinces]
    return parts


def contents(flow: Flow, parts: list[Mark], numbers: dict[str, int], mark: Bookmark, measured: Measured) -> None:
    """Entries with page numbers, each a link; with no numbers yet, placeholders of the same width."""
    entry = _style("contents_entry", fonts.SERIF, 13, 20)
    sub = _style("contents_sub", fonts.SERIF, 12, 20, leftIndent=26)
    number = _style("contents_number", fonts.SERIF, 13, 20, alignment=TA_RIGHT)
    widths = [flow.width - 48, 48]

    def row(index: int) -> list:
        part = parts[index]
        page = numbers.get(part.key)
        link = part.key if page else None
        return [TextBlock([Run(part.title, link=link)], sub if part.level else entry),
                TextBlock([Run(str(page or 999), link=link)], number)]

    style = table_style([("LINEBELOW", (0, 0), (-1, -1), 0.3, HexColor("#BBBBBB")),
                         ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                         ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    padding = _paddings(style)
    for index, part in enumerate(parts):  # a row's height does not depend on its page number
        if ("contents", part.key) not in measured:
            measured["contents", part.key] = [_row_height(row(index), widths, padding)]
    heights = [measured["contents", part.key][0] for part in parts]
    heading = TextBlock("目\u00a0\u00a0\u00a0\u00a0录", _style("contents_heading", fonts.SANS_BOLD, 18, 26,
                                                             alignment=TA_CENTER, spaceBefore=24, spaceAfter=16),
                        role="H1")

    def piece(start: int, end: int, _first: bool) -> Flowable:
        return PageTable(lambda: Table([row(index) for index in range(start, end)], colWidths=widths,
                                       rowHeights=heights[start:end], style=style,
                                       renderCB=TableTags(0, "TOC", "TOCI", None)), sum(widths),
                         sum(heights[start:end]))

    flow.add_rows([mark, heading], 0.0, heights, piece, least=3)


def front_matter(provinces: list[Province], numbers: dict[str, int], recorded: dict[str, int],
                 settings: ReportSettings, geometry: PageGeometry, plan: Plan = Plan(),
                 measured: Measured | None = None) -> list[Flowable]:
    """Cover, contents, overview and (unless they go after the provinces) charts; bookmarks record the
    page each part lands on."""
    titles = plan.titles
    flow = Flow(geometry)
    flow.mark(Bookmark("cover", "封面", pages=recorded))
    for flowable in cover(settings, provinces, geometry.width):
        flow.add(flowable)
    if not plan.contents_on_cover:
        flow.page_break()
    measured = {} if measured is None else measured
    contents(flow, contents_parts(provinces, plan), numbers, Bookmark("contents", "目录", pages=recorded), measured)
    flow.page_break()
    overview(flow, provinces, titles["overview"], Bookmark("overview", titles["overview"], pages=recorded), measured)
    if not plan.charts_in_back:
        charts(flow, provinces, titles["charts"], Bookmark("charts", titles["charts"], pages=recorded))
    return flow.out


def back_charts(provinces: list[Province], geometry: PageGeometry, plan: Plan,
                recorded: dict[str, int] | None = None) -> list[Flowable]:
    """The charts, when they follow the province pages."""
    if not plan.charts_in_back:
        return []
    flow = Flow(geometry)
    charts(flow, provinces, plan.titles["charts"], Bookmark("charts", plan.titles["charts"], pages=recorded))
    return flow.out


def sources(provinces: list[Province], plan: Plan, recorded: dict[str, int] | None = None) -> Iterator[Flowable]:
    """The sources part, made as it is drawn."""
    title = plan.titles["sources"]
    entries = appendix(provinces, title, plan.appendix_size, plan.appendix_gap)
    heading = next(entries)
    first = [next(entries)] if provinces else []  # the heading stays with the first source
    yield Stack([Bookmark("sources", title, pages=recorded), heading, *first], space_before=12.0)
    yield from entries


def back_matter(provinces: list[Province], settings: ReportSettings, geometry: PageGeometry, plan: Plan,
                recorded: dict[str, int] | None = None) -> Iterator[Flowable]:
    """(The charts, when they follow the provinces,) the sources and the 报尾, made as they are drawn."""
    yield from back_charts(provinces, geometry, plan, recorded)
    yield from sources(provinces, plan, recorded)
    yield colophon(settings)


class Box(Flowable):
    """Where a flowable goes, for ``walk``: its height, spaces and bookmarks, but not its content; the
    sources measured once at a size serve every spacing (``spaced``) and both places of the charts."""

    def __init__(self, height: float, before: float, after: float, keys: tuple[str, ...], gaps: float):
        super().__init__()
        self.width, self.height, self.spaceBefore, self.spaceAfter = 0.0, height, before, after
        self.keys, self.gaps = keys, gaps

    @classmethod
    def of(cls, flowable: Flowable, geometry: PageGeometry) -> Box:
        return cls(flowable.wrap(geometry.width, geometry.height)[1], flowable.getSpaceBefore(),
                   flowable.getSpaceAfter(), tuple(_marks_in(flowable)), getattr(flowable, "gaps", 0.0))

    def spaced(self, plan: Plan) -> Box:
        if not self.gaps:
            return self
        return Box(self.height, self.gaps * plan.appendix_gap * plan.appendix_size, self.spaceAfter, self.keys,
                   self.gaps)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height


# ---- pages -----------------------------------------------------------------------------------------------

def _marks_in(flowable: Flowable) -> Iterator[str]:
    """The keys of the bookmarks a flowable carries."""
    if isinstance(flowable, Bookmark):
        yield flowable.key
    elif isinstance(flowable, Box):
        yield from flowable.keys
    elif isinstance(flowable, Stack):
        for inner in flowable.flowables:
            yield from _marks_in(inner)


def walk(story: Iterable[Flowable], geometry: PageGeometry) -> tuple[int, dict[str, int], list[float]]:
    """Pages a story of unsplittable flowables and page breaks takes, the page of each bookmark, and how
    much of each page's type area is used (points), following the frame's rules (spaceBefore dropped at
    a page top, and overlapping the spaceAfter before it; spaceAfter may overrun the bottom; the 报尾
    takes the foot of its page)."""
    page, room, at_top, marks, used, after = 1, geometry.height, True, {}, [0.0], 0.0
    for flowable in story:
        if isinstance(flowable, PageBreak):
            page, room, at_top, after = page + 1, geometry.height, True, 0.0
            used.append(0.0)
            continue
        if isinstance(flowable, Bookmark):
            marks[flowable.key] = page
            continue
        height = flowable.wrap(geometry.width, room)[1]
        if isinstance(flowable, AtPageBottom):
            height = flowable.content_height
        before = 0.0 if at_top else max(flowable.getSpaceBefore() - after, 0.0)  # spaces overlap
        if (before + height > room + 1e-6 or room - before <= 0) and not at_top:
            page, room, at_top, before = page + 1, geometry.height, True, 0.0
            used.append(0.0)
            if isinstance(flowable, AtPageBottom):
                flowable.wrap(geometry.width, room)
        for key in _marks_in(flowable):
            marks[key] = page
        taken = before + height + flowable.getSpaceAfter()
        used[-1] = min(geometry.height, used[-1] + taken)
        room = 0.0 if isinstance(flowable, AtPageBottom) else room - taken
        at_top, after = False, flowable.getSpaceAfter()
    return page, marks, used


def simulate(story: list[Flowable], geometry: PageGeometry) -> tuple[int, dict[str, int]]:
    """Pages a story takes and the page of each bookmark (``walk``)."""
    pages, marks, _ = walk(story, geometry)
    return pages, marks


@dataclass(frozen=True)
class Choice:
    """The plan a report is cut by, and where its back matter will land: how many pages it takes and
    the page (from 1) of each of its bookmarks (the charts when they follow the provinces, the sources)."""

    plan: Plan
    back_pages: int
    back_marks: dict[str, int]


def choose_plan(provinces: list[Province], settings: ReportSettings, geometry: PageGeometry,
                measured: Measured | None = None) -> Choice:
    """The first of ``PLANS`` that leaves no page of the overview, charts and sources more than about
    half white and puts the 报尾 on an even page; if none does, the best (an even last page first, then
    the fullest emptiest page). A plan whose front matter already fails is not laid out further."""
    fronts: dict[tuple, tuple[int, dict[str, int], list[float]]] = {}
    backs: dict[tuple, tuple[int, dict[str, int], list[float]]] = {}
    measured_sources: dict[float, list[Box]] = {}

    def back(plan: Plan) -> tuple[int, dict[str, int], list[float]]:
        key = (plan.charts_in_back, plan.appendix_size, plan.appendix_gap)
        if key not in backs:
            if plan.appendix_size not in measured_sources:
                measured_sources[plan.appendix_size] = [Box.of(f, geometry) for f in sources(provinces, plan)]
            boxes = [box.spaced(plan) for box in measured_sources[plan.appendix_size]]
            backs[key] = walk([*back_charts(provinces, geometry, plan), *boxes, colophon(settings)], geometry)
        return backs[key]

    best: tuple[tuple[bool, float], Plan] | None = None
    for plan in PLANS:
        front_key = (plan.contents_on_cover, plan.charts_in_back)
        if front_key not in fronts:
            fronts[front_key] = walk(front_matter(provinces, {}, {}, settings, geometry, plan, measured), geometry)
        front_pages, front_marks, front_used = fronts[front_key]
        lowest, even = min(front_used[front_marks["overview"] - 1:]) / geometry.height, False
        if lowest >= MIN_FILL:
            back_pages, back_marks, back_used = back(plan)
            lowest = min(lowest, min(back_used) / geometry.height)
            even = (front_pages + len(provinces) + back_pages) % 2 == 0
            if even and lowest >= MIN_FILL:
                return Choice(plan, back_pages, back_marks)
        if best is None or (even, lowest) > best[0]:
            best = (even, lowest), plan
    assert best is not None
    back_pages, back_marks, _ = back(best[1])
    return Choice(best[1], back_pages, back_marks)


class CombinedReport:
    """The combined report, written as its pages come. Made, it has chosen how to cut its pages and
    drawn its front matter (ReportLab's work, ``draw_front``); ``start`` writes the front matter to a
    file, ``add`` each province's page (its briefing's drawn body, given in any order, written in order)
    and ``close`` draws and writes the back matter (charts, sources, 报尾) where the plan put it. Only
    the pages not yet in order are held in memory."""

    def __init__(self, provinces: list[Province], settings: ReportSettings, geometry: PageGeometry = PageGeometry()):
        self.geometry, self.settings, self.provinces = geometry, settings, provinces
        measured: Measured = {}
        self.choice = choose_plan(provinces, settings, geometry, measured)
        self.plan = self.choice.plan
        self.front = draw_front(provinces, settings, geometry, self.choice, measured)  # let go by ``start``
        self.front_pages = len(self.front)
        self.waiting: dict[int, Body] = {}
        self.next = 0
        self.pdf: PdfDocument | None = None

    def start(self, out: BinaryIO) -> None:
        """Begin the PDF in ``out``: the front matter's pages."""
        provinces, front, settings, choice = self.provinces, self.front, self.settings, self.choice
        self.front = []  # written below: not held while the provinces' pages come
        self.pdf = PdfDocument(out, self.geometry.size, len(front) + len(provinces) + choice.back_pages, metadata(
            settings, title=settings.title, subject=settings.issue_label,
            keywords=[settings.name, *dict.fromkeys(p.name for p in provinces)]))
        for page, body in enumerate(front):
            for mark in body.marks:
                self.pdf.bookmark(mark.key, page, mark.title, mark.level)
        self.pdf.bookmark("provinces", len(front), self.plan.titles["provinces"])
        for index, province in enumerate(provinces):
            self.pdf.bookmark(province.stem, len(front) + index, province.name, level=1)
        for key, page in sorted(choice.back_marks.items(), key=lambda item: item[1]):
            self.pdf.bookmark(key, len(front) + len(provinces) + page - 1, self.plan.titles[key])
        for page, body in enumerate(front):
            add_page(self.pdf, self.geometry, body, page + 1 if page else None)  # no number on the cover
        self._write_waiting()

    def add(self, index: int, body: Body) -> None:
        """Province ``index``'s page (its briefing's body); written once started and those before it are."""
        self.waiting[index] = body
        self._write_waiting()

    def _write_waiting(self) -> None:
        while self.pdf is not None and self.next in self.waiting:
            add_page(self.pdf, self.geometry, self.waiting.pop(self.next), self.front_pages + self.next + 1, "Sect")
            self.next += 1

    def close(self) -> None:
        """The charts (if they follow the provinces), sources and 报尾, the fonts and the rest; every
        province's page must have been added."""
        if self.pdf is None or self.next != len(self.provinces):
            raise ValueError(f"province pages added: {self.next} of {len(self.provinces)}")
        first = self.front_pages + len(self.provinces) + 1
        for page, body in enumerate(draw_back(self.provinces, self.settings, self.geometry, self.choice)):
            add_page(self.pdf, self.geometry, body, first + page)
        self.pdf.close()


def draw_front(provinces: list[Province], settings: ReportSettings, geometry: PageGeometry, choice: Choice,
               measured: Measured | None = None) -> list[Body]:
    """The pages before the provinces' (cover, contents, overview, charts), drawn. The contents' page
    numbers are predicted, and checked against where the parts land."""
    plan, measured = choice.plan, {} if measured is None else measured
    predicted_pages, numbers = simulate(front_matter(provinces, {}, {}, settings, geometry, plan, measured), geometry)
    numbers = _numbers(numbers, predicted_pages, provinces, choice.back_marks)
    for _ in range(2):
        recorded: dict[str, int] = {}
        front = draw_pages(front_matter(provinces, numbers, recorded, settings, geometry, plan, measured), geometry)
        landed = _numbers(recorded, len(front), provinces, choice.back_marks)
        if landed == numbers:
            return front
        numbers = landed
    raise RuntimeError(f"contents page numbers disagree with the layout: {numbers} != {landed}")


def draw_back(provinces: list[Province], settings: ReportSettings, geometry: PageGeometry,
              choice: Choice) -> list[Body]:
    """The pages after the provinces' (charts, sources, 报尾), drawn as the story is made; they must land
    where the choice said, for the contents and the page count were written by it."""
    marks: dict[str, int] = {}
    back = draw_pages(StreamedStory([], back_matter(provinces, settings, geometry, choice.plan, marks)), geometry)
    if (len(back), marks) != (choice.back_pages, choice.back_marks):
        raise RuntimeError(f"the back matter took {len(back)} pages with parts at {marks}, not "
                           f"{choice.back_pages} at {choice.back_marks}")
    return back


def _numbers(front: dict[str, int], front_pages: int, provinces: list[Province],
             back: dict[str, int]) -> dict[str, int]:
    """The page number of every part, given where the front matter's and the back matter's land."""
    numbers = dict(front)
    numbers["provinces"] = front_pages + 1
    for index, province in enumerate(provinces):
        numbers[province.stem] = front_pages + 1 + index
    for key, page in back.items():
        numbers[key] = front_pages + len(provinces) + page
    return numbers
