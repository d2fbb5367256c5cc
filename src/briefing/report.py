"""The combined report: cover, contents, overview table, charts, every province's page, sources, 报尾."""
from __future__ import annotations

import pickle
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from . import fonts
from .compare import Figure, comparable, figures_of, kind_name
from .layout import GREY, INK, PageGeometry, Styles, masthead, measure, styles_for, table_style
from .model import Brief, Kind, ReportSettings
from .provenance import printed_figure
from .cidfont import draw_string
from .pdfdocument import PdfDocument
from .render import Body, Bookmark, add_page, draw_pages, metadata
from .textblock import Run, TextBlock

CHART_KINDS = (Kind.funding, Kind.sales)
_SLACK = 2.0  # pt left free on each overview page
CHART_ROWS = 20  # provinces per chart; more get further charts, never an unreadable one
PERIOD_NOTE = ("注：各项数字按来源原文列出，统计时期与口径各不相同（见各数字下方所注时期），"
               "仅供对照，未作加总或排序；“≈”后为换算到同一单位的数值。")


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    level: int = 0


class Province:
    """A province of the combined report: its file stem, name, title, the kinds of its metrics, its
    figures for the charts, and its brief.

    The brief is kept pickled and unpickled when used (0.1 ms): a Brief object takes about 24 KB,
    its pickle about 4 KB, and a report of 1000 provinces holds every one of them while it is made.
    What more than one part of the report needs is taken out of it once, here.
    """

    __slots__ = ("stem", "name", "title", "regions", "period", "kinds", "chart_figures", "overview_figures",
                 "_pickled")

    def __init__(self, stem: str, brief: Brief | bytes):
        if isinstance(brief, bytes):
            self._pickled, brief = brief, pickle.loads(brief)
        else:
            self._pickled = pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL)
        self.stem, self.name, self.title = stem, brief.province, brief.title
        self.regions, self.period = "、".join(brief.regions), brief.period
        self.kinds = frozenset(metric.kind for metric in brief.metrics)
        self.chart_figures = {kind: next(iter(figures_of(brief, kind)), None) for kind in CHART_KINDS}
        # each kind's figures as the overview prints them: (the source's form, as-of date and common unit)
        self.overview_figures = {kind: [(fig.printed, "\n".join(filter(None, (fig.metric.as_of, fig.common_text))))
                                        for fig in figures_of(brief, kind)] for kind in self.kinds}

    @property
    def brief(self) -> Brief:
        return pickle.loads(self._pickled)


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


class AtPageBottom(Flowable):
    """Content drawn at the bottom of the frame it lands in (the 报尾 sits at the foot of the last page)."""

    def __init__(self, flowables: list[Flowable]):
        super().__init__()
        self.flowables = flowables
        self.content_height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.content_height = sum(f.wrap(available_width, available_height)[1] for f in self.flowables)
        self.height = max(self.content_height, available_height - 1)
        return self.width, self.height

    def draw(self) -> None:
        y = self.content_height
        for flowable in self.flowables:
            y -= flowable.height
            flowable.drawOn(self.canv, 0, y)


def _heading_style(st: Styles) -> ParagraphStyle:
    return ParagraphStyle("part", parent=st.heading, fontName=fonts.SANS_BOLD, fontSize=16, leading=24,
                          spaceBefore=0, spaceAfter=10)


def cover(settings: ReportSettings, pages: list[Province], geometry: PageGeometry) -> list[Flowable]:
    st = styles_for(14)
    title = ParagraphStyle("cover_title", parent=st.title, fontSize=26, leading=36, spaceBefore=70, spaceAfter=30)
    line = ParagraphStyle("cover_line", parent=st.issue, fontSize=16, leading=28)
    provinces = "、".join(page.name for page in pages[:40]) + ("等" if len(pages) > 40 else "")
    summary = ParagraphStyle("cover_summary", parent=st.lead, fontName=fonts.SERIF, fontSize=14, leading=24,
                             spaceBefore=50)
    return masthead(settings, st, geometry.width) + [
        TextBlock(settings.title, title),
        TextBlock(settings.issue_label, line),
        TextBlock(settings.unit + "\u00a0编", line),
        TextBlock(settings.date_label, line),
        TextBlock(f"本期汇编{len(pages)}个省市的对口援疆工作简报：{provinces}。", summary),
    ]


