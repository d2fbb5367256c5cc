"""Lay a brief out as one A4 page of a 简报: flowables, sizes, and the fit to exactly one page."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from ..errors import BriefError
from ..pdf.tagging import structure
from ..source.figures import printed_figure
from ..source.model import Brief, LoadedBrief, ReportSettings, source_numbers
from ..source.photos import PreparedPhoto
from . import fonts
from .colophon import Reprint, colophon
from .geometry import PHOTO_SHARE, PageGeometry
from .textblock import Run, TextBlock, TwoEnds, marker, phrased

RED = HexColor("#C8161D")
INK = HexColor("#1A1A1A")
GREY = HexColor("#5A5A5A")
TILE_FILL = HexColor("#F5F1EE")

CHINESE_ORDINALS = "一二三四五六七八九十"
PHOTO_MAX_HEIGHT = 130.0  # pt
BODY_SIZES = (14.0, 13.5, 13.0, 12.5, 12.0)  # pt; 四号 where a brief is short, 小四 the floor
SMALLEST = 9.0  # pt (小五): tile dates, the sources line, captions, markers
_FIT_SLACK = 1.0  # pt kept free so rounding inside ReportLab's frame never pushes the last line over


@dataclass(frozen=True)
class BriefPage:
    """One brief laid out: the flowables of its page and the body size it needed."""

    stem: str
    brief: Brief
    flowables: list[Flowable]
    body_size: float


@dataclass(frozen=True)
class Styles:
    body_size: float
    name: ParagraphStyle
    issue: ParagraphStyle
    meta_left: ParagraphStyle
    meta_right: ParagraphStyle
    title: ParagraphStyle
    lead: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    figure: ParagraphStyle
    tile_label: ParagraphStyle
    tile_note: ParagraphStyle
    sources: ParagraphStyle


@lru_cache(maxsize=32)
def styles_for(body: float) -> Styles:
    """Every style of the page, derived from the body size so the page shrinks as one (made once per size;
    never modified)."""
    leading = body * (1.45 + 0.2 * (body - BODY_SIZES[-1]) / (BODY_SIZES[0] - BODY_SIZES[-1]))

    def style(name: str, font: str, size: float, lead: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=lead,
                              textColor=kw.pop("textColor", INK), **kw)

    title_size = 22.0 if body >= 13 else 20.0  # 二号 (or 小二+ when the body is at its floor)
    label = max(10.5, body * 0.8)  # 五号 or more
    return Styles(
        body_size=body,
        name=style("name", fonts.SERIF_BOLD, 36, 40, alignment=TA_CENTER, textColor=RED),  # 小初, red
        issue=style("issue", fonts.FANGSONG, 16, 20, alignment=TA_CENTER, spaceBefore=4),  # 三号
        meta_left=style("meta_left", fonts.FANGSONG, 14, 18, alignment=TA_LEFT),  # 四号
        meta_right=style("meta_right", fonts.FANGSONG, 14, 18, alignment=TA_RIGHT),
        title=style("title", fonts.SERIF_BOLD, title_size, title_size * 1.3, alignment=TA_CENTER,
                    spaceBefore=body * 0.8, spaceAfter=body * 0.3),
        lead=style("lead", fonts.KAI, body, leading, firstLineIndent=2 * body, spaceAfter=body * 0.4,
                   alignment=TA_JUSTIFY),
        heading=style("heading", fonts.SANS_BOLD, body, leading, spaceBefore=body * 0.3, spaceAfter=0),
        body=style("body", fonts.FANGSONG, body, leading, firstLineIndent=2 * body, alignment=TA_JUSTIFY),
        figure=style("figure", fonts.SANS_BOLD, body * 1.6, body * 1.7, alignment=TA_CENTER, textColor=RED),
        tile_label=style("tile_label", fonts.FANGSONG, label, label * 1.3, alignment=TA_CENTER),
        tile_note=style("tile_note", fonts.FANGSONG, SMALLEST, SMALLEST * 1.3, alignment=TA_CENTER, textColor=GREY),
        sources=style("sources", fonts.FANGSONG, SMALLEST, SMALLEST * 1.45, textColor=GREY, alignment=TA_JUSTIFY),
    )


def table_style(commands: list[tuple]) -> TableStyle:
    """A TableStyle whose default font is ours: ReportLab would otherwise select (unembedded) Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.SERIF), *commands])


