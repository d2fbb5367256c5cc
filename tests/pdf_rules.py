"""The PDF/A-2b and PDF/UA-1 rules that apply to what briefing writes, checked without veraPDF: each rule
carries its veraPDF id (clause-test number of veraPDF-validation-profiles, PDF_A/PDFA-2B.xml and
PDF_UA/PDFUA-1.xml) and is checked with pikepdf (qpdf) on the file's objects, on its raw bytes where the
rule is about them, and with fontTools on the embedded fonts.

    python tests/pdf_rules.py out/*.pdf     # every rule, pass or fail, for each file

Rules about features we never write (encryption, forms, signatures, JPEG2000, Type 1 and simple TrueType
fonts, DeviceN, optional content, embedded files ...) are checked as "not present", not skipped.
"""
from __future__ import annotations

import io
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

# every operator of ISO 32000-1 (Annex A)
OPERATORS = set("""b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k
l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* y ' \"""".split())
PAINTING = set("b B b* B* f F f* s S sh Do Tj TJ ' \"".split())  # operators that put marks on the page
STANDARD_TYPES = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H H1 H2 H3
H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby
RB RT RP Warichu WT WP Figure Formula Form""".split())
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
      "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#", "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}
PREDEFINED = {NS[p] for p in ("dc", "xmp", "pdf", "pdfaid", "pdfaExtension", "pdfaSchema", "pdfaProperty", "rdf", "x")}
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Rule:
    id: str  # veraPDF's clause-test, prefixed by the profile
    text: str
    check: Callable[["Doc"], list[str]]  # the problems found (empty: passed)


class Doc:
    """A PDF read once, with what several rules need."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        self.pdf = pikepdf.open(io.BytesIO(self.data))

    @cached_property
    def objects(self) -> list:
        return [obj for obj in self.pdf.objects if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array))]

    def dictionaries(self) -> Iterator[pikepdf.Dictionary]:
        for obj in self.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                yield obj

    @cached_property
    def object_text(self) -> bytes:
        """The source text of every object but streams' data: the top-level text of the file with stream
        data removed, plus the decompressed object streams."""
        parts = [re.sub(rb"stream\n.*?\nendstream", b"", self.data, flags=re.S)]
        parts += [obj.read_bytes() for obj in self.dictionaries() if obj.get("/Type") == "/ObjStm"]
        return b"\n".join(parts)

    @cached_property
    def contents(self) -> list[tuple[int, list]]:
        """(page index, its content stream parsed) for every page and every content stream."""
        out = []
        for index, page in enumerate(self.pdf.pages):
            contents = page.obj.Contents
            for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
                out.append((index, list(pikepdf.parse_content_stream(stream))))
        return out

    @cached_property
    def xmp(self) -> ET.Element:
        return ET.fromstring(self.metadata_bytes.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])

    @cached_property
    def metadata_bytes(self) -> bytes:
        return self.pdf.Root.Metadata.read_bytes()

    def xmp_value(self, prefix: str, name: str) -> str | list[str] | None:
        found = self.xmp.find(f".//{{{NS[prefix]}}}{name}")
        if found is None:
            return None
        items = found.findall(f".//{{{NS['rdf']}}}li")
        if items and found.find(f"{{{NS['rdf']}}}Alt") is not None:
            return items[0].text
        return [item.text for item in items] if items else found.text

    @cached_property
    def fonts(self) -> list[pikepdf.Dictionary]:
        return [obj for obj in self.dictionaries() if obj.get("/Type") == "/Font"]

    @cached_property
    def structure(self) -> list[pikepdf.Dictionary]:
        return structure_elements(self.pdf)

    def used_cids(self) -> dict[str, set[int]]:
        """Every CID each font (by BaseFont) shows in the content streams."""
        used: dict[str, set[int]] = {}
        for index, operations in self.contents:
            fonts = self.pdf.pages[index].Resources.Font
            font = None
            for operands, operator in operations:
                op = str(operator)
                if op == "Tf":
                    font = str(fonts[operands[0]].BaseFont)
                elif op == "Tj":
                    raw = bytes(operands[0])
                    used.setdefault(font, set()).update(int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2))
                elif op in ("TJ", "'", '"'):
                    raise AssertionError(f"{op} is not written by briefing; the rule check would need it")
        return used

    @cached_property
    def embedded(self) -> dict[str, tuple[TTFont, bytes, pikepdf.Dictionary]]:
        """BaseFont → (the embedded TrueType font, the CIDToGIDMap bytes, the CIDFont dictionary)."""
        out = {}
        for font in self.fonts:
            if font.Subtype == "/CIDFontType2":
                program = TTFont(io.BytesIO(font.FontDescriptor.FontFile2.read_bytes()))
                out[str(font.BaseFont)] = (program, font.CIDToGIDMap.read_bytes(), font)
        return out


