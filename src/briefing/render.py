"""Write laid-out pages to PDF bytes (the document template, one briefing), and write files atomically."""
from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.colors import Color, toColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFImageXObject
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from . import cidfont, fonts
from .flate import deflate, flate_stream
from .cidfont import draw_string
from .layout import INK, BriefPage, PageGeometry
from .model import Brief, ReportSettings

# ReportLab wraps page streams and images in ASCII85 by default: a quarter larger, and slow to encode
rl_config.useA85 = 0

PAGE_NUMBER_SIZE = 14.0  # 4号
PRODUCER = "briefing"


class Bookmark(Flowable):
    """A zero-size mark: a PDF outline entry and a link target at the top of the page it lands on."""

    def __init__(self, key: str, title: str, level: int = 0, pages: dict[str, int] | None = None):
        super().__init__()
        self.key, self.title, self.level, self.pages = key, title, level, pages
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)
        if self.pages is not None:
            self.pages[self.key] = self.canv.getPageNumber()


@dataclass(frozen=True)
class Body:
    """A drawn briefing page but for its page number and watermark, as the combined report reuses it:
    its content stream (compressed), the characters it drew in each face, and the images it shows."""

    stream: bytes
    characters: dict[str, str]
    images: tuple[tuple[str, PDFImageXObject], ...]


def _unregistered(image: PDFImageXObject) -> PDFImageXObject:
    """A copy of an image object that another document can register (ReportLab marks the registered one)."""
    image = copy.copy(image)
    image.__dict__.pop("__InternalName__", None)
    return image


class CompactCanvas(Canvas):
    """A canvas that compresses each page's content stream as soon as the page ends.

    ReportLab keeps every page's stream as text until the document is saved (about 24 KB a page of a
    briefing, 24 MB for a 1000-page combined report); compressed it is a fifth of that. A page may have
    a second, already compressed content stream, ``body``: what a briefing page drew (recorded by
    ``brief_body``), put in as it is.
    """

    body: bytes | None = None

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.compression and isinstance(page.stream, str) and not rl_config.useA85:
            streams = [flate_stream(page.stream.encode("utf8"))]
            if self.body is not None:
                streams.append(flate_stream(self.body, compressed=True))
                self.body = None
            page.Contents = streams[0] if len(streams) == 1 else PDFArray(streams)
            page.stream = None
        elif self.body is not None:
            raise RuntimeError("a reused page body needs compressed page streams")

    def reuse(self, body: Body) -> None:
        """Put ``body`` on this page: its images and characters become the document's too."""
        doc = self._doc
        cidfont.use(doc, body.characters)
        for name, image in body.images:
            internal = doc.getXObjectName(name)
            if internal not in doc.idToObject:
                image = _unregistered(image)  # a body may go into more than one document
                doc.Reference(image, internal)
                doc.addForm(name, image)
            self._formsinuse.append(name)
        self.body = body.stream


class ReusedBody(Flowable):
    """A briefing page drawn before (``Body``), placed on the page it lands on; takes no room."""

    def __init__(self, body: Body):
        super().__init__()
        self.body = body
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: CompactCanvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        canvas.reuse(self.body)


def draw_page_number(canvas: Canvas, geometry: PageGeometry, number: int) -> None:
    """"— N —" in 4号 7 mm below the type area: odd pages right, even pages left, one 字 in (GB/T 9704)."""
    text = f"— {number} —"
    canvas.saveState()
    canvas.setFillColor(INK)
    y = geometry.bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8
    if number % 2:
        draw_string(canvas, fonts.SERIF, PAGE_NUMBER_SIZE, geometry.size[0] - geometry.right - PAGE_NUMBER_SIZE, y,
                    text, anchor="end")
    else:
        draw_string(canvas, fonts.SERIF, PAGE_NUMBER_SIZE, geometry.left + PAGE_NUMBER_SIZE, y, text)
    canvas.restoreState()


def to_gray(color: Color | str) -> Color:
    """Any colour as the grey of the same luminance (for black-and-white printers)."""
    color = toColor(color)
    red, green, blue = color.rgb()
    level = 0.299 * red + 0.587 * green + 0.114 * blue
    return Color(level, level, level, alpha=getattr(color, "alpha", 1))


WATERMARK_GREY = Color(0.88, 0.88, 0.88)


