"""Draw laid-out pages into ``Body`` values, decorate them, and write a briefing's one-page PDF.

Draw laid-out pages into ``Body`` values (ReportLab's canvas, recording only), decorate them with
page number and watermark, and write a briefing's one-page PDF (``pdf.document``)."""
from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from reportlab.lib.colors import CMYKColor, Color, toColor
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ..pdf import cidfont
from ..pdf.cidfont import line_of_text
from ..pdf.document import Image, Link, Metadata, PdfDocument
from ..pdf.flate import deflate
from ..pdf.tagging import PageTags, artifact, pack, page_content, tagged
from ..pdf.writer import check_content
from ..source.model import Brief, ReportSettings
from . import fonts
from .colophon import Reprint
from .layout import INK, BriefPage, PageGeometry

PAGE_NUMBER_SIZE = 14.0  # 4号


class Bookmark(Flowable):
    """A zero-size mark: names the page it lands on (an outline entry, a link target) and records its
    page number in ``pages``."""

    def __init__(self, key: str, title: str, level: int = 0, pages: dict[str, int] | None = None):
        super().__init__()
        self.key, self.title, self.level, self.pages = key, title, level, pages
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.marks.append(Mark(self.key, self.title, self.level))
        if self.pages is not None:
            self.pages[self.key] = self.canv.getPageNumber()


@dataclass(frozen=True)
class Mark:
    """A bookmark a page carries: its key (for links), outline title and level."""

    key: str
    title: str
    level: int = 0


@dataclass(frozen=True)
class Body:
    """A drawn page but for its page number and watermark: its content stream (compressed), the
    characters it drew in each face, its images, its links, its bookmarks and its structure elements
    (``tagging``). A briefing's body in the combined report is its body in its own PDF up to its 版记."""

    stream: bytes
    characters: dict[str, str]
    images: tuple[Image, ...] = ()
    links: tuple[Link, ...] = ()
    marks: tuple[Mark, ...] = ()
    tags: bytes = b""  # its structure elements, packed (tagging.pack)


class RecordingCanvas(Canvas):
    """A canvas that only records pages (``doc._doSave`` is off): links, bookmarks and structure
    elements as data, for ``pdf.document`` to write. What would need a resource ``pdf.document`` does not
    write (transparency, overprint, blend modes, shadings, separation colours) is refused when drawn."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.links: list[Link] = []
        self.marks: list[Mark] = []
        self.images: dict[str, Image] = {}
        self.tags = PageTags()
        self.reprint: dict[str, _Drawn] = {}

    def reprint_mark(self, part: str, y: float) -> None:
        """Where a part of this page's reprint starts (``colophon.Reprint``; ``draw_pages``), at height ``y``."""
        if self.tags.stack:
            raise RuntimeError(f"a reprint's {part} starts inside structure elements {[e.role for e, _ in self.tags.stack]}")
        self.reprint[part] = _Drawn(len(self._code), y, cidfont.drawn_characters(self._doc), len(self.images),
                                    len(self.links), len(self.marks), len(self.tags.top))

    def draw_jpeg(self, jpeg: bytes, pixel_width: int, pixel_height: int, gray: bool, width: float,
                  height: float, alt: str = "") -> None:
        """A JPEG at (0, 0) of the current coordinates, ``width`` × ``height`` points, stored as it is;
        a Figure described by ``alt``."""
        name = "Photo." + hashlib.md5(jpeg).hexdigest()
        self.images[name] = Image(name, pixel_width, pixel_height, "DeviceGray" if gray else "DeviceRGB", 8,
                                  ("DCTDecode",), jpeg)
        with tagged(self, "Figure", alt=alt, attributes=f"<< /O /Layout /BBox [0 0 {fp_str(width, height)}] >>"):
            self._code.append(f"q {fp_str(width)} 0 0 {fp_str(height)} 0 0 cm /{name} Do Q")

    def _unsupported(self, what: str) -> None:
        raise NotImplementedError(f"{what} needs a PDF resource briefing's writer does not write "
                                  "(pdf.document writes fonts and images only)")

    def setFillAlpha(self, value) -> None:  # noqa: N802 - ReportLab's names; it sets alpha 1 with every colour
        if value != 1:
            self._unsupported("transparency (setFillAlpha)")

    def setStrokeAlpha(self, value) -> None:  # noqa: N802
        if value != 1:
            self._unsupported("transparency (setStrokeAlpha)")

    def setFillOverprint(self, value) -> None:  # noqa: N802
        self._unsupported("overprint (setFillOverprint)")

    def setStrokeOverprint(self, value) -> None:  # noqa: N802
        self._unsupported("overprint (setStrokeOverprint)")

    def setOverprintMask(self, value) -> None:  # noqa: N802
        self._unsupported("overprint (setOverprintMask)")

    def setBlendMode(self, value) -> None:  # noqa: N802
        self._unsupported("a blend mode (setBlendMode)")

    def shade(self, shading) -> None:
        self._unsupported("a shading (shade, linearGradient, radialGradient)")

    def setFillColor(self, color, alpha=None) -> None:  # noqa: N802
        super().setFillColor(color, alpha)
        self._only_device_colours()

    def setStrokeColor(self, color, alpha=None) -> None:  # noqa: N802
        super().setStrokeColor(color, alpha)
        self._only_device_colours()

    def _only_device_colours(self) -> None:
        if self._colorsUsed:
            self._unsupported("a separation (spot) colour")
        if any(isinstance(c, CMYKColor) or isinstance(c, (tuple, list)) and len(c) == 4
               for c in (self._fillColorObj, self._strokeColorObj)):
            raise NotImplementedError("a CMYK colour: the PDF's output intent is sRGB (PDF/A-2b); use an RGB colour")

    def linkRect(self, contents, destinationname, Rect=None, addtopage=1, name=None, relative=1,  # noqa: N802
                 thickness=0, color=None, dashArray=None, **kw) -> None:
        self.links.append(Link(destinationname, tuple(self._absRect(Rect, relative))))