def structure_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, depth first in the order of the tree."""
    out = []

    def walk(node) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                out.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return out


def _problems(items: Iterator[str] | list[str]) -> list[str]:
    return list(items)[:20]


# ---- PDF/A-2b ------------------------------------------------------------------------------------------
def header(doc: Doc) -> list[str]:
    first = doc.data.split(b"\n", 1)[0]
    return [] if re.fullmatch(rb"%PDF-1\.[0-7]", first) else [f"header {first!r}"]


def binary_comment(doc: Doc) -> list[str]:
    second = doc.data.split(b"\n", 2)[1]
    return [] if second[:1] == b"%" and all(b > 127 for b in second[1:5]) and len(second) >= 5 else [repr(second)]


def trailer_id(doc: Doc) -> list[str]:
    return [] if len(doc.pdf.trailer.get("/ID", [])) == 2 else ["no /ID"]


def not_encrypted(doc: Doc) -> list[str]:
    return ["/Encrypt"] if "/Encrypt" in doc.pdf.trailer or doc.pdf.is_encrypted else []


def nothing_after_eof(doc: Doc) -> list[str]:
    return [] if doc.data.endswith((b"%%EOF\n", b"%%EOF\r\n", b"%%EOF")) else ["data after %%EOF"]


def xref_eol(doc: Doc) -> list[str]:
    start = int(doc.data.rsplit(b"startxref", 1)[1].split()[0])
    tail = doc.data[start:]
    if tail.startswith(b"xref"):
        return [] if re.match(rb"xref(\r\n|\n)\d+ \d+", tail) else ["xref keyword and subsection header"]
    return [] if re.match(rb"\d+ 0 obj\n<<[^>]*/Type /XRef", tail) else ["startxref points at neither a table nor a stream"]


def hex_strings(doc: Doc) -> list[str]:
    texts = [doc.object_text] + [bytes(pikepdf.unparse_content_stream(ops)) for _, ops in doc.contents]
    bad = []
    for text in texts:
        for found in re.finditer(rb"(?<!<)<([^<>]*)>(?!>)", text):
            digits = re.sub(rb"\s", b"", found.group(1))
            if len(digits) % 2 or not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
                bad.append(found.group(0)[:40].decode("latin-1"))
    return _problems(bad)


def stream_lengths(doc: Doc) -> list[str]:
    bad, found_count = [], 0
    for found in re.finditer(rb"(\d+) 0 obj\n<<([^\n]*?)>>\nstream\n", doc.data):
        found_count += 1
        length = re.search(rb"/Length (\d+)", found.group(2))
        end = found.end() + int(length.group(1)) if length else -1
        if not length or doc.data[end:end + 10] != b"\nendstream":
            bad.append(f"object {found.group(1).decode()}: /Length {length and length.group(1).decode()}")
    if doc.data.count(b"\nstream\n") != found_count:
        bad.append("a stream whose dictionary was not found")
    return _problems(bad)


def stream_keywords(doc: Doc) -> list[str]:
    bad = len(re.findall(rb"stream(?!\r?\n)", doc.data.replace(b"endstream", b""))) + \
        len(re.findall(rb"[^\r\n]endstream", doc.data))
    return [f"{bad} stream keywords without their end-of-line"] if bad else []


def stream_keys(doc: Doc) -> list[str]:
    return _problems(f"{obj.objgen}: {key}" for obj in doc.objects if isinstance(obj, pikepdf.Stream)
                     for key in ("/F", "/FFilter", "/FDecodeParms") if key in obj.stream_dict)


def filters(doc: Doc) -> list[str]:
    allowed = {"/ASCIIHexDecode", "/ASCII85Decode", "/FlateDecode", "/RunLengthDecode", "/CCITTFaxDecode",
               "/JBIG2Decode", "/DCTDecode", "/JPXDecode"}
    bad = []
    for obj in doc.objects:
        if isinstance(obj, pikepdf.Stream):
            chosen = obj.stream_dict.get("/Filter")
            for name in chosen if isinstance(chosen, pikepdf.Array) else [chosen] if chosen else []:
                if str(name) not in allowed:
                    bad.append(f"{obj.objgen}: {name}")
    return _problems(bad)


def utf8_names(doc: Doc) -> list[str]:
    bad = []
    for obj in doc.dictionaries():
        for key in ("/BaseFont", "/FontName", "/S"):
            value = obj.get(key)
            if isinstance(value, pikepdf.Name):
                try:
                    bytes(str(value), "utf-8").decode("utf-8")
                except UnicodeError:
                    bad.append(str(value))
    return _problems(bad)


def object_headers(doc: Doc) -> list[str]:
    bad = [m.group(0).decode("latin-1") for m in re.finditer(rb"(?:^|\n)([^\n]*)obj\n", doc.data)
           if not re.fullmatch(rb"\n?\d+ 0 obj\n", m.group(0)) and not m.group(1).endswith(b"end")]
    return _problems(bad)


def _numbers(doc: Doc) -> Iterator[object]:
    def walk(value, depth=0) -> Iterator[object]:
        if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
            yield value
        elif isinstance(value, (pikepdf.Array,)):
            for item in value:
                if not (isinstance(item, pikepdf.Object) and item.is_indirect):
                    yield from walk(item, depth + 1)
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)) and depth < 50:
            for key in value.keys():
                item = value.get(key)
                if not (isinstance(item, pikepdf.Object) and item.is_indirect):
                    yield from walk(item, depth + 1)

    for obj in doc.objects:
        yield from walk(obj)
    for _, operations in doc.contents:
        for operands, _ in operations:
            for operand in operands:
                yield from walk(operand)


def integers(doc: Doc) -> list[str]:
    return _problems(str(n) for n in _numbers(doc) if isinstance(n, int) and not -2 ** 31 <= n <= 2 ** 31 - 1)


def reals(doc: Doc) -> list[str]:
    return _problems(str(n) for n in _numbers(doc) if not isinstance(n, int) and abs(float(n)) > 3.403e38)


def small_reals(doc: Doc) -> list[str]:
    return _problems(str(n) for n in _numbers(doc) if not isinstance(n, int) and 0 < abs(float(n)) < 1.175e-38)


def not_finite(doc: Doc) -> list[str]:
    """Not a veraPDF rule: a NaN or infinity written as a number (qpdf reads ``nan`` as an operator)."""
    bad = [str(op) for _, operations in doc.contents for _, op in operations if str(op).lower() in ("nan", "inf", "-inf")]
    return _problems(bad + [m.group(0).decode() for m in re.finditer(rb"[\s\[](nan|inf)[\s\]]", doc.object_text)])


def string_lengths(doc: Doc) -> list[str]:
    bad = []
    for obj in doc.dictionaries():
        for key in obj.keys():
            value = obj.get(key)
            if isinstance(value, pikepdf.String) and len(bytes(value)) > 32767:
                bad.append(f"{obj.objgen} {key}")
    return _problems(bad)


def name_lengths(doc: Doc) -> list[str]:
    names = re.findall(rb"/[^\s/\[\]<>(){}%]+", doc.object_text)
    return _problems(n.decode("latin-1") for n in names if len(n) - 1 > 127)


def object_count(doc: Doc) -> list[str]:
    return [] if len(doc.pdf.objects) <= 8388607 else [str(len(doc.pdf.objects))]


def q_nesting(doc: Doc) -> list[str]:
    bad = []
    for index, operations in doc.contents:
        depth = 0
        for _, operator in operations:
            depth += {"q": 1, "Q": -1}.get(str(operator), 0)
            if depth > 28 or depth < 0:
                bad.append(f"page {index + 1}: q depth {depth}")
                break
    return bad


def page_boxes(doc: Doc) -> list[str]:
    bad = []
    for index, page in enumerate(doc.pdf.pages):
        x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
        if not (3 <= abs(x1 - x0) <= 14400 and 3 <= abs(y1 - y0) <= 14400):
            bad.append(f"page {index + 1}")
    return bad


def operators(doc: Doc) -> list[str]:
    return _problems(sorted({f"page {i + 1}: {op}" for i, ops in doc.contents for _, op in ops if str(op) not in OPERATORS}))


def explicit_resources(doc: Doc) -> list[str]:
    bad = []
    for index, page in enumerate(doc.pdf.pages):
        if "/Resources" not in page.obj:
            bad.append(f"page {index + 1} inherits its resources")
            continue
        resources = page.obj.Resources
        for _, operations in [c for c in doc.contents if c[0] == index]:
            for operands, operator in operations:
                op = str(operator)
                kind = {"Tf": "/Font", "Do": "/XObject", "gs": "/ExtGState", "sh": "/Shading",
                        "cs": "/ColorSpace", "CS": "/ColorSpace", "scn": "/Pattern", "SCN": "/Pattern"}.get(op)
                if kind and operands and isinstance(operands[0], pikepdf.Name):
                    if operands[0] not in resources.get(kind, {}):
                        bad.append(f"page {index + 1}: {op} {operands[0]} not in its {kind}")
    return _problems(bad)


def _output_profile(doc: Doc) -> bytes | None:
    intents = doc.pdf.Root.get("/OutputIntents", [])
    return intents[0].DestOutputProfile.read_bytes() if len(intents) else None


def output_profile(doc: Doc) -> list[str]:
    profile = _output_profile(doc)
    if profile is None:
        return ["no OutputIntents"]
    problems = []
    if profile[12:16] not in (b"mntr", b"prtr"):
        problems.append(f"device class {profile[12:16]!r}")
    if profile[16:20] not in (b"RGB ", b"CMYK", b"GRAY"):
        problems.append(f"colour space {profile[16:20]!r}")
    if profile[8] >= 5:
        problems.append(f"ICC version {profile[8]}")
    if profile[36:40] != b"acsp" or int.from_bytes(profile[:4], "big") != len(profile):
        problems.append("not an ICC profile")
    intent = doc.pdf.Root.OutputIntents[0]
    if intent.S != "/GTS_PDFA1" or int(intent.DestOutputProfile.N) != 3:
        problems.append(f"{intent.S} /N {intent.DestOutputProfile.N}")
    return problems


def one_output_profile(doc: Doc) -> list[str]:
    intents = doc.pdf.Root.get("/OutputIntents", [])
    return [] if len({i.DestOutputProfile.objgen for i in intents}) <= 1 else ["output intents differ"]


def _colour_operators(doc: Doc) -> set[str]:
    return {str(op) for _, ops in doc.contents for _, op in ops if str(op) in ("rg", "RG", "g", "G", "k", "K", "cs", "CS")}


def _image_spaces(doc: Doc) -> set[str]:
    return {str(obj.stream_dict.get("/ColorSpace")) for obj in doc.objects
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Subtype") == "/Image"}


def device_rgb(doc: Doc) -> list[str]:
    uses = _colour_operators(doc) & {"rg", "RG"} or "/DeviceRGB" in _image_spaces(doc)
    profile = _output_profile(doc)
    return ["DeviceRGB without an RGB output intent"] if uses and (profile is None or profile[16:20] != b"RGB ") else []


def device_cmyk(doc: Doc) -> list[str]:
    uses = _colour_operators(doc) & {"k", "K"} or "/DeviceCMYK" in _image_spaces(doc)
    return ["DeviceCMYK with an RGB output intent"] if uses else []


def device_gray(doc: Doc) -> list[str]:
    uses = _colour_operators(doc) & {"g", "G"} or "/DeviceGray" in _image_spaces(doc)
    return ["DeviceGray without an output intent"] if uses and _output_profile(doc) is None else []


def no_colour_spaces_or_graphics_states(doc: Doc) -> list[str]:
    """ExtGState (TR, TR2, HTP, RI, BM, SMask: rules 6.2.5, 6.2.6, 6.2.10), DeviceN, Separation: none written,
    so none of their rules can fail."""
    return _problems(f"page {i + 1}: {key}" for i, page in enumerate(doc.pdf.pages)
                     for key in ("/ExtGState", "/ColorSpace", "/Shading", "/Pattern") if key in page.Resources)


def images(doc: Doc) -> list[str]:
    bad = []
    for obj in doc.objects:
        if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Subtype") == "/Image":
            d = obj.stream_dict
            if "/Alternates" in d or "/OPI" in d or d.get("/Interpolate") is True:
                bad.append(f"{obj.objgen}: Alternates, OPI or Interpolate")
            if int(d.get("/BitsPerComponent", 8)) not in (1, 2, 4, 8, 16):
                bad.append(f"{obj.objgen}: BitsPerComponent {d.BitsPerComponent}")
            if "/JPXDecode" in str(d.get("/Filter")):
                bad.append(f"{obj.objgen}: JPEG2000 (its rules are not checked here)")
    return bad


def xobjects(doc: Doc) -> list[str]:
    return _problems(f"{obj.objgen}: {obj.stream_dict.get('/Subtype')}" for obj in doc.objects
                     if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == "/XObject"
                     and obj.stream_dict.get("/Subtype") != "/Image")


def font_dictionaries(doc: Doc) -> list[str]:
    bad = []
    for font in doc.fonts:
        if str(font.get("/Subtype")) not in ("/Type0", "/CIDFontType2"):
            bad.append(f"{font.get('/BaseFont')}: {font.get('/Subtype')} (its rules are not checked here)")
        if "/BaseFont" not in font:
            bad.append("a font without BaseFont")
    return bad


def type0_encoding(doc: Doc) -> list[str]:
    return _problems(f"{f.BaseFont}: {f.Encoding}" for f in doc.fonts if f.Subtype == "/Type0"
                     and str(f.get("/Encoding")) not in ("/Identity-H", "/Identity-V"))


def cid_to_gid(doc: Doc) -> list[str]:
    return _problems(str(f.BaseFont) for f in doc.fonts if f.Subtype == "/CIDFontType2" and "/CIDToGIDMap" not in f)


def fonts_embedded(doc: Doc) -> list[str]:
    return _problems(str(f.BaseFont) for f in doc.fonts if f.Subtype == "/CIDFontType2"
                     and "/FontFile2" not in f.FontDescriptor)


def _glyph_of(doc: Doc) -> Iterator[tuple[str, int, int, TTFont, pikepdf.Dictionary]]:
    """(font, CID, glyph) of every character shown."""
    for base, cids in doc.used_cids().items():
        program, mapping, font = doc.embedded[base]
        for cid in sorted(cids):
            glyph = int.from_bytes(mapping[2 * cid:2 * cid + 2], "big") if 2 * cid + 2 <= len(mapping) else -1
            yield base, cid, glyph, program, font


def glyphs_present(doc: Doc) -> list[str]:
    return _problems(f"{base} CID {cid}" for base, cid, glyph, program, _ in _glyph_of(doc)
                     if not 0 <= glyph < program["maxp"].numGlyphs)


def no_notdef(doc: Doc) -> list[str]:
    return _problems(f"{base} CID {cid}" for base, cid, glyph, _, _ in _glyph_of(doc) if glyph == 0)


def cid_sets(doc: Doc) -> list[str]:
    return _problems(str(f.BaseFont) for f in doc.fonts if f.Subtype == "/CIDFontType2" and "/CIDSet" in f.FontDescriptor)


def widths(doc: Doc) -> list[str]:
    bad = []
    for base, cid, glyph, program, font in _glyph_of(doc):
        declared = float(font.get("/DW", 1000))
        w = font.get("/W", [])
        at = 0
        while at < len(w):
            first = int(w[at])
            if isinstance(w[at + 1], pikepdf.Array):
                if first <= cid < first + len(w[at + 1]):
                    declared = float(w[at + 1][cid - first])
                at += 2
            else:
                if first <= cid <= int(w[at + 1]):
                    declared = float(w[at + 2])
                at += 3
        scale = 1000 / program["head"].unitsPerEm
        actual = program["hmtx"][program.getGlyphOrder()[glyph]][0] * scale
        if abs(actual - declared) > 1:
            bad.append(f"{base} CID {cid}: {declared} in the PDF, {actual:.1f} in the font")
    return _problems(bad)


def annotation_types(doc: Doc) -> list[str]:
    return _problems(str(a.Subtype) for p in doc.pdf.pages for a in p.obj.get("/Annots", [])
                     if str(a.Subtype) in ("/3D", "/Sound", "/Screen", "/Movie") or str(a.Subtype) != "/Link")


def annotation_flags(doc: Doc) -> list[str]:
    bad = []
    for index, page in enumerate(doc.pdf.pages):
        for annot in page.obj.get("/Annots", []):
            flags = int(annot.get("/F", -1))
            if flags < 0 or flags & (1 | 2 | 32 | 256) or not flags & 4:
                bad.append(f"page {index + 1}: /F {flags}")
    return _problems(bad)


def annotation_appearances(doc: Doc) -> list[str]:
    return _problems(f"page {i + 1}" for i, p in enumerate(doc.pdf.pages) for a in p.obj.get("/Annots", [])
                     if a.Subtype != "/Link" and "/AP" not in a or "/AP" in a and set(a.AP.keys()) != {"/N"})


def actions(doc: Doc) -> list[str]:
    allowed = {"/GoTo", "/GoToR", "/GoToE", "/Thread", "/URI", "/Named", "/SubmitForm"}
    bad = [str(obj.get("/S")) for obj in doc.dictionaries() if obj.get("/Type") == "/Action" or
           ("/S" in obj and obj.get("/Type") is None and str(obj.get("/S")) in ("/Launch", "/JavaScript"))
           if str(obj.get("/S")) not in allowed]
    bad += [f"page {i + 1}: /AA" for i, p in enumerate(doc.pdf.pages) if "/AA" in p.obj]
    return _problems(bad + (["catalog /AA"] if "/AA" in doc.pdf.Root else []))


def catalog_keys(doc: Doc) -> list[str]:
    """Forms, optional content, alternate presentations, requirements, permissions: none present."""
    root = doc.pdf.Root
    bad = [key for key in ("/AcroForm", "/OCProperties", "/Requirements", "/NeedsRendering", "/Perms", "/AA")
           if key in root]
    if "/Names" in root and "/AlternatePresentations" in root.Names:
        bad.append("/AlternatePresentations")
    bad += [f"page {i + 1}: /PresSteps" for i, p in enumerate(doc.pdf.pages) if "/PresSteps" in p.obj]
    return bad


def metadata_stream(doc: Doc) -> list[str]:
    root = doc.pdf.Root
    if "/Metadata" not in root:
        return ["no /Metadata in the catalogue"]
    meta = root.Metadata
    return [] if meta.Type == "/Metadata" and meta.Subtype == "/XML" else ["not /Type /Metadata /Subtype /XML"]


def xpacket_header(doc: Doc) -> list[str]:
    head = doc.metadata_bytes.split(b"?>", 1)[0]
    return [a for a in ("bytes=", "encoding=") if a.encode() in head] + ([] if head.startswith(b"<?xpacket begin=") else ["no xpacket"])


def xmp_well_formed(doc: Doc) -> list[str]:
    try:
        doc.metadata_bytes.decode("utf-8")
        doc.xmp
    except (UnicodeError, ET.ParseError) as error:
        return [str(error)]
    return []


def xmp_schemas(doc: Doc) -> list[str]:
    """Every property's namespace is predefined, or described by an extension schema in the packet."""
    described = {e.text for e in doc.xmp.iter(f"{{{NS['pdfaSchema']}}}namespaceURI")}
    bad = []
    for description in doc.xmp.iter(f"{{{NS['rdf']}}}Description"):
        for prop in description:
            namespace = prop.tag[1:].split("}")[0]
            if namespace not in PREDEFINED and namespace not in described:
                bad.append(prop.tag)
    return bad


