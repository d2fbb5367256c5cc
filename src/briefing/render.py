"""Write laid-out pages to PDF bytes: one briefing, or the combined report; and write files atomically."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table

from . import fonts
from .layout import GREY, INK, BriefPage, PageGeometry, markup, masthead, styles_for, table_style
from .model import ReportSettings

PAGE_NUMBER_SIZE = 14.0  # 4号
PRODUCER = "briefing"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class Bookmark(Flowable):
    """A zero-size mark: a PDF outline entry and a link target at the top of the page it lands on."""

    def __init__(self, key: str, title: str, level: int = 0):
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def draw_page_number(canvas: Canvas, geometry: PageGeometry, number: int) -> None:
    """"— N —" in 4号 7 mm below the type area: odd pages right, even pages left, one 字 in (GB/T 9704)."""
    text = f"— {number} —"
    canvas.saveState()
    canvas.setFont(fonts.SERIF, PAGE_NUMBER_SIZE)
    canvas.setFillColor(INK)
    y = geometry.bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8
    if number % 2:
        canvas.drawRightString(geometry.size[0] - geometry.right - PAGE_NUMBER_SIZE, y, text)
    else:
        canvas.drawString(geometry.left + PAGE_NUMBER_SIZE, y, text)
    canvas.restoreState()


def _document(buffer: io.BytesIO, geometry: PageGeometry, settings: ReportSettings, title: str, subject: str,
              keywords: list[str], numbered_from: int) -> BaseDocTemplate:
    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if doc.page >= numbered_from:
            draw_page_number(canvas, geometry, doc.page)

    frame = Frame(geometry.left, geometry.bottom, geometry.width, geometry.height, id="type-area",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return BaseDocTemplate(
        buffer, pagesize=geometry.size, pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
        leftMargin=geometry.left, rightMargin=geometry.right, topMargin=geometry.top, bottomMargin=geometry.bottom,
        title=title, author=settings.unit, subject=subject, keywords=keywords, creator=PRODUCER, producer=PRODUCER,
        lang="zh-CN", invariant=1, initialFontName=fonts.SERIF, displayDocTitle=1)


def brief_pdf(page: BriefPage, settings: ReportSettings, geometry: PageGeometry = PageGeometry()) -> bytes:
    """The one-page PDF of a briefing."""
    buffer = io.BytesIO()
    brief = page.brief
    doc = _document(buffer, geometry, settings, title=f"{settings.name}：{brief.title}",
                    subject=f"{brief.province}对口支援{'、'.join(brief.regions)}（{brief.period}）",
                    keywords=[settings.name, brief.province, *brief.regions], numbered_from=1)
    doc.build([Bookmark(page.stem, brief.province), *page.flowables])
    return buffer.getvalue()


def combined_pdf(pages: list[BriefPage], settings: ReportSettings, geometry: PageGeometry = PageGeometry()) -> bytes:
    """Cover, contents (with links), then every province's page exactly as laid out for its own PDF."""
    buffer = io.BytesIO()
    doc = _document(buffer, geometry, settings, title=settings.title, subject=settings.issue_label,
                    keywords=[settings.name, *(p.brief.province for p in pages)], numbered_from=2)
    first_page = 3  # cover, contents
    story: list[Flowable] = [Bookmark("cover", "封面"), *cover(settings, geometry), PageBreak(),
                             Bookmark("contents", "目录"), *contents(pages, settings, geometry, first_page),
                             PageBreak()]
    for index, page in enumerate(pages):
        story += [Bookmark(page.stem, page.brief.province), *page.flowables]
        if index < len(pages) - 1:
            story.append(PageBreak())
    doc.build(story)
    return buffer.getvalue()


def cover(settings: ReportSettings, geometry: PageGeometry) -> list[Flowable]:
    st = styles_for(14)
    big = ParagraphStyle("cover_title", parent=st.title, fontSize=26, leading=36, spaceBefore=60)
    line = ParagraphStyle("cover_line", parent=st.issue, fontSize=16, leading=26)
    return masthead(settings, st, geometry.width) + [
        Paragraph(markup(settings.title), big),
        Spacer(1, 24),
        Paragraph(markup(settings.issue_label), line),
        Paragraph(markup(settings.unit), line),
        Paragraph(markup(settings.date_label), line),
    ]


def contents(pages: list[BriefPage], settings: ReportSettings, geometry: PageGeometry,
             first_page: int) -> list[Flowable]:
    st = styles_for(14)
    heading = ParagraphStyle("contents_heading", parent=st.title, fontName=fonts.SANS_BOLD, spaceBefore=0,
                             spaceAfter=18)
    entry = ParagraphStyle("contents_entry", parent=st.body, firstLineIndent=0, leading=26)
    number = ParagraphStyle("contents_number", parent=entry, alignment=2)
    rows = []
    for offset, page in enumerate(pages):
        brief = page.brief
        label = f"{brief.province}：{brief.title}"
        rows.append([Paragraph(f'<a href="#{page.stem}">{markup(label)}</a>', entry),
                     Paragraph(f'<a href="#{page.stem}">{first_page + offset}</a>', number)])
    table = Table(rows, colWidths=[geometry.width - 40, 40])
    table.setStyle(table_style([("LINEBELOW", (0, 0), (-1, -1), 0.4, GREY), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [Paragraph("目　录".replace("　", "&nbsp;&nbsp;&nbsp;"), heading), table]


TEMP_SUFFIX = ".tmp"


def temp_files(folder: Path) -> list[Path]:
    """Temporary files a killed build may have left in ``folder``."""
    return sorted(folder.glob(f".*.pdf.*{TEMP_SUFFIX}"))


def remove_stale_temp_files(folder: Path) -> None:
    for path in temp_files(folder):
        path.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.chmod(temp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a PDF is as readable as any file the user saves
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