def to_gray(color: Color | str) -> Color:
    """Any colour as the grey of the same luminance (for black-and-white printers)."""
    color = toColor(color)
    red, green, blue = color.rgb()
    level = 0.299 * red + 0.587 * green + 0.114 * blue
    return Color(level, level, level, alpha=getattr(color, "alpha", 1))


WATERMARK_GREY = Color(0.74, 0.74, 0.74)


@dataclass(frozen=True)
class _Drawn:
    """How much a page had drawn at a ``colophon.Reprint`` mark (at height ``y``): operators, characters,
    images, links, bookmarks and top-level structure elements."""

    code: int
    y: float
    characters: dict[str, str]
    images: int
    links: int
    marks: int
    elements: int


def _content(code: list[str]) -> bytes:
    return deflate(check_content(page_content(code).encode("utf8")))


def _reprint(canvas: RecordingCanvas, parts: dict[str, _Drawn], bottom: float) -> Body:
    """The page as a report reprints it: as drawn up to its ``END`` mark (its elements and marked content
    before it come first, so none is left without content), what it drew from its ``FOOT`` mark on
    moved down by what followed ``END`` (to ``bottom``)."""
    end, foot = parts[Reprint.END], parts.get(Reprint.FOOT)
    code, links = canvas._code[:end.code], canvas.links[:end.links]
    if foot is not None and end.y > bottom:
        drop = end.y - bottom
        code = [*code[:foot.code], "q", f"1 0 0 1 0 {fp_str(-drop)} cm", *code[foot.code:], "Q"]
        links = links[:foot.links] + [Link(link.target, (x0, y0 - drop, x1, y1 - drop))
                                      for link in links[foot.links:] for x0, y0, x1, y1 in [link.rect]]
    return Body(_content(code), end.characters, tuple(canvas.images.values())[:end.images], tuple(links),
                tuple(canvas.marks[:end.marks]), pack(canvas.tags.top[:end.elements]))