def masthead(settings: ReportSettings, st: Styles, width: float) -> list[Flowable]:
    """The red 报头 at the top of the type area: briefing name (red), 期号, compiling unit at the left and
    date at the right, then the red rule."""
    return [
        TextBlock(phrased(settings.name, st.name, width), st.name),
        TextBlock(settings.issue_label, st.issue),
        TwoEnds(TextBlock(settings.unit, st.meta_left), TextBlock(settings.date_label, st.meta_right), space_before=6),
        HRFlowable(width="100%", thickness=2.0, color=RED, spaceBefore=4, spaceAfter=0),
    ]


class MetricTiles(Flowable):
    """Headline figures as tiles: a grid of cells, each a stack of TextBlocks on a light fill with a red
    rule on top, white gaps between the tiles. (A ReportLab Table drew the same for several times the cost.)"""

    PADDING = (3.0, 3.0, 3.0, 4.0)  # left, right, top, bottom
    GAP = 4.0

    def __init__(self, rows: list[list[list[TextBlock]]], width: float, space_before: float, space_after: float):
        super().__init__()
        self.rows, self.total_width = rows, width
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.row_heights: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        left, right, top, bottom = self.PADDING
        inner = self.total_width / len(self.rows[0]) - left - right
        self.row_heights = [max(top + sum(block.wrap(inner, available_height)[1] for block in cell) + bottom
                                for cell in row) for row in self.rows]
        self.width, self.height = self.total_width, sum(self.row_heights)
        return self.width, self.height

    def draw(self) -> None:
        canvas, (left, _, top, _) = self.canv, self.PADDING
        columns, half = len(self.rows[0]), self.GAP / 2
        cell_width = self.total_width / columns
        cell_top = self.height
        with structure(canvas, "Table"):
            for r, (row, row_height) in enumerate(zip(self.rows, self.row_heights)):
                with structure(canvas, "TR"):
                    for c, cell in enumerate(row):
                        with structure(canvas, "TD"):  # an empty one too: every row has as many cells
                            if not cell:
                                continue
                            x0 = c * cell_width + (half if c > 0 else 0.0)
                            x1 = (c + 1) * cell_width - (half if c < columns - 1 else 0.0)
                            y1 = cell_top - (half if r > 0 else 0.0)
                            y0 = cell_top - row_height + (half if r < len(self.rows) - 1 else 0.0)
                            canvas.saveState()
                            canvas.setFillColor(TILE_FILL)
                            canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
                            canvas.setStrokeColor(RED)
                            canvas.setLineWidth(1.2)
                            canvas.line(x0, y1, x1, y1)
                            canvas.restoreState()
                            y = cell_top - top
                            for block in cell:
                                y -= block.height
                                block.drawOn(canvas, c * cell_width + left, y)
                cell_top -= row_height


