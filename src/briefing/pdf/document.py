"""A PDF/A-2b, PDF/UA-1 document of drawn pages, written page by page.

A PDF of drawn pages, written page by page: each page's content streams, images, links and
structure elements go to the file as the page is added; the fonts (one subset of each face, of every
character the pages drew), the page tree, the outline, the structure tree's root and the document
information follow at the end.

The file is PDF/A-2b (XMP metadata that repeats the document information, an sRGB output intent,
printable annotations) and tagged PDF/UA-1 (the pages' elements, ``tagging``, under one Document
element; a parent tree from each page's marked content and each link back to its element).

Pages are drawn elsewhere (ReportLab's canvas, ``render.brief_bodies``) into ``Body`` values; this
module only writes them, which is why the combined report of 1000 briefs needs no more memory than
that of 3.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from struct import pack
from typing import BinaryIO
from xml.sax.saxutils import escape

from .cidfont import registered
from .flate import deflate
from .tagging import Annot, Element, unpack
from .writer import PdfWriter, name, number, ref, text_string

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
    language: str = "zh-CN"


@dataclass
class _Outline:
    title: str
    page: int
    children: list["_Outline"] = field(default_factory=list)


class PdfDocument:
    """Pages added in order, each written at once; ``close`` writes the rest. ``page_count`` pages
    must be added: their object numbers are fixed first, so a link may point to a page not yet
    written."""

    def __init__(self, out: BinaryIO, size: tuple[float, float], page_count: int, metadata: Metadata,
                 object_streams: bool = True):
        self.writer = PdfWriter(out, object_streams)
        self.size = size
        self.metadata = metadata
        self.pages_number = self.writer.reserve()
        self.font_resources = self.writer.reserve()
        self.document = self.writer.reserve()  # the structure tree's Document element
        self.page_objects = [self.writer.reserve() for _ in range(page_count)]
        self.added = 0
        self.targets: dict[str, int] = {}  # bookmark key → page index
        self.titles: dict[str, str] = {}  # bookmark key → its outline title (a link's description)
        self.outline: list[_Outline] = []
        self.characters: dict[str, set[str]] = {}
        self.images: dict[str, int] = {}  # resource name → object number (an image shown twice is stored once)
        self.document_kids: list[int] = []
        self.parent_tree: list[tuple[int, str]] = []  # (key, the page's array of elements or a link's element)

    def bookmark(self, key: str, page: int, title: str | None = None, level: int = 0) -> None:
        """Name page ``page`` (from 0) ``key`` for links; with a title, an outline entry too (level 0 or 1)."""
        self.targets[key] = page
        if title is None:
            return
        self.titles[key] = title
        entry = _Outline(title, page)
        if level == 0 or not self.outline:
            self.outline.append(entry)
        else:
            self.outline[-1].children.append(entry)

    def add_page(self, streams: list[bytes], characters: dict[str, str], images: tuple[Image, ...] = (),
                 links: tuple[Link, ...] = (), tags: bytes = b"", section: str | None = None) -> None:
        """A page of these content streams (compressed), which drew ``characters`` in each face, with the
        structure elements ``tags`` (packed by ``tagging.pack``; under a ``section`` element of their own,
        if given)."""
        writer = self.writer
        page_number = self.page_objects[self.added]
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
        annotations = [writer.reserve() for _ in links]
        structure_key, link_elements = self._write_structure(unpack(tags), section, page_number, annotations)
        for link, annotation, element in zip(links, annotations, link_elements):
            target = self.targets[link.target]
            description = self.titles.get(link.target) or f"第{target + 1}页"
            self.parent_tree.append((len(self.parent_tree), ref(element)))
            writer.write(
                f"<< /Type /Annot /Subtype /Link /Rect [{' '.join(number(v) for v in link.rect)}] /F 4 "
                f"/Border [0 0 0] /Contents {text_string('转到：' + description)} "
                f"/StructParent {len(self.parent_tree) - 1} "
                f"/Dest [{ref(self.page_objects[target])} /Fit] >>", annotation)
        x_objects = " ".join(f"{name(image.name)} {ref(self.images[image.name])}" for image in images)
        resources = f"/Font {ref(self.font_resources)} /ProcSet {PROC_SET}"
        if x_objects:
            resources += f" /XObject << {x_objects} >>"
        page = f"<< /Type /Page /Parent {ref(self.pages_number)} " \
               f"/MediaBox [0 0 {number(self.size[0])} {number(self.size[1])}] /Contents [{contents}] " \
               f"/Resources << {resources} >> /StructParents {structure_key} /Tabs /S"
        if annotations:
            page += f" /Annots [{' '.join(map(ref, annotations))}]"
        writer.write(page + " >>", page_number)
        self.added += 1

    def _write_structure(self, tags: tuple[Element, ...], section: str | None, page: int,
                         annotations: list[int]) -> tuple[int, list[int]]:
        """The page's structure elements, under the Document (in a ``section`` element if given), and its
        parent tree entry (the element of each MCID): the entry's key, and the Link element of each
        annotation, in order."""
        writer = self.writer
        owners: dict[int, int] = {}  # MCID → element
        link_of: dict[int, int] = {}  # annotation index → element

        def write(element: Element, parent: int) -> int:
            own = writer.reserve()
            kids = []
            for kid in element.kids:
                if isinstance(kid, Element):
                    kids.append(ref(write(kid, own)))
                elif isinstance(kid, Annot):
                    link_of[kid.index] = own
                    kids.append(f"<< /Type /OBJR /Obj {ref(annotations[kid.index])} >>")
                else:
                    owners[kid] = own
                    kids.append(str(kid))
            entries = f"/Type /StructElem /S /{element.role} /P {ref(parent)} /Pg {ref(page)} /K [{' '.join(kids)}]"
            if element.alt is not None:
                entries += f" /Alt {text_string(element.alt)}"
            if element.attributes:
                entries += f" /A {element.attributes}"
            return writer.write(f"<< {entries} >>", own)

        parent = self.document
        if section is not None:
            parent = writer.reserve()
            self.document_kids.append(parent)
        tops = [write(element, parent) for element in tags]
        if section is not None:
            writer.write(f"<< /Type /StructElem /S /{section} /P {ref(self.document)} "
                         f"/K [{' '.join(map(ref, tops))}] >>", parent)
        else:
            self.document_kids += tops
        if sorted(owners) != list(range(len(owners))):
            raise ValueError(f"the marked content of a page is not numbered 0, 1, 2 …: {sorted(owners)[:10]}")
        if len(link_of) != len(annotations):
            raise ValueError(f"{len(annotations)} links on a page but {len(link_of)} of them tagged")
        array = writer.write("[" + " ".join(ref(owners[mcid]) for mcid in range(len(owners))) + "]")
        self.parent_tree.append((len(self.parent_tree), ref(array)))
        return len(self.parent_tree) - 1, [link_of[index] for index in range(len(annotations))]

    def close(self) -> None:
        """Fonts, page tree, outline, structure tree, metadata, information and catalogue; then the
        cross-references."""
        writer, metadata = self.writer, self.metadata
        if self.added != len(self.page_objects):
            raise ValueError(f"{self.added} pages added of {len(self.page_objects)}")
        embedded = {face: registered(face).write(writer, used) for face, used in sorted(self.characters.items())}
        writer.write("<< " + " ".join(f"{name(face)} {ref(n)}" for face, n in embedded.items()) + " >>",
                     self.font_resources)
        writer.write(f"<< /Type /Pages /Count {len(self.page_objects)} "
                     f"/Kids [{' '.join(map(ref, self.page_objects))}] >>", self.pages_number)
        outlines = self._write_outline()
        tree_root = writer.reserve()
        writer.write(f"<< /Type /StructElem /S /Document /P {ref(tree_root)} "
                     f"/K [{' '.join(map(ref, self.document_kids))}] >>", self.document)
        writer.write(f"<< /Type /StructTreeRoot /K [{ref(self.document)}] /ParentTree {ref(self._number_tree())} "
                     f"/ParentTreeNextKey {len(self.parent_tree)} >>", tree_root)
        stamp = f"(D:{metadata.issued:%Y%m%d}000000+08'00')"  # the date, never the clock
        info = writer.write(
            f"<< /Title {text_string(metadata.title)} /Author {text_string(metadata.author)} "
            f"/Subject {text_string(metadata.subject)} /Keywords {text_string(', '.join(metadata.keywords))} "
            f"/Creator {text_string(metadata.producer)} /Producer {text_string(metadata.producer)} "
            f"/CreationDate {stamp} /ModDate {stamp} >>")
        xmp = writer.write_stream("/Type /Metadata /Subtype /XML", xmp_metadata(metadata))
        profile = writer.write_stream("/N 3 /Filter /FlateDecode", deflate(srgb_profile()))
        root = writer.write(
            f"<< /Type /Catalog /Pages {ref(self.pages_number)} /Outlines {ref(outlines)} /PageMode /UseOutlines "
            f"/ViewerPreferences << /DisplayDocTitle true >> /Lang {text_string(metadata.language)} "
            f"/Metadata {ref(xmp)} /MarkInfo << /Marked true >> /StructTreeRoot {ref(tree_root)} "
            f"/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
            f"/Info (sRGB IEC61966-2.1) /DestOutputProfile {ref(profile)} >>] >>")
        writer.close(root, info)

    def _number_tree(self, leaf_size: int = 256) -> int:
        """The parent tree: a number tree of the entries, in leaves of ``leaf_size`` under one root."""
        writer, entries = self.writer, self.parent_tree

        def nums(part: list[tuple[int, str]]) -> str:
            return " ".join(f"{key} {value}" for key, value in part)

        if len(entries) <= leaf_size:
            return writer.write(f"<< /Nums [{nums(entries)}] >>")
        leaves = [entries[at:at + leaf_size] for at in range(0, len(entries), leaf_size)]
        kids = [writer.write(f"<< /Limits [{leaf[0][0]} {leaf[-1][0]}] /Nums [{nums(leaf)}] >>") for leaf in leaves]
        return writer.write(f"<< /Kids [{' '.join(map(ref, kids))}] >>")

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


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (made by Pillow's LittleCMS), its creation date fixed so the bytes never vary."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = pack(">6H", 2000, 1, 1, 0, 0, 0)
    return bytes(profile)


_XMP_EXTENSION = """<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def xmp_metadata(metadata: Metadata) -> bytes:
    """The XMP packet: what the document information says, as Dublin Core, XMP and PDF properties, and
    the PDF/A-2b and PDF/UA-1 identification (PDF/UA's schema described, as PDF/A asks of a schema it
    does not define)."""
    stamp = f"{metadata.issued:%Y-%m-%d}T00:00:00+08:00"
    keywords = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in metadata.keywords)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(metadata.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(metadata.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(metadata.subject)}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>{keywords}</rdf:Bag></dc:subject>
<dc:language><rdf:Bag><rdf:li>{escape(metadata.language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{escape(', '.join(metadata.keywords))}</pdf:Keywords>
<pdf:Producer>{escape(metadata.producer)}</pdf:Producer>
<xmp:CreatorTool>{escape(metadata.producer)}</xmp:CreatorTool>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<xmp:MetadataDate>{stamp}</xmp:MetadataDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
{_XMP_EXTENSION}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")
