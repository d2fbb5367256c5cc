"""A PDF of drawn pages, written page by page: each page's content streams, images and links go to
the file as the page is added; the fonts (one subset of each face, of every character the pages drew),
the page tree, the outline and the document information follow at the end.

Pages are drawn elsewhere (ReportLab's canvas, ``render.brief_body``) into ``Body`` values; this
module only writes them, which is why the combined report of 1000 briefs needs no more memory than
that of 3.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from . import fonts
from .pdfwrite import PdfWriter, name, number, ref, text_string

PROC_SET = "[/PDF /Text /ImageB /ImageC /ImageI]"


@dataclass(frozen=True)
class Image:
    """An image a page shows, as stored in the PDF (a JPEG, DCT-encoded)."""

    name: str  # its resource name in the page's content stream
    width: int
    height: int
    color_space: str  # DeviceRGB or DeviceGray
    bits: int
    filters: tuple[str, ...]
    data: bytes


@dataclass(frozen=True)
class Link:
    """A clickable area (in page coordinates) that shows the page bookmarked as ``target``."""

    target: str
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: list[str]
    issued: date
    producer: str = "briefing"


@dataclass
class _Outline:
    title: str
    page: int
    children: list["_Outline"] = field(default_factory=list)


class PdfDocument:
    """Pages added in order, each written at once; ``close`` writes the rest. ``page_count`` pages
    must be added: their object numbers are fixed first, so a link may point to a page not yet
    written."""

    def __init__(self, out: BinaryIO, size: tuple[float, float], page_count: int, metadata: Metadata):
        self.writer = PdfWriter(out)
        self.size = size
        self.metadata = metadata
        self.pages_number = self.writer.reserve()
        self.font_resources = self.writer.reserve()
        self.page_objects = [self.writer.reserve() for _ in range(page_count)]
        self.added = 0
        self.targets: dict[str, int] = {}  # bookmark key → page index
        self.outline: list[_Outline] = []
        self.characters: dict[str, set[str]] = {}
        self.images: dict[str, int] = {}  # resource name → object number (an image shown twice is stored once)

    def bookmark(self, key: str, page: int, title: str | None = None, level: int = 0) -> None:
        """Name page ``page`` (from 0) ``key`` for links; with a title, an outline entry too (level 0 or 1)."""
        self.targets[key] = page
        if title is None:
            return
        entry = _Outline(title, page)
        if level == 0 or not self.outline:
            self.outline.append(entry)
        else:
            self.outline[-1].children.append(entry)

    def add_page(self, streams: list[bytes], characters: dict[str, str], images: tuple[Image, ...] = (),
                 links: tuple[Link, ...] = ()) -> None:
        """A page of these content streams (compressed), which drew ``characters`` in each face."""
        writer = self.writer
        for face, text in characters.items():
            self.characters.setdefault(face, set()).update(text)
        contents = " ".join(ref(writer.write_stream("/Filter /FlateDecode", stream)) for stream in streams)
        for image in images:
            if image.name not in self.images:
                filters = " ".join(f"/{f}" for f in image.filters)
                self.images[image.name] = writer.write_stream(
                    f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
                    f"/ColorSpace /{image.color_space} /BitsPerComponent {image.bits} /Filter [{filters}]",
                    image.data)
        annotations = [writer.write(
            f"<< /Type /Annot /Subtype /Link /Rect [{' '.join(number(v) for v in link.rect)}] /Border [0 0 0] "
            f"/Dest [{ref(self.page_objects[self.targets[link.target]])} /Fit] >>") for link in links]
        x_objects = " ".join(f"{name(image.name)} {ref(self.images[image.name])}" for image in images)
        resources = f"/Font {ref(self.font_resources)} /ProcSet {PROC_SET}"
        if x_objects:
            resources += f" /XObject << {x_objects} >>"
        page = f"<< /Type /Page /Parent {ref(self.pages_number)} " \
               f"/MediaBox [0 0 {number(self.size[0])} {number(self.size[1])}] /Contents [{contents}] " \
               f"/Resources << {resources} >>"
        if annotations:
            page += f" /Annots [{' '.join(map(ref, annotations))}]"
        writer.write(page + " >>", self.page_objects[self.added])
        self.added += 1

    def close(self) -> None:
        """Fonts, page tree, outline, information and catalogue; then the cross-references."""
        writer, metadata = self.writer, self.metadata
        if self.added != len(self.page_objects):
            raise ValueError(f"{self.added} pages added of {len(self.page_objects)}")
        faces = fonts.register().cid
        embedded = {face: faces[face].write(writer, used) for face, used in sorted(self.characters.items())}
        writer.write("<< " + " ".join(f"{name(face)} {ref(n)}" for face, n in embedded.items()) + " >>",
                     self.font_resources)
        writer.write(f"<< /Type /Pages /Count {len(self.page_objects)} "
                     f"/Kids [{' '.join(map(ref, self.page_objects))}] >>", self.pages_number)
        outlines = self._write_outline()
        stamp = f"(D:{metadata.issued:%Y%m%d}000000+08'00')"  # the date, never the clock
        info = writer.write(
            f"<< /Title {text_string(metadata.title)} /Author {text_string(metadata.author)} "
            f"/Subject {text_string(metadata.subject)} /Keywords {text_string(', '.join(metadata.keywords))} "
            f"/Creator {text_string(metadata.producer)} /Producer {text_string(metadata.producer)} "
            f"/CreationDate {stamp} /ModDate {stamp} /Trapped /False >>")
        root = writer.write(
            f"<< /Type /Catalog /Pages {ref(self.pages_number)} /Outlines {ref(outlines)} /PageMode /UseOutlines "
            "/ViewerPreferences << /DisplayDocTitle true >> /Lang (zh-CN) >>")
        writer.close(root, info)

    def _write_outline(self) -> int:
        writer = self.writer
        top = writer.reserve()

        def write_level(entries: list[_Outline], parent: int) -> tuple[int, int, int]:
            """The entries under ``parent``: (first, last, count of all open descendants)."""
            numbers = [writer.reserve() for _ in entries]
            count = 0
            for at, (entry, own) in enumerate(zip(entries, numbers)):
                links = f"/Parent {ref(parent)}"
                if at:
                    links += f" /Prev {ref(numbers[at - 1])}"
                if at + 1 < len(entries):
                    links += f" /Next {ref(numbers[at + 1])}"
                if entry.children:
                    first, last, below = write_level(entry.children, own)
                    links += f" /First {ref(first)} /Last {ref(last)} /Count {below}"
                    count += below
                writer.write(f"<< /Title {text_string(entry.title)} {links} "
                             f"/Dest [{ref(self.page_objects[entry.page])} /Fit] >>", own)
            return numbers[0], numbers[-1], count + len(entries)

        if not self.outline:
            return writer.write("<< /Type /Outlines /Count 0 >>", top)
        first, last, count = write_level(self.outline, top)
        return writer.write(f"<< /Type /Outlines /First {ref(first)} /Last {ref(last)} /Count {count} >>", top)