def contents(parts: list[Part], numbers: dict[str, int], geometry: PageGeometry) -> list[Flowable]:
    """Entries with page numbers, each a link; with no numbers yet, placeholders of the same width."""
    st = styles_for(12)
    entry = ParagraphStyle("contents_entry", parent=st.body, firstLineIndent=0, fontSize=13, leading=20,
                           alignment=TA_LEFT)  # titles in a list: flush left, as contents are set
    sub = ParagraphStyle("contents_sub", parent=entry, leftIndent=26, fontSize=12)
    number = ParagraphStyle("contents_number", parent=entry, alignment=TA_RIGHT)
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
    heading = TextBlock("目\u00a0\u00a0\u00a0\u00a0录", ParagraphStyle(
        "contents_heading", parent=st.title, fontName=fonts.SANS_BOLD, fontSize=18, leading=26, spaceBefore=0,
        spaceAfter=16))
    first_room = geometry.height - measure([heading], geometry.width, geometry.height)
    return [heading, *_tables_by_page(None, row, len(parts), [geometry.width - 48, 48], style, geometry, first_room)]


def _figure_cell(figures: list[tuple[str, str]], cell: ParagraphStyle, note: ParagraphStyle) -> list[Flowable]:
    if not figures:
        return [TextBlock("—", cell)]
    out: list[Flowable] = []
    for printed, notes in figures:
        out += [TextBlock(printed, cell), TextBlock(notes, note)]
    return out