def metric_tiles(brief: Brief, st: Styles, width: float) -> MetricTiles:
    """The row(s) of headline figures: big number, unit, label and as-of (a tile's source is in the sources
    line, not marked in the tile)."""
    cells = []
    for metric in brief.metrics:
        figure = printed_figure(metric)
        match = re.search(r"\d+(?:\.\d+)?", figure)
        assert match is not None
        before, number, after = figure[: match.start()], match.group(), figure[match.end():]
        unit_size = st.body_size * 0.85
        figure = [Run(before, size=unit_size), Run(number), Run(after, size=unit_size)]
        cells.append([TextBlock(figure, st.figure), metric.label, metric.as_of])
    options = []  # every figure in one row, or in rows of at most four: whichever is lower
    for columns in dict.fromkeys((len(cells), len(cells) if len(cells) <= 4 else (len(cells) + 1) // 2)):
        inner = width / columns - sum(MetricTiles.PADDING[:2])
        placed = [[figure, TextBlock(phrased(label, st.tile_label, inner), st.tile_label),
                   TextBlock(phrased(as_of, st.tile_note, inner), st.tile_note)] for figure, label, as_of in cells]
        rows = [placed[i:i + columns] for i in range(0, len(placed), columns)]
        rows[-1] = rows[-1] + [[]] * (columns - len(rows[-1]))
        tiles = MetricTiles(rows, width, st.body_size * 0.2, st.body_size * 0.3)
        if all(len(block.wrap(inner, 1e6) and block.lines) == 1 for cell in cells for block in cell[:1]):
            options.append((tiles.wrap(width, 1e6)[1], -columns, tiles))
    return min(options)[2] if options else tiles


def point_runs(brief: Brief, points: list, size: float) -> list[Run]:
    """A section's points as one paragraph: one source marker after each run of points citing the same
    source, before the closing 。 of its last point (the number is the source's place in ``sources``)."""
    numbers = source_numbers(brief)
    runs: list[Run] = []
    for index, point in enumerate(points):
        text = point.text
        if index + 1 < len(points) and points[index + 1].source == point.source:
            runs.append(Run(text))
            continue
        stop = len(text) - 1 if text.endswith(("。", "！", "？", "；")) else len(text)
        runs += [Run(text[:stop]), marker(numbers[point.source], size), Run(text[stop:])]
    return runs


def section_flowables(brief: Brief, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    words = keep_words(brief)
    for index, section in enumerate(brief.sections):
        heading = f"{CHINESE_ORDINALS[index]}、{section.heading}"
        if section.period:
            heading += f"（{section.period}）"
        out.append(TextBlock(heading, st.heading, role="H2", words=words))
        out.append(TextBlock(point_runs(brief, section.points, st.body_size), st.body, words=words))
    return out


def keep_words(brief: Brief) -> tuple[str, ...]:
    """Names never split across lines: the paired regions and the province."""
    return (*brief.regions, brief.province)


def source_line(brief: Brief) -> str:
    """The footer's source list, e.g. ``[1] 安徽商报《…》，2019年9月7日``."""
    parts = []
    for source in brief.sources:
        number = source_numbers(brief)[source.id]
        text = f"[{number}] " + (source.publisher or "") + f"《{source.title}》"
        if source.date:
            text += f"，{source.date.year}年{source.date.month}月{source.date.day}日"
        parts.append(text)
    return "资料来源：" + "；".join(parts) + "。"


class Picture(Flowable):
    """A prepared photo at a size. Its JPEG goes into the PDF as it is: the canvas (``render``'s
    RecordingCanvas) takes it; ReportLab's Image would decode every pixel only to name it."""

    def __init__(self, photo: PreparedPhoto, width: float, height: float, alt: str = ""):
        super().__init__()
        self.photo, self.width, self.height, self.alt = photo, width, height, alt

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.draw_jpeg(self.photo.jpeg, self.photo.width, self.photo.height, self.photo.gray,
                            self.width, self.height, self.alt)


def lead_with_photo(brief: Brief, photo: PreparedPhoto, st: Styles, width: float) -> Table:
    """The lead on the left, the photo and its caption on the right."""
    picture_width = width * PHOTO_SHARE
    picture_height = picture_width * photo.height / photo.width
    if picture_height > PHOTO_MAX_HEIGHT:
        picture_width, picture_height = picture_width * PHOTO_MAX_HEIGHT / picture_height, PHOTO_MAX_HEIGHT
    assert brief.photo is not None
    picture = Picture(photo, picture_width, picture_height, brief.photo.caption)
    caption = TextBlock(brief.photo.caption, st.tile_note)
    gap = st.body_size
    table = Table([[TextBlock(brief.lead, st.lead, words=keep_words(brief)), [picture, caption]]],
                  colWidths=[width - width * PHOTO_SHARE - gap, width * PHOTO_SHARE + gap], spaceAfter=st.body_size * 0.3)
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("LEFTPADDING", (1, 0), (1, 0), gap),
                                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def page_flowables(brief: Brief, settings: ReportSettings, st: Styles, width: float,
                   photo: PreparedPhoto | None = None) -> tuple[list[Flowable], list[Flowable]]:
    """The page's flowables, split into the main flow and the footer that sits at the bottom."""
    regions = "、".join(brief.regions)
    subtitle = f"{brief.province}对口支援{regions}（{brief.period}）"
    words = keep_words(brief)
    sub = ParagraphStyle("subtitle", parent=st.lead, fontName=fonts.KAI, alignment=TA_CENTER, firstLineIndent=0,
                         fontSize=st.body_size, leading=st.body_size * 1.35, spaceAfter=st.body_size * 0.5)
    main = masthead(settings, st, width) + [
        TextBlock(phrased(brief.title, st.title, width, words), st.title, role="H1", words=words),
        TextBlock(phrased(subtitle, sub, width, words), sub, words=words),
        lead_with_photo(brief, photo, st, width) if photo else TextBlock(brief.lead, st.lead, words=words),
        metric_tiles(brief, st, width),
    ] + section_flowables(brief, st)
    footer = [Reprint(Reprint.FOOT), HRFlowable(width="100%", thickness=0.5, color=GREY, spaceBefore=4, spaceAfter=3),
              TextBlock(source_line(brief), ParagraphStyle("sources-end", parent=st.sources, spaceAfter=6)),
              Reprint(Reprint.END), *colophon(settings, INK)]
    return main, footer


def measure(flowables: list[Flowable], width: float, height: float) -> float:
    """Height the flowables take stacked in a frame (an upper bound: frame tops drop spaceBefore)."""
    total = 0.0
    for flowable in flowables:
        _, h = flowable.wrap(width, height)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def lay_out(loaded: LoadedBrief, settings: ReportSettings, geometry: PageGeometry = PageGeometry(),
            photo: PreparedPhoto | None = None, sizes: tuple[float, ...] = BODY_SIZES) -> BriefPage:
    """Lay the brief out on one page at the largest of ``sizes`` that fits; never cut text."""
    fonts.register()
    width, height = geometry.width, geometry.height

    def attempt(body: float) -> tuple[float, list[Flowable], list[Flowable]]:
        main, footer = page_flowables(loaded.brief, settings, styles_for(body), width, photo)
        return measure(main, width, height) + measure(footer, width, height), main, footer

    # the page's height grows with the body size. Most briefs fill the page near the smallest size, so
    # search upwards from it: from a guess, gallop (1, 2, 4 sizes up) until a size overflows, then bisect
    limit = height - _FIT_SLACK

    def fits(index: int) -> tuple[float, float, list[Flowable], list[Flowable]] | None:
        used, main, footer = attempt(sizes[index])
        return (sizes[index], used, main, footer) if used <= limit else None

    best_index = len(sizes) - 1  # sizes run from largest to smallest
    used, main, footer = attempt(sizes[best_index])
    if used > limit:
        overflow = used - limit
        raise BriefError.single(
            loaded.doc.file, f"does not fit on one page even at {sizes[-1]:g} pt body text: "
            f"{overflow / mm:.0f} mm ({overflow:.0f} pt) too long; shorten the lead or the points, or drop some "
            "points or metrics")
    best = sizes[best_index], used, main, footer
    too_big, step = -1, 1  # too_big: the smallest index known to overflow (-1: none yet)
    # a first guess: text height grows about as the square of the size (characters per line fall as
    # lines grow taller); the fixed parts do not grow, so the guess errs small, and the search goes on
    guess = min((index for index in range(best_index) if used * (sizes[index] / sizes[-1]) ** 2 <= limit),
                default=best_index)
    if guess < best_index:
        found = fits(guess)
        if found:
            best, best_index = found, guess
        else:
            too_big = guess
    while best_index > 0 and too_big < 0:
        index = max(best_index - step, 0)
        found = fits(index)
        if not found:
            too_big = index
            break
        best, best_index, step = found, index, step * 2
    low, high = too_big + 1, best_index - 1
    while low <= high:
        middle = (low + high) // 2
        found = fits(middle)
        if found:
            best, best_index, high = found, middle, middle - 1
        else:
            low = middle + 1
    body, used, main, footer = best
    filler = Spacer(1, height - _FIT_SLACK - used)
    return BriefPage(loaded.stem, loaded.brief, main + [filler] + footer, body)