def xmp_extension(doc: Doc) -> list[str]:
    bad = []
    for schema in doc.xmp.iter(f"{{{NS['rdf']}}}li"):
        if schema.find(f"{{{NS['pdfaSchema']}}}namespaceURI") is None:
            continue
        for field in ("schema", "namespaceURI", "prefix", "property"):
            if schema.find(f"{{{NS['pdfaSchema']}}}{field}") is None:
                bad.append(f"pdfaSchema:{field} missing")
        for prop in schema.iter(f"{{{NS['rdf']}}}li"):
            if prop.find(f"{{{NS['pdfaProperty']}}}name") is None:
                continue
            fields = {f: prop.find(f"{{{NS['pdfaProperty']}}}{f}") for f in ("name", "valueType", "category", "description")}
            bad += [f"pdfaProperty:{f} missing" for f, v in fields.items() if v is None or not v.text]
            if fields["category"] is not None and fields["category"].text not in ("internal", "external"):
                bad.append("category")
            if fields["valueType"] is not None and fields["valueType"].text not in ("Integer", "Text", "Boolean", "Date", "URI"):
                bad.append(f"valueType {fields['valueType'].text}")
    return bad


def pdfa_identification(doc: Doc) -> list[str]:
    part, conformance = doc.xmp_value("pdfaid", "part"), doc.xmp_value("pdfaid", "conformance")
    return [] if (part, conformance) == ("2", "B") else [f"pdfaid:part {part}, conformance {conformance}"]