def draw_watermark(canvas: Canvas, geometry: PageGeometry, text: str) -> None:
    """Large light diagonal text, drawn before the page's content so it lies under it."""
    width, height = geometry.size
    diagonal = (width ** 2 + height ** 2) ** 0.5
    size = min(110.0, diagonal * 0.6 / max(1, len(text)))
    canvas.saveState()
    canvas.setFillColor(WATERMARK_GREY)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(54.7)  # the page's diagonal
    draw_string(canvas, fonts.SERIF_BOLD, size, 0, -size / 3, text, anchor="middle")
    canvas.restoreState()


def document(buffer: io.BytesIO, geometry: PageGeometry, settings: ReportSettings, title: str, subject: str,
             keywords: list[str], numbered_from: int, bodies: list[Body] | None = None) -> BaseDocTemplate:
    """A DocTemplate for our pages: type area frame, page numbers, metadata, embedded fonts, fixed dates.
    With ``bodies``, what each page draws after its page number and watermark is kept apart, as a
    ``Body`` appended there, and is that page's second content stream."""
    pdf_date = f"D:{settings.date:%Y%m%d}000000+08'00'"
    body_start = [0]

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.setDateFormatter(lambda *now: pdf_date)  # the date, never the clock
        if geometry.watermark:
            draw_watermark(canvas, geometry, geometry.watermark)
        if doc.page >= numbered_from:
            draw_page_number(canvas, geometry, doc.page)
        body_start[0] = len(canvas._code)
        cidfont.take_characters(canvas._doc)  # the page number's and watermark's are not the body's

    def on_page_end(canvas: CompactCanvas, doc: BaseDocTemplate) -> None:
        if bodies is None:
            return
        drawn = canvas._code[body_start[0]:]
        del canvas._code[body_start[0]:]
        canvas.body = deflate(("\n".join(drawn) + "\n").encode("utf8"))
        images = tuple((name, _unregistered(canvas._doc.idToObject[canvas._doc.getXObjectName(name)]))
                       for name in dict.fromkeys(canvas._formsinuse))
        bodies.append(Body(canvas.body, cidfont.take_characters(canvas._doc), images))

    frame = Frame(geometry.left, geometry.bottom, geometry.width, geometry.height, id="type-area",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return BaseDocTemplate(
        buffer, pagesize=geometry.size,
        pageTemplates=[PageTemplate("page", [frame], onPage=on_page, onPageEnd=on_page_end)],
        leftMargin=geometry.left, rightMargin=geometry.right, topMargin=geometry.top, bottomMargin=geometry.bottom,
        title=title, author=settings.unit, subject=subject, keywords=keywords, creator=PRODUCER, producer=PRODUCER,
        lang="zh-CN", invariant=1, initialFontName=fonts.SERIF, displayDocTitle=1,
        enforceColorSpace=to_gray if geometry.grayscale else None)


def brief_body(page: BriefPage, settings: ReportSettings, geometry: PageGeometry = PageGeometry()) -> Body:
    """A briefing page drawn (without its page number and watermark), ready for its PDF and the combined
    report."""
    bodies: list[Body] = []
    doc = document(io.BytesIO(), geometry, settings, title="", subject="", keywords=[], numbered_from=1,
                   bodies=bodies)
    doc._doSave = 0  # ReportLab's switch for building without writing a PDF
    doc.build(list(page.flowables), canvasmaker=CompactCanvas)
    if len(bodies) != 1:
        raise RuntimeError(f"{page.stem}: the briefing took {len(bodies)} pages, not one")
    return bodies[0]


def brief_pdf_of_body(stem: str, brief: Brief, body: Body, settings: ReportSettings,
                      geometry: PageGeometry = PageGeometry()) -> bytes:
    """The one-page PDF of a briefing whose page is drawn (``brief_body``)."""
    buffer = io.BytesIO()
    doc = document(buffer, geometry, settings, title=f"{settings.name}：{brief.title}",
                    subject=f"{brief.province}对口支援{'、'.join(brief.regions)}（{brief.period}）",
                    keywords=[settings.name, brief.province, *brief.regions], numbered_from=1)
    doc.build([Bookmark(stem, brief.province), ReusedBody(body)], canvasmaker=CompactCanvas)
    return buffer.getvalue()


def brief_pdf(page: BriefPage, settings: ReportSettings, geometry: PageGeometry = PageGeometry()) -> bytes:
    """The one-page PDF of a briefing."""
    return brief_pdf_of_body(page.stem, page.brief, brief_body(page, settings, geometry), settings, geometry)