def draw_pages(story: list[Flowable], geometry: PageGeometry, reprints: list[Body] | None = None) -> list[Body]:
    """Lay out and draw ``story`` in the type area, page after page; each page's ``Body``. With
    ``reprints``, each page's body as a report reprints it goes there too (``_reprint``; whole when
    the page has no ``colophon.Reprint`` marks)."""
    bodies: list[Body] = []

    def on_page_end(canvas: RecordingCanvas, doc: BaseDocTemplate) -> None:
        if canvas._formsinuse:
            raise RuntimeError("an image drawn through ReportLab, which keeps it: draw it with draw_jpeg")
        parts, canvas.reprint = canvas.reprint, {}
        end = Reprint.END in parts
        if reprints is not None and end:
            reprints.append(_reprint(canvas, parts, doc.frame._y))
        stream = _content(canvas._code)
        del canvas._code[:]
        bodies.append(Body(stream, cidfont.take_characters(canvas._doc), tuple(canvas.images.values()),
                           tuple(canvas.links), tuple(canvas.marks), canvas.tags.take()))
        canvas.images.clear()
        canvas.links.clear()
        canvas.marks.clear()
        if reprints is not None and not end:
            reprints.append(bodies[-1])

    frame = Frame(geometry.left, geometry.bottom, geometry.width, geometry.height, id="type-area",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(
        io.BytesIO(), pagesize=geometry.size,
        pageTemplates=[PageTemplate("page", [frame], onPageEnd=on_page_end)],
        leftMargin=geometry.left, rightMargin=geometry.right, topMargin=geometry.top, bottomMargin=geometry.bottom,
        invariant=1, initialFontName=fonts.SERIF, enforceColorSpace=to_gray if geometry.grayscale else None)
    doc._doSave = 0  # ReportLab's switch for building without writing a PDF: pdf.document writes ours
    doc.build(story, canvasmaker=RecordingCanvas)
    return bodies


def decoration(geometry: PageGeometry, page_number: int | None) -> tuple[bytes, bytes, dict[str, str]]:
    """What a page shows besides its body, artifacts both, drawn after it: the watermark (over the body, so
    no tile or photo hides it) and the page number (none on a cover; read last); their content streams
    (compressed, empty when there is nothing to draw) and the characters they drew."""
    ink, grey = INK, WATERMARK_GREY
    if geometry.grayscale:
        ink, grey = to_gray(ink), to_gray(grey)
    code = []
    characters: dict[str, str] = {}

    def text(face: str, size: float, x: float, y: float, string: str, anchor: str = "start") -> str:
        characters[face] = characters.get(face, "") + string
        return line_of_text(face, size, x, y, string, anchor)

    width, height = geometry.size
    if geometry.watermark:
        mark = geometry.watermark
        size = min(110.0, (width ** 2 + height ** 2) ** 0.5 * 0.6 / max(1, len(mark)))
        angle = math.radians(54.7)  # the page's diagonal
        cos, sin = math.cos(angle), math.sin(angle)
        # hollow letters: its glyphs' outlines stroked, not text (no extractor returns it), over the body
        # but never filling over a character of it
        outline = cidfont.outline_of_text(fonts.SERIF_BOLD, size, 0, -size / 3, mark, anchor="middle")
        code += ["q", f"{fp_str(grey.red, grey.green, grey.blue)} RG", "1 w", f"1 0 0 1 {fp_str(width / 2, height / 2)} cm",
                 f"{fp_str(cos, sin, -sin, cos)} 0 0 cm", outline.removesuffix("f") + "S" if outline else "", "Q"]
    if page_number is not None:
        label, y = f"— {page_number} —", geometry.bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8
        if page_number % 2:  # 4号 7 mm below the type area: odd pages right, even left, one 字 in (GB/T 9704)
            shown = text(fonts.SERIF, PAGE_NUMBER_SIZE, width - geometry.right - PAGE_NUMBER_SIZE, y, label, "end")
        else:
            shown = text(fonts.SERIF, PAGE_NUMBER_SIZE, geometry.left + PAGE_NUMBER_SIZE, y, label)
        over = ["q", _fill(ink), shown, "Q"]
    else:
        over = []
    return (_artifact_stream(code, "/Pagination /Subtype /Watermark"), _artifact_stream(over, "/Pagination /Subtype /Footer"),
            characters)


def _artifact_stream(code: list[str], kind: str) -> bytes:
    return deflate(check_content(artifact("\n".join(code) + "\n", kind).encode("ascii"))) if code else b""


def _fill(color: Color) -> str:
    return f"{fp_str(color.red, color.green, color.blue)} rg"


def add_page(pdf: PdfDocument, geometry: PageGeometry, body: Body, page_number: int | None,
             section: str | None = None) -> None:
    """``body`` as the next page of ``pdf``, under its watermark and page number; its structure elements
    under a ``section`` element (Sect, Part) of their own, if given."""
    mark, number, deco_characters = decoration(geometry, page_number)
    characters = dict(body.characters)
    for face, text in deco_characters.items():
        characters[face] = characters.get(face, "") + text
    pdf.add_page([stream for stream in (body.stream, mark, number) if stream], characters, body.images, body.links,
                 body.tags, section)


def metadata(settings: ReportSettings, title: str, subject: str, keywords: list[str]) -> Metadata:
    return Metadata(title, settings.unit, subject, keywords, settings.date)


def brief_bodies(page: BriefPage, settings: ReportSettings,
                 geometry: PageGeometry = PageGeometry()) -> tuple[Body, Body]:
    """A briefing page drawn (without its page number and watermark): for its own PDF, and as the
    combined report reprints it, without its 版记 (the report has one, on its last page: GB/T 9704)."""
    reprints: list[Body] = []
    bodies = draw_pages(list(page.flowables), geometry, reprints)
    if len(bodies) != 1:
        raise RuntimeError(f"{page.stem}: the briefing took {len(bodies)} pages, not one")
    return bodies[0], reprints[0]


def brief_pdf_of_body(stem: str, brief: Brief, body: Body, settings: ReportSettings,
                      geometry: PageGeometry = PageGeometry()) -> bytes:
    """The one-page PDF of a briefing whose page is drawn (``brief_bodies``)."""
    buffer = io.BytesIO()
    pdf = PdfDocument(buffer, geometry.size, 1, metadata(
        settings, title=f"{settings.name}：{brief.title}",
        subject=f"{brief.province}对口支援{'、'.join(brief.regions)}（{brief.period}）",
        keywords=[settings.name, brief.province, *brief.regions]))
    pdf.bookmark(stem, 0, brief.province)
    add_page(pdf, geometry, body, 1)
    pdf.close()
    return buffer.getvalue()


def brief_pdf(page: BriefPage, settings: ReportSettings, geometry: PageGeometry = PageGeometry()) -> bytes:
    """The one-page PDF of a briefing."""
    return brief_pdf_of_body(page.stem, page.brief, brief_bodies(page, settings, geometry)[0], settings, geometry)