def overview(pages: list[Province], geometry: PageGeometry) -> list[Flowable]:
    """One row per province: paired regions, period and each comparable figure in the source's form."""
    st = styles_for(12)
    kinds = comparable(kind for page in pages for kind in page.kinds)
    head = ParagraphStyle("th", parent=st.body, fontName=fonts.SANS_BOLD, fontSize=8.5, leading=11,
                          firstLineIndent=0, alignment=TA_CENTER)
    cell = ParagraphStyle("td", parent=st.body, fontSize=8.5, leading=11, firstLineIndent=0, alignment=TA_CENTER)
    left = ParagraphStyle("td_left", parent=cell, alignment=0)
    note = ParagraphStyle("td_note", parent=cell, fontSize=6.8, leading=8.5, textColor=GREY)

    def header() -> list:
        return [TextBlock("省市", head), TextBlock("受援地区", head), TextBlock("时期", head)] + \
            [TextBlock(kind_name(kind), head) for kind in kinds]

    def row(index: int) -> list:
        page = pages[index]
        return [TextBlock(page.name, cell), TextBlock(page.regions, left), TextBlock(page.period, cell)] + \
            [_figure_cell(page.overview_figures.get(kind, []), cell, note) for kind in kinds]

    fixed = [32, 76, 50]
    widths = fixed + [(geometry.width - sum(fixed)) / max(1, len(kinds))] * len(kinds)
    style = table_style([
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#888888")), ("BACKGROUND", (0, 0), (-1, 0), HexColor("#EDE7E3")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    heading = TextBlock("一、各省市援疆主要数字对照", _heading_style(st))
    tables = _tables_by_page(header, row, len(pages), widths, style, geometry,
                             first_room=geometry.height - measure([heading], geometry.width, geometry.height))
    footnote = ParagraphStyle("footnote", parent=st.sources, fontSize=8.5, leading=13, spaceBefore=6)
    return [heading, *tables, TextBlock(PERIOD_NOTE, footnote)]


class PageTable(Flowable):
    """One page's rows of a long table, whose height is known: the Table (and its rows' flowables) is
    made only when drawn and dropped after, so a table of 1000 provinces is never held whole."""

    def __init__(self, make: Callable[[], Table], width: float, height: float):
        super().__init__()
        self.make, self.width, self.height = make, width, height
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        table = self.make()
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


def _tables_by_page(header: Callable[[], list] | None, row_of: Callable[[int], list], count: int,
                    widths: list[float], style: TableStyle, geometry: PageGeometry,
                    first_room: float) -> list[Flowable]:
    """The ``count`` rows (``row_of(index)`` makes one) cut into one table per page, each with the header
    row if any, so the number of pages is known before the build. Each row is measured once as it is
    made, then let go; the page's table makes its rows again when drawn, at the heights measured here.
    (ReportLab would re-wrap the rest of a long table at every page it splits: O(N²) for N rows.)"""
    padding = _paddings(style)
    header_height = _row_height(header(), widths, padding) if header else 0.0

    def table(start: int, end: int, heights: list[float]) -> PageTable:
        def make() -> Table:
            head = [header()] if header else []
            rows = [row_of(index) for index in range(start, end)]
            return Table([*head, *rows], colWidths=widths, rowHeights=([header_height] if header else []) + heights,
                         style=style, hAlign="CENTER")
        return PageTable(make, sum(widths), header_height + sum(heights))

    out: list[Flowable] = []
    room, start, heights = first_room - header_height - _SLACK, 0, []
    for index in range(count):
        row_height = _row_height(row_of(index), widths, padding)
        if heights and row_height > room:
            out += [table(start, index, heights), PageBreak()]
            room, start, heights = geometry.height - header_height - _SLACK, index, []
        heights.append(row_height)
        room -= row_height
    if heights:
        out.append(table(start, count, heights))
    return out


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


def simulate(story: list[Flowable], geometry: PageGeometry) -> tuple[int, dict[str, int]]:
    """Pages a story of unsplittable flowables and page breaks takes, and the page of each bookmark,
    following the frame's rules (spaceBefore dropped at a page top; spaceAfter may overrun the bottom)."""
    page, room, at_top, marks = 1, geometry.height, True, {}
    for flowable in story:
        if isinstance(flowable, Bookmark):
            marks[flowable.key] = page
            continue
        if isinstance(flowable, PageBreak):
            page, room, at_top = page + 1, geometry.height, True
            continue
        if isinstance(flowable, CondPageBreak):
            if flowable.height > room and not at_top:
                page, room, at_top = page + 1, geometry.height, True
            continue
        height = flowable.wrap(geometry.width, room)[1]
        before = 0.0 if at_top else flowable.getSpaceBefore()
        if before + height > room + 1e-6 and not at_top:
            page, room, at_top, before = page + 1, geometry.height, True, 0.0
        room -= before + height + flowable.getSpaceAfter()
        at_top = False
    return page, marks


class BarChart(Flowable):
    """Horizontal bars in one grey (prints the same in black and white), the source's figure on each bar."""

    ROW, LABEL_WIDTH, TOP = 24.0, 118.0, 26.0

    def __init__(self, title: str, figures: list[tuple[str, Figure | None]], unit: str, width: float, fill: Color):
        super().__init__()
        self.title, self.figures, self.unit, self.fill = title, figures, unit, fill
        self.width = width
        self.height = self.TOP + self.ROW * len(figures) + 8

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas, height, label_width = self.canv, self.height, self.LABEL_WIDTH

        def text(x: float, y: float, string: str, face: str, size: float, color: Color, anchor: str = "start"):
            canvas.setFillColor(color)
            draw_string(canvas, face, size, x, y, string, anchor)

        canvas.saveState()
        text(0, height - 14, self.title, fonts.SANS_BOLD, 11, INK)
        values = [f.common_value for _, f in self.figures if f and f.common_value is not None]
        largest = max(values) if values else 1.0
        bar_space = self.width - label_width - 120
        canvas.setLineWidth(0.4)
        canvas.setStrokeColor(INK)
        for index, (province, fig) in enumerate(self.figures):
            y = height - self.TOP - self.ROW * (index + 1) + 6
            text(0, y + 4, province, fonts.SERIF, 9.5, INK)
            if fig is None or fig.common_value is None:
                text(label_width, y + 4, "— 无此项数据", fonts.SERIF, 8.5, GREY)
                continue
            text(0, y - 6, fig.metric.as_of, fonts.SERIF, 6.8, GREY)
            length = max(1.0, bar_space * fig.common_value / largest)
            canvas.setFillColor(self.fill)
            canvas.rect(label_width, y - 4, length, 15, stroke=1, fill=1)
            label = fig.printed + (f"（{fig.common_text}）" if fig.common_text else "")
            text(label_width + length + 4, y + 1, label, fonts.SERIF, 8.5, INK)
        canvas.setLineWidth(0.6)
        canvas.line(label_width, 4, label_width, height - self.TOP + 2)
        text(self.width, 0, f"单位：{self.unit}（条长按换算值）", fonts.SERIF, 7, GREY, anchor="end")
        canvas.restoreState()


def charts(pages: list[Province], geometry: PageGeometry) -> list[Flowable]:
    st = styles_for(12)
    out: list[Flowable] = [TextBlock("二、图表", _heading_style(st))]
    fills = {Kind.funding: HexColor("#5A5A5A"), Kind.sales: HexColor("#B8B8B8")}
    number = 0
    for kind in CHART_KINDS:
        unit = "亿元"
        for start in range(0, len(pages), CHART_ROWS):
            chunk = pages[start:start + CHART_ROWS]
            figures = [(p.name, p.chart_figures[kind]) for p in chunk]
            number += 1
            suffix = f"（{start + 1}—{start + len(chunk)}）" if len(pages) > CHART_ROWS else ""
            title = f"图{number}  各省市{kind_name(kind)}{suffix}（统计时期不同，仅供对照）"
            drawing = BarChart(title, figures, unit, geometry.width, fills[kind])
            out += [CondPageBreak(drawing.height + 12), drawing, Spacer(1, 18)]
    return out


def appendix(pages: list[Province]) -> Iterator[Flowable]:
    """Every cited seed document once, with the figures each province took from it (made one by one as
    they are drawn: a report of 1000 provinces lists about 3000)."""
    st = styles_for(12)
    title = ParagraphStyle("source_title", parent=st.body, firstLineIndent=0, fontName=fonts.SERIF_BOLD,
                           fontSize=11, leading=17, spaceBefore=8)
    item = ParagraphStyle("source_item", parent=st.body, firstLineIndent=0, leftIndent=14, fontSize=9.5,
                          leading=14.5)
    documents: dict[str, list[str]] = {}
    described: dict[str, str] = {}
    points: dict[str, int] = {}
    for page in pages:
        brief = page.brief
        for source in brief.sources:
            line = (source.publisher + "：" if source.publisher else "") + f"《{source.title}》"
            if source.date:
                line += f"，{source.date.year}年{source.date.month}月{source.date.day}日"
            described.setdefault(source.file, line + f"（seeds/{source.file}）")
            documents.setdefault(source.file, [])
            points[source.file] = points.get(source.file, 0) + sum(
                point.source == source.id for section in brief.sections for point in section.points)
            for metric in brief.metrics:
                if metric.source == source.id:
                    documents[source.file].append(
                        f"{brief.province}·{metric.label}：{printed_figure(metric)}（原文：“{metric.quote}”）")
    yield TextBlock("三、资料来源", _heading_style(st))
    for number, (file, figures) in enumerate(sorted(documents.items()), 1):
        heading = TextBlock(f"[{number}] {described[file]}", title)
        closing = TextBlock(f"另有要点{points[file]}条引用此文。" if figures else
                            f"要点{points[file]}条引用此文，未取作核心数字。", item)
        if len(figures) < 10:  # a short entry stays on one page
            yield KeepTogether([heading, *(TextBlock(f, item) for f in figures), closing])
            continue
        yield heading
        yield from (TextBlock(f, item) for f in figures)  # made as the build reaches them
        yield closing


def colophon(settings: ReportSettings, geometry: PageGeometry) -> Flowable:
    """报尾: 报/送/发 lines and the print date between rules, at the foot of the last page."""
    st = styles_for(14)
    line = ParagraphStyle("colophon", parent=st.body, fontSize=14, leading=24, firstLineIndent=0, leftIndent=14,
                          rightIndent=14)
    dated = ParagraphStyle("colophon_date", parent=line, alignment=TA_RIGHT)
    parts: list[Flowable] = [HRFlowable(width="100%", thickness=1, color=INK, spaceAfter=4)]
    distribution = settings.distribution
    for label, value in (("报", distribution and distribution.report_to), ("送", distribution and distribution.send_to),
                         ("发", distribution and distribution.issue_to)):
        if value:
            parts.append(TextBlock(f"{label}：{value}", line))
    parts += [HRFlowable(width="100%", thickness=0.7, color=INK, spaceBefore=4, spaceAfter=4),
              TextBlock(f"{settings.unit}\u00a0\u00a0\u00a0\u00a0{settings.date_label}印发", dated),
              HRFlowable(width="100%", thickness=1, color=INK, spaceBefore=4)]
    return AtPageBottom(parts)


def _entry_title(page: Province) -> str:
    """The title, led by the province unless the title already names it."""
    return page.title if page.title.startswith(page.name) else f"{page.name}：{page.title}"


def contents_parts(provinces: list[Province]) -> list[Part]:
    return [Part("overview", "一、各省市援疆主要数字对照"), Part("charts", "二、图表"), Part("provinces", "各省市简报")] \
        + [Part(p.stem, _entry_title(p), 1) for p in provinces] + [Part("sources", "三、资料来源")]


@dataclass(frozen=True)
class FrontParts:
    """The parts of the front matter that do not depend on page numbers (made once, used twice)."""

    cover: list[Flowable]
    overview: list[Flowable]
    charts: list[Flowable]


def front_parts(provinces: list[Province], settings: ReportSettings, geometry: PageGeometry) -> FrontParts:
    return FrontParts(cover(settings, provinces, geometry), overview(provinces, geometry), charts(provinces, geometry))


def front_matter(provinces: list[Province], numbers: dict[str, int], recorded: dict[str, int],
                 settings: ReportSettings, geometry: PageGeometry, parts: FrontParts | None = None) -> list[Flowable]:
    """Cover, contents, overview and charts, each starting a page; bookmarks record where they land."""
    parts = parts or front_parts(provinces, settings, geometry)
    return [Bookmark("cover", "封面", pages=recorded), *parts.cover, PageBreak(),
            Bookmark("contents", "目录", pages=recorded),
            *contents(contents_parts(provinces), numbers, geometry), PageBreak(),
            Bookmark("overview", "一、各省市援疆主要数字对照", pages=recorded), *parts.overview,
            PageBreak(), Bookmark("charts", "二、图表", pages=recorded), *parts.charts]


class CombinedReport:
    """The combined report, written as its pages come. Made, it has drawn its front matter, sources and
    报尾 (ReportLab's work, ``draw_front_and_back``); ``start`` writes the front matter to a file, ``add``
    each province's page (its briefing's drawn body, given in any order, written in order) and
    ``close`` the rest. Only the pages not yet in order are held in memory."""

    def __init__(self, provinces: list[Province], settings: ReportSettings, geometry: PageGeometry = PageGeometry()):
        self.geometry, self.settings, self.provinces = geometry, settings, provinces
        self.front, self.back = draw_front_and_back(provinces, settings, geometry)
        self.waiting: dict[int, Body] = {}
        self.next = 0
        self.pdf: PdfDocument | None = None

    def start(self, out: BinaryIO) -> None:
        """Begin the PDF in ``out``: the front matter's pages."""
        provinces, front, back, settings = self.provinces, self.front, self.back, self.settings
        self.pdf = PdfDocument(out, self.geometry.size, len(front) + len(provinces) + len(back), metadata(
            settings, title=settings.title, subject=settings.issue_label,
            keywords=[settings.name, *dict.fromkeys(p.name for p in provinces)]))
        for page, body in enumerate(front):
            self._bookmarks(body, page)
        self.pdf.bookmark("provinces", len(front), "各省市简报")
        for index, province in enumerate(provinces):
            self.pdf.bookmark(province.stem, len(front) + index, province.name, level=1)
        for page, body in enumerate(back):
            self._bookmarks(body, len(front) + len(provinces) + page)
        for page, body in enumerate(front):
            add_page(self.pdf, self.geometry, body, page + 1 if page else None)  # no number on the cover
        self._write_waiting()

    def _bookmarks(self, body: Body, page: int) -> None:
        for mark in body.marks:
            self.pdf.bookmark(mark.key, page, mark.title, mark.level)

    def add(self, index: int, body: Body) -> None:
        """Province ``index``'s page (its briefing's body); written once started and those before it are."""
        self.waiting[index] = body
        self._write_waiting()

    def _write_waiting(self) -> None:
        while self.pdf is not None and self.next in self.waiting:
            add_page(self.pdf, self.geometry, self.waiting.pop(self.next), len(self.front) + self.next + 1)
            self.next += 1

    def close(self) -> None:
        """The sources and 报尾, the fonts and the rest; every province's page must have been added."""
        if self.pdf is None or self.next != len(self.provinces):
            raise ValueError(f"province pages added: {self.next} of {len(self.provinces)}")
        first = len(self.front) + len(self.provinces) + 1
        for page, body in enumerate(self.back):
            add_page(self.pdf, self.geometry, body, first + page)
        self.pdf.close()


def draw_front_and_back(provinces: list[Province], settings: ReportSettings,
                        geometry: PageGeometry) -> tuple[list[Body], list[Body]]:
    """The pages before the provinces' (cover, contents, overview, charts) and after them (sources,
    报尾), drawn. The contents' page numbers are predicted, and checked against where the parts land."""
    parts: FrontParts | None = front_parts(provinces, settings, geometry)
    predicted_pages, numbers = simulate(front_matter(provinces, {}, {}, settings, geometry, parts), geometry)
    numbers = _numbers(numbers, predicted_pages, provinces)
    for _ in range(2):
        recorded: dict[str, int] = {}
        front = draw_pages(front_matter(provinces, numbers, recorded, settings, geometry, parts), geometry)
        parts = None  # drawn: made anew should the front matter be drawn again
        landed = _numbers(recorded, len(front), provinces)
        if landed == numbers:
            break
        numbers = landed
    else:
        raise RuntimeError(f"contents page numbers disagree with the layout: {numbers} != {landed}")
    back_matter = itertools.chain(appendix(provinces), [colophon(settings, geometry)])
    return front, draw_pages(StreamedStory([Bookmark("sources", "三、资料来源")], back_matter), geometry)


def _numbers(front: dict[str, int], front_pages: int, provinces: list[Province]) -> dict[str, int]:
    """The page number of every part, given the front matter's."""
    numbers = dict(front)
    numbers["provinces"] = front_pages + 1
    for index, province in enumerate(provinces):
        numbers[province.stem] = front_pages + 1 + index
    numbers["sources"] = front_pages + len(provinces) + 1
    return numbers