def info_matches_xmp(doc: Doc) -> list[str]:
    """Not a veraPDF rule for PDF/A-2 (it is for PDF/A-1, 6.7.3): the issue asks the XMP to repeat the Info."""
    info = doc.pdf.docinfo
    stamp = str(info.CreationDate)
    iso = f"{stamp[2:6]}-{stamp[6:8]}-{stamp[8:10]}T{stamp[10:12]}:{stamp[12:14]}:{stamp[14:16]}{stamp[16:19]}:{stamp[20:22]}"
    pairs = [("Title", ("dc", "title")), ("Author", ("dc", "creator")), ("Subject", ("dc", "description")),
             ("Keywords", ("pdf", "Keywords")), ("Producer", ("pdf", "Producer")), ("Creator", ("xmp", "CreatorTool"))]
    bad = []
    for key, (prefix, prop) in pairs:
        value = doc.xmp_value(prefix, prop)
        value = value[0] if isinstance(value, list) and len(value) == 1 else value
        if str(info.get(f"/{key}")) != value:
            bad.append(f"/{key} {str(info.get(f'/{key}'))!r} != {prefix}:{prop} {value!r}")
    for key, prop in (("CreationDate", "CreateDate"), ("ModDate", "ModifyDate")):
        if doc.xmp_value("xmp", prop) != iso or str(info.get(f"/{key}")) != stamp:
            bad.append(f"/{key} {info.get(f'/{key}')} != xmp:{prop} {doc.xmp_value('xmp', prop)}")
    if doc.xmp_value("dc", "language") != [str(doc.pdf.Root.Lang)]:
        bad.append(f"dc:language {doc.xmp_value('dc', 'language')} != /Lang {doc.pdf.Root.Lang}")
    return bad


# ---- PDF/UA-1 ------------------------------------------------------------------------------------------
def pdfua_identification(doc: Doc) -> list[str]:
    return [] if doc.xmp_value("pdfuaid", "part") == "1" else [f"pdfuaid:part {doc.xmp_value('pdfuaid', 'part')}"]


def mark_info(doc: Doc) -> list[str]:
    info = doc.pdf.Root.get("/MarkInfo")
    problems = [] if info is not None and info.get("/Marked") is True else ["no /MarkInfo << /Marked true >>"]
    return problems + (["/Suspects true"] if info is not None and info.get("/Suspects") is True else [])


def _marked_content(doc: Doc) -> Iterator[tuple[int, str, list[str], list[dict]]]:
    """Every painting operator: (page, operator, the tags of the marked content it is in, their properties)."""
    for index, operations in doc.contents:
        stack: list[tuple[str, dict]] = []
        for operands, operator in operations:
            op = str(operator)
            if op in ("BMC", "BDC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else {}
                stack.append((str(operands[0]), props))
            elif op == "EMC":
                stack.pop()
            elif op in PAINTING:
                yield index, op, [t for t, _ in stack], [p for _, p in stack]


def artifacts_apart(doc: Doc) -> list[str]:
    """7.1-1, 7.1-2: an artifact never inside tagged content, tagged content never inside an artifact."""
    bad = []
    for index, op, tags, props in _marked_content(doc):
        tagged_at = [i for i, p in enumerate(props) if isinstance(p, pikepdf.Dictionary) and "/MCID" in p]
        artifact_at = [i for i, t in enumerate(tags) if t == "/Artifact"]
        if tagged_at and artifact_at:
            bad.append(f"page {index + 1}: {op} in {tags}")
    return _problems(bad)


def all_content_marked(doc: Doc) -> list[str]:
    """7.1-3: every painting operator is an artifact's or a structure element's (an MCID)."""
    bad = []
    for index, op, tags, props in _marked_content(doc):
        if "/Artifact" not in tags and not any(isinstance(p, pikepdf.Dictionary) and "/MCID" in p for p in props):
            bad.append(f"page {index + 1}: {op} outside marked content")
    return _problems(bad)


def standard_types(doc: Doc) -> list[str]:
    bad = [str(e.S) for e in doc.structure if str(e.S)[1:] not in STANDARD_TYPES]
    return _problems(bad + (["a RoleMap"] if "/RoleMap" in doc.pdf.Root.StructTreeRoot else []))


def title_and_display(doc: Doc) -> list[str]:
    bad = [] if doc.xmp_value("dc", "title") else ["no dc:title"]
    prefs = doc.pdf.Root.get("/ViewerPreferences", {})
    return bad + ([] if prefs.get("/DisplayDocTitle") is True else ["DisplayDocTitle not true"])


def structure_tree(doc: Doc) -> list[str]:
    if "/StructTreeRoot" not in doc.pdf.Root:
        return ["no /StructTreeRoot"]
    return [] if doc.structure else ["an empty structure tree"]


def parents(doc: Doc) -> list[str]:
    return _problems(f"{e.S} without /P" for e in doc.structure if "/P" not in e)


def language(doc: Doc) -> list[str]:
    lang = str(doc.pdf.Root.get("/Lang", ""))
    return [] if re.fullmatch(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*", lang) else [f"/Lang {lang!r}"]


def _kid_types(element: pikepdf.Dictionary) -> list[str]:
    kids = element.get("/K")
    return [str(k.S)[1:] for k in (kids if isinstance(kids, pikepdf.Array) else [kids])
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]


def tables(doc: Doc) -> list[str]:
    """7.2-3 … 7.2-43 as they apply: Table → TR → TH/TD, every row as many cells; TOC → TOCI."""
    bad = []
    for e in doc.structure:
        role, kids, parent = str(e.S)[1:], _kid_types(e), str(e.P.get("/S", ""))[1:]
        if role == "Table":
            if set(kids) - {"TR", "THead", "TBody", "TFoot", "Caption"}:
                bad.append(f"Table holds {kids}")
            widths = {len(_kid_types(row)) for row in e.K if isinstance(row, pikepdf.Dictionary) and row.get("/S") == "/TR"}
            if len(widths) > 1:
                bad.append(f"rows of {sorted(widths)} cells in one Table")
        if role == "TR" and (parent not in ("Table", "THead", "TBody", "TFoot") or set(kids) - {"TH", "TD"}):
            bad.append(f"TR in {parent} holding {kids}")
        if role in ("TH", "TD") and parent != "TR":
            bad.append(f"{role} in {parent}")
        if role == "TOCI" and parent != "TOC":
            bad.append(f"TOCI in {parent}")
        if role == "TOC" and set(kids) - {"TOC", "TOCI", "Caption"}:
            bad.append(f"TOC holds {kids}")
        if role in ("LI", "LBody", "L"):
            bad.append(f"{role}: lists are not written by briefing; their rules are not checked here")
    return _problems(bad)


def figures_alt(doc: Doc) -> list[str]:
    return _problems(f"{e.S} without /Alt" for e in doc.structure if e.S in ("/Figure", "/Formula")
                     and not str(e.get("/Alt", "")) and "/ActualText" not in e)


def heading_levels(doc: Doc) -> list[str]:
    """7.4.2-1: the first heading is H1, and no heading is more than one level below the one before."""
    levels = [int(str(e.S)[2:]) for e in doc.structure if re.fullmatch(r"/H[1-6]", str(e.S))]
    bad = [] if not levels or levels[0] == 1 else [f"the first heading is H{levels[0]}"]
    bad += [f"H{a} followed by H{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    return bad + (["an H element (weakly and strongly structured)"] if any(e.S == "/H" for e in doc.structure) else [])


def header_scope(doc: Doc) -> list[str]:
    bad = []
    for e in doc.structure:
        if e.S == "/TH":
            attributes = e.get("/A")
            if not (attributes is not None and str(attributes.get("/Scope", "")) in ("/Row", "/Column", "/Both")) \
                    and "/ID" not in e:
                bad.append("TH without /Scope")
    return _problems(bad)


def link_annotations(doc: Doc) -> list[str]:
    """7.18.1-2, 7.18.5-1, 7.18.5-2: a link has /Contents and its structure parent is a Link element."""
    tree = doc.pdf.Root.StructTreeRoot.ParentTree
    entries = _number_tree(tree)
    bad = []
    for index, page in enumerate(doc.pdf.pages):
        for annot in page.obj.get("/Annots", []):
            if not str(annot.get("/Contents", "")):
                bad.append(f"page {index + 1}: a link without /Contents")
            key = annot.get("/StructParent")
            element = entries.get(int(key)) if key is not None else None
            if element is None or element.S != "/Link":
                bad.append(f"page {index + 1}: a link whose structure parent is {None if element is None else element.S}")
            elif not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == annot.objgen
                         for k in element.K):
                bad.append(f"page {index + 1}: the Link element does not point back at its annotation")
    return _problems(bad)


def tabs(doc: Doc) -> list[str]:
    return [f"page {i + 1}" for i, p in enumerate(doc.pdf.pages) if "/Annots" in p.obj and p.obj.get("/Tabs") != "/S"]


def to_unicode(doc: Doc) -> list[str]:
    bad = []
    for font in doc.fonts:
        if font.Subtype != "/Type0":
            continue
        if "/ToUnicode" not in font:
            bad.append(f"{font.BaseFont}: no ToUnicode")
            continue
        for value in re.findall(rb"<[0-9A-F]{4}> <([0-9A-F]+)>", font.ToUnicode.read_bytes()):
            if bytes.fromhex(value.decode()).decode("utf-16-be") in ("\0", "\ufeff", "\ufffe"):
                bad.append(f"{font.BaseFont}: maps to {value.decode()}")
    return _problems(bad)


def _number_tree(node) -> dict[int, object]:
    out = {}
    nums = node.get("/Nums", [])
    for at in range(0, len(nums), 2):
        out[int(nums[at])] = nums[at + 1]
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


def parent_tree(doc: Doc) -> list[str]:
    """Not one veraPDF rule but what 7.1 relies on: each page's MCIDs are the kids of the element the parent
    tree names for them, and every MCID of the tree is drawn on its page."""
    entries = _number_tree(doc.pdf.Root.StructTreeRoot.ParentTree)
    bad = []
    drawn: dict[int, set[int]] = {}
    for index, operations in doc.contents:
        for operands, operator in operations:
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                drawn.setdefault(index, set()).add(int(operands[1].MCID))
    owners: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for e in doc.structure:
        kids = e.K if isinstance(e.K, pikepdf.Array) else [e.K]
        for kid in kids:
            if isinstance(kid, int):
                page = next(i for i, p in enumerate(doc.pdf.pages) if p.obj.objgen == e.Pg.objgen)
                owners[page, int(kid)] = e
    for index, page in enumerate(doc.pdf.pages):
        array = entries.get(int(page.obj.StructParents))
        for mcid in sorted(drawn.get(index, ())):
            if (index, mcid) not in owners:
                bad.append(f"page {index + 1}: MCID {mcid} belongs to no element")
            elif array is None or mcid >= len(array) or array[mcid].objgen != owners[index, mcid].objgen:
                bad.append(f"page {index + 1}: the parent tree misses MCID {mcid}")
        bad += [f"page {index + 1}: MCID {m} of the tree is not drawn" for (i, m) in owners
                if i == index and m not in drawn.get(index, ())]
    if int(doc.pdf.Root.StructTreeRoot.ParentTreeNextKey) <= max(entries, default=-1):
        bad.append("ParentTreeNextKey")
    return _problems(bad)


PDFA_2B = [
    Rule("PDF/A-2b 6.1.2-1", "header %PDF-1.n at byte 0", header),
    Rule("PDF/A-2b 6.1.2-2", "binary comment of four bytes > 127", binary_comment),
    Rule("PDF/A-2b 6.1.3-1", "trailer /ID", trailer_id),
    Rule("PDF/A-2b 6.1.3-2", "no /Encrypt", not_encrypted),
    Rule("PDF/A-2b 6.1.3-3", "nothing after the last %%EOF", nothing_after_eof),
    Rule("PDF/A-2b 6.1.4-2", "xref keyword, one EOL, subsection header (or a cross-reference stream)", xref_eol),
    Rule("PDF/A-2b 6.1.6-1/2", "hexadecimal strings: even count of hex digits", hex_strings),
    Rule("PDF/A-2b 6.1.7.1-1", "stream /Length exact", stream_lengths),
    Rule("PDF/A-2b 6.1.7.1-2", "stream followed by EOL, endstream preceded by one", stream_keywords),
    Rule("PDF/A-2b 6.1.7.1-3", "no /F, /FFilter, /FDecodeParms in streams", stream_keys),
    Rule("PDF/A-2b 6.1.7.2-1", "standard filters only, no LZW", filters),
    Rule("PDF/A-2b 6.1.8-1", "font and structure type names valid UTF-8", utf8_names),
    Rule("PDF/A-2b 6.1.9-1", "N 0 obj with single spaces", object_headers),
    Rule("PDF/A-2b 6.1.13-1", "integers within 32 bits", integers),
    Rule("PDF/A-2b 6.1.13-2", "reals within ±3.403e38", reals),
    Rule("PDF/A-2b 6.1.13-3", "strings ≤ 32767 bytes", string_lengths),
    Rule("PDF/A-2b 6.1.13-4", "names ≤ 127 bytes", name_lengths),
    Rule("PDF/A-2b 6.1.13-5", "no real closer to 0 than 1.175e-38", small_reals),
    Rule("PDF/A-2b 6.1.13-7", "≤ 8388607 indirect objects", object_count),
    Rule("PDF/A-2b 6.1.13-8", "q/Q nested ≤ 28 levels", q_nesting),
    Rule("PDF/A-2b 6.1.13-11", "page boxes 3 to 14400 units", page_boxes),
    Rule("PDF/A-2b 6.2.2-1", "only ISO 32000-1 operators", operators),
    Rule("PDF/A-2b 6.2.2-2", "explicit page resources, every one used defined", explicit_resources),
    Rule("PDF/A-2b 6.2.3-1", "output intent profile: mntr/prtr, RGB, ICC < 5", output_profile),
    Rule("PDF/A-2b 6.2.3-2", "one output profile", one_output_profile),
    Rule("PDF/A-2b 6.2.4.3-2", "DeviceRGB only with an RGB output intent", device_rgb),
    Rule("PDF/A-2b 6.2.4.3-3", "no DeviceCMYK with an RGB output intent", device_cmyk),
    Rule("PDF/A-2b 6.2.4.3-4", "DeviceGray only with an output intent", device_gray),
    Rule("PDF/A-2b 6.2.4.4, 6.2.5, 6.2.6, 6.2.10", "no ExtGState, colour space, shading or pattern resources", no_colour_spaces_or_graphics_states),
    Rule("PDF/A-2b 6.2.8-1…5", "images: no Alternates, OPI, Interpolate; BitsPerComponent 1–16", images),
    Rule("PDF/A-2b 6.2.9-1…3", "no form, reference or PostScript XObjects", xobjects),
    Rule("PDF/A-2b 6.2.11.2-1…7", "fonts: Type0 over CIDFontType2, BaseFont", font_dictionaries),
    Rule("PDF/A-2b 6.2.11.3.1-1, 6.2.11.3.3-1", "Identity-H encoding", type0_encoding),
    Rule("PDF/A-2b 6.2.11.3.2-1", "CIDToGIDMap in every CIDFontType2", cid_to_gid),
    Rule("PDF/A-2b 6.2.11.4.1-1", "every font embedded", fonts_embedded),
    Rule("PDF/A-2b 6.2.11.4.1-2", "every glyph shown is in its embedded font", glyphs_present),
    Rule("PDF/A-2b 6.2.11.4.2-2", "no CIDSet (so none incomplete)", cid_sets),
    Rule("PDF/A-2b 6.2.11.5-1", "widths in the PDF = widths in the font (±1)", widths),
    Rule("PDF/A-2b 6.2.11.8-1", "no .notdef glyph shown", no_notdef),
    Rule("PDF/A-2b 6.3.1-1", "annotation types allowed (Link)", annotation_types),
    Rule("PDF/A-2b 6.3.2-1/2", "annotations /F with Print, not Hidden/Invisible/NoView", annotation_flags),
    Rule("PDF/A-2b 6.3.3-1…4", "appearance streams where required (Link exempt)", annotation_appearances),
    Rule("PDF/A-2b 6.5.1-1, 6.5.2-1/2", "allowed actions only, no /AA", actions),
    Rule("PDF/A-2b 6.4, 6.9, 6.10, 6.11", "no forms, optional content, presentations, requirements", catalog_keys),
    Rule("PDF/A-2b 6.6.2.1-1", "catalogue /Metadata, an XML metadata stream", metadata_stream),
    Rule("PDF/A-2b 6.6.2.1-2/3", "xpacket header without bytes/encoding", xpacket_header),
    Rule("PDF/A-2b 6.6.2.1-4/5", "XMP well-formed UTF-8", xmp_well_formed),
    Rule("PDF/A-2b 6.6.2.3.1-1", "XMP properties predefined or described", xmp_schemas),
    Rule("PDF/A-2b 6.6.2.3.3-1…18", "extension schema complete", xmp_extension),
    Rule("PDF/A-2b 6.6.4-1…5", "pdfaid:part 2, pdfaid:conformance B", pdfa_identification),
    Rule("issue 18 (PDF/A-1 6.7.3)", "XMP repeats the Info dictionary and /Lang", info_matches_xmp),
    Rule("issue 18", "no NaN or infinity written as a number", not_finite),
]
PDFUA_1 = [
    Rule("PDF/UA-1 5-1…3", "pdfuaid:part 1", pdfua_identification),
    Rule("PDF/UA-1 6.2-1, 7.1-4", "/MarkInfo /Marked true, no /Suspects", mark_info),
    Rule("PDF/UA-1 7.1-1/2", "artifacts and tagged content never nested", artifacts_apart),
    Rule("PDF/UA-1 7.1-3", "all content an artifact or tagged", all_content_marked),
    Rule("PDF/UA-1 7.1-5…7", "standard structure types, no role map", standard_types),
    Rule("PDF/UA-1 7.1-8/9/10", "metadata with dc:title, DisplayDocTitle", title_and_display),
    Rule("PDF/UA-1 7.1-11", "a structure tree", structure_tree),
    Rule("PDF/UA-1 7.1-12", "every structure element has /P", parents),
    Rule("PDF/UA-1 7.2-2, 7.2-21…34", "language: catalogue /Lang, well formed", language),
    Rule("PDF/UA-1 7.2-3…43", "tables and tables of contents well formed", tables),
    Rule("PDF/UA-1 7.3-1", "every Figure has /Alt", figures_alt),
    Rule("PDF/UA-1 7.4.2-1, 7.4.4-1…3", "headings start at H1 and never skip a level", heading_levels),
    Rule("PDF/UA-1 7.5-1/2", "TH with /Scope", header_scope),
    Rule("PDF/UA-1 7.18.1-2, 7.18.5-1/2", "links with /Contents, in Link elements", link_annotations),
    Rule("PDF/UA-1 7.18.3-1", "/Tabs /S on pages with annotations", tabs),
    Rule("PDF/UA-1 7.20-1/2", "no form or reference XObjects", xobjects),
    Rule("PDF/UA-1 7.21.3.1, 7.21.3.2, 7.21.4.1", "fonts embedded, Identity-H, CIDToGIDMap", lambda d: type0_encoding(d) + cid_to_gid(d) + fonts_embedded(d)),
    Rule("PDF/UA-1 7.21.4.1-2, 7.21.5-1, 7.21.8-1", "glyphs present, widths consistent, no .notdef", lambda d: glyphs_present(d) + widths(d) + no_notdef(d)),
    Rule("PDF/UA-1 7.21.7-1/2", "ToUnicode for every font, no U+0000/FEFF/FFFE", to_unicode),
    Rule("PDF/UA-1 (ISO 32000-1 14.7.4.4)", "parent tree: every MCID drawn has its element, and back", parent_tree),
]
RULES = PDFA_2B + PDFUA_1


def check(path: Path) -> dict[str, list[str]]:
    """Every rule's problems in one PDF."""
    doc = Doc(path)
    try:
        return {rule.id: rule.check(doc) for rule in RULES}
    finally:
        doc.pdf.close()


if __name__ == "__main__":
    results = {f"{Path(p).parent.name}/{Path(p).name}": check(Path(p)) for p in sys.argv[1:]}
    names = list(results)
    print("| rule | what | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for rule in RULES:
        cells = ["pass" if not results[n][rule.id] else "FAIL: " + "; ".join(results[n][rule.id][:2]) for n in names]
        print(f"| {rule.id} | {rule.text} | " + " | ".join(cells) + " |")
