"""PDF/A-2b and PDF/UA-1 without veraPDF: every rule of ``pdf_rules`` holds for every PDF a build writes
(plain, and with a watermark in grey), each check can fail, and pdfium (an independent reader of the
tags) finds every text and graphic tagged or an artifact, every MCID in the structure tree, headings in
order, and Alt text on every Figure. Untagged extractors read the page in the order it is laid out."""
from __future__ import annotations

import ctypes
import io
import math
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from reportlab.platypus import Flowable

import pdf_rules
from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.page.geometry import PageGeometry, page_setup
from briefing.page.render import draw_pages
from briefing.pdf.writer import check_content, number
from conftest import BRIEFS, SEEDS, STEMS, page_texts


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed briefs built with a watermark, in grey."""
    out = tmp_path_factory.mktemp("marked")
    result = build(discover(BRIEFS), out, BRIEFS / "report.yaml", SEEDS,
                   geometry=page_setup(grayscale=True, watermark="内部资料"))
    assert result.ok, [str(e) for e in result.errors]
    return out


def _pdfs(built: Path, marked: Path) -> list[Path]:
    return [built / f"{stem}.pdf" for stem in [*STEMS, "combined"]] + [marked / "anhui.pdf", marked / "combined.pdf"]


@pytest.fixture(scope="module")
def results(built: Path, marked: Path) -> dict[str, dict[str, list[str]]]:
    return {f"{path.parent.name}/{path.name}": pdf_rules.check(path) for path in _pdfs(built, marked)}


@pytest.mark.parametrize("rule", pdf_rules.RULES, ids=lambda rule: rule.id)
def test_every_rule_holds_for_every_pdf(results: dict[str, dict[str, list[str]]], rule: pdf_rules.Rule) -> None:
    failures = {name: found[rule.id] for name, found in results.items() if found[rule.id]}
    assert not failures, f"{rule.id} ({rule.text}): {failures}"


def _damaged(source: Path, tmp_path: Path, damage) -> Path:
    with pikepdf.open(source) as pdf:
        damage(pdf)
        out = tmp_path / "damaged.pdf"
        pdf.save(out)
    return out


def _figure(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(e for e in pdf_rules.structure_elements(pdf) if e.S == "/Figure")


def _untag_first_text(pdf: pikepdf.Pdf) -> None:
    from briefing.page import fonts

    page = pdf.pages[0]
    operations = [op for stream in page.obj.Contents for op in pikepdf.parse_content_stream(stream)]
    operations[:0] = [pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(op)) for operands, op in (
        ([], "BT"), ([pikepdf.Name("/" + fonts.SERIF), 9], "Tf"), ([pikepdf.String(b"\x00\x01")], "Tj"), ([], "ET"))]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))


DAMAGE = {
    "PDF/A-2b 6.3.2-1/2": lambda pdf: pdf.pages[1].obj.Annots[0].__setitem__("/F", 0),
    "PDF/UA-1 7.18.1-2, 7.18.5-1/2": lambda pdf: pdf.pages[1].obj.Annots[0].__delitem__("/Contents"),
    "PDF/A-2b 6.6.4-1…5": lambda pdf: pdf.Root.Metadata.write(pdf.Root.Metadata.read_bytes().replace(
        b"<pdfaid:part>2<", b"<pdfaid:part>3<")),
    "issue 18 (PDF/A-1 6.7.3)": lambda pdf: pdf.docinfo.__setitem__("/Title", pikepdf.String("other")),
    "PDF/A-2b 6.2.3-1": lambda pdf: pdf.Root.__delitem__("/OutputIntents"),
    "PDF/UA-1 6.2-1, 7.1-4": lambda pdf: pdf.Root.__delitem__("/MarkInfo"),
    "PDF/UA-1 7.3-1": lambda pdf: _figure(pdf).__delitem__("/Alt"),
    "PDF/UA-1 7.1-3": _untag_first_text,
    "PDF/UA-1 7.18.3-1": lambda pdf: pdf.pages[1].obj.__delitem__("/Tabs"),
    "PDF/UA-1 7.1-8/9/10": lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False),
}


@pytest.mark.parametrize("rule_id", DAMAGE)
def test_each_check_fails_on_a_pdf_that_breaks_its_rule(built: Path, tmp_path: Path, rule_id: str) -> None:
    damaged = _damaged(built / "combined.pdf", tmp_path, DAMAGE[rule_id])
    assert pdf_rules.check(damaged)[rule_id], rule_id


def test_heading_check_fails_on_a_skipped_level(built: Path, tmp_path: Path) -> None:
    def skip(pdf: pikepdf.Pdf) -> None:
        heading = next(e for e in pdf_rules.structure_elements(pdf) if e.S == "/H2")
        heading.S = pikepdf.Name("/H3")

    assert pdf_rules.check(_damaged(built / "anhui.pdf", tmp_path, skip))["PDF/UA-1 7.4.2-1, 7.4.4-1…3"]


# ---- pdfium reads the tags ---------------------------------------------------------------------------
def _utf16(function, *args) -> str:
    size = function(*args, None, 0)
    buffer = ctypes.create_string_buffer(size)
    function(*args, buffer, size)
    return buffer.raw[:size].decode("utf-16-le").rstrip("\0")


def _mark_names(obj) -> list[str]:
    names = []
    for index in range(raw.FPDFPageObj_CountMarks(obj)):
        length = ctypes.c_ulong()
        buffer = (ctypes.c_ushort * 128)()
        raw.FPDFPageObjMark_GetName(raw.FPDFPageObj_GetMark(obj, index), buffer, 256, ctypes.byref(length))
        names.append(bytes(buffer)[:length.value].decode("utf-16-le").rstrip("\0"))
    return names


def _tree(page) -> list[tuple[str, list[int], str, int]]:
    """pdfium's structure tree of a page: (type, MCIDs, Alt, depth) depth first."""
    tree = raw.FPDF_StructTree_GetForPage(page.raw)
    out: list[tuple[str, list[int], str, int]] = []

    def walk(element, depth: int) -> None:
        mcids = [raw.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i)
                 for i in range(raw.FPDF_StructElement_GetMarkedContentIdCount(element))]
        out.append((_utf16(raw.FPDF_StructElement_GetType, element), [m for m in mcids if m >= 0],
                    _utf16(raw.FPDF_StructElement_GetAltText, element), depth))
        for index in range(raw.FPDF_StructElement_CountChildren(element)):
            child = raw.FPDF_StructElement_GetChildAtIndex(element, index)
            if child:
                walk(child, depth + 1)

    for index in range(raw.FPDF_StructTree_CountChildren(tree)):
        walk(raw.FPDF_StructTree_GetChildAtIndex(tree, index), 0)
    raw.FPDF_StructTree_Close(tree)
    return out


def test_pdfium_finds_every_object_tagged_or_an_artifact_and_every_mcid_in_the_tree(built: Path, marked: Path) -> None:
    for path in _pdfs(built, marked):
        doc = pdfium.PdfDocument(str(path))
        headings: list[int] = []
        try:
            for number_, page in enumerate(doc, 1):
                drawn: set[int] = set()
                kinds = set()
                for obj in page.get_objects():
                    names = _mark_names(obj.raw)
                    mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
                    assert names, f"{path.name} page {number_}: an object of type {obj.type} is neither tagged nor an artifact"
                    assert ("Artifact" in names) != (mcid >= 0), f"{path.name} page {number_}: {names} {mcid}"
                    if mcid >= 0:
                        drawn.add(mcid)
                    kinds.add((obj.type, "Artifact" in names))
                tree = _tree(page)
                in_tree = {mcid for _, mcids, _, _ in tree for mcid in mcids}
                assert drawn <= in_tree, f"{path.name} page {number_}: MCIDs {sorted(drawn - in_tree)} not in the tree"
                assert all(alt for kind, _, alt, _ in tree if kind == "Figure"), f"{path.name} page {number_}"
                headings += [int(kind[1]) for kind, _, _, _ in tree if kind in ("H1", "H2", "H3")]
                assert (pdfium.raw.FPDF_PAGEOBJ_TEXT, False) in kinds, f"{path.name} page {number_}: no tagged text"
        finally:
            doc.close()
        assert headings and headings[0] == 1 and all(b <= a + 1 for a, b in zip(headings, headings[1:])), path.name


def test_a_briefing_s_tree_reads_as_its_page(built: Path) -> None:
    doc = pdfium.PdfDocument(str(built / "anhui.pdf"))
    try:
        tree = _tree(doc[0])
    finally:
        doc.close()
    kinds = [kind for kind, _, _, _ in tree]
    assert kinds[0] == "Document" and kinds.count("H1") == 1 and kinds.count("H2") == 3
    assert kinds.index("H1") < kinds.index("Table") < kinds.index("H2")
    # six tiles in one row; one marker per run of points citing one source (tiles carry none)
    assert kinds.count("TD") == 6 and kinds.count("TR") == 1 and kinds.count("Reference") == 4


def test_a_photo_is_a_figure_with_its_caption_as_alt(project: Path) -> None:
    from test_photos import use_photo

    brief = use_photo(project, "photos/pishan.jpg")
    result = build([brief], project / "out", project / "briefs" / "report.yaml", project / "seeds", combined=False)
    assert result.ok, [str(e) for e in result.errors]
    doc = pdfium.PdfDocument(str(project / "out" / "anhui.pdf"))
    try:
        tree = _tree(doc[0])
    finally:
        doc.close()
    kinds = [kind for kind, _, _, _ in tree]
    assert kinds.index("H1") < kinds.index("Figure") < kinds.index("Table") < kinds.index("H2")
    assert next(alt for kind, _, alt, _ in tree if kind == "Figure") == "测试用图（tests/sample_photo.py 绘制）"


def test_the_overview_has_header_cells_and_the_contents_links(built: Path) -> None:
    with pikepdf.open(built / "combined.pdf") as pdf:
        elements = pdf_rules.structure_elements(pdf)
        kinds = [str(e.S)[1:] for e in elements]
        assert "TOC" in kinds and kinds.count("TOCI") >= 3 + len(STEMS)
        assert kinds.count("Link") >= 2 * len(STEMS) and "TH" in kinds
        assert kinds.count("Sect") == len(STEMS)
        links = pdf.pages[1].obj.Annots
        assert all(str(link.Contents).startswith("转到：") for link in links)


# ---- reading order without tags ----------------------------------------------------------------------
def _extracted(path: Path) -> dict[str, str]:
    texts = {"pdfium": page_texts(path)[0]}
    if shutil.which("pdftotext"):
        texts["pdftotext"] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    if shutil.which("mutool"):
        texts["mutool"] = subprocess.run(["mutool", "draw", "-q", "-F", "txt", str(path)], capture_output=True,
                                         text=True).stdout
    return texts


def test_extractors_read_the_masthead_first_the_page_number_last_and_no_watermark(marked: Path) -> None:
    texts = _extracted(marked / "anhui.pdf")
    for reader, text in texts.items():
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        assert lines[0] == "对口援疆工作简报", (reader, lines[:3])
        assert "".join(lines[-1].split()) == "—1—", (reader, lines[-3:])
        assert "内部" not in text and "资料" not in text.replace("资料来源", ""), reader


# ---- a robust writer -----------------------------------------------------------------------------------
class _Drawing(Flowable):
    def __init__(self, draw) -> None:
        super().__init__()
        self.width = self.height = 10
        self._draw = draw

    def draw(self) -> None:
        self._draw(self.canv)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_number_that_is_not_finite_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        number(value)
    with pytest.raises(ValueError, match="not finite|too large"):  # rl_accel refuses an infinity itself
        draw_pages([_Drawing(lambda canvas: canvas.line(0, 0, value, 10))], PageGeometry())


def test_content_with_names_like_inf_is_not_refused() -> None:
    assert check_content(b"/Info 1 Tf /Infinity BMC 0.5 0 0 1 2 3 cm EMC")


@pytest.mark.parametrize("draw, what", [
    (lambda c: c.setFillAlpha(0.5), "transparency"),
    (lambda c: c.setStrokeAlpha(0.2), "transparency"),
    (lambda c: c.setFillOverprint(True), "overprint"),
    (lambda c: c.setBlendMode("Multiply"), "blend mode"),
    (lambda c: c.linearGradient(0, 0, 10, 10, ["red", "blue"]), "shading"),
    (lambda c: c.radialGradient(5, 5, 5, ["red", "blue"]), "shading"),
    (lambda c: c.setFillColorCMYK(0, 1, 1, 0), "CMYK"),
])
def test_drawing_what_the_writer_cannot_write_is_refused_when_drawn(draw, what: str) -> None:
    with pytest.raises(NotImplementedError, match=what):
        draw_pages([_Drawing(draw)], PageGeometry())


def test_an_opaque_colour_is_still_drawn() -> None:
    bodies = draw_pages([_Drawing(lambda c: (c.setFillColorRGB(1, 0, 0, alpha=1), c.rect(0, 0, 5, 5, fill=1)))],
                        PageGeometry())
    assert len(bodies) == 1


def test_object_streams_make_the_files_smaller(built: Path) -> None:
    """The same pages written with a classic cross-reference table take more bytes, and read the same."""
    from datetime import date

    from briefing.page.render import add_page
    from briefing.pdf.document import Metadata, PdfDocument
    from briefing.proof.check import check_settings

    geometry = PageGeometry()
    with pikepdf.open(built / "combined.pdf"):
        pass
    sizes, texts = {}, {}
    story_bodies = draw_pages([_Drawing(lambda c: None)], geometry)
    for object_streams in (False, True):
        buffer = io.BytesIO()
        pdf = PdfDocument(buffer, geometry.size, 1, Metadata("t", "a", "s", ["k"], date(2026, 1, 1)), object_streams)
        add_page(pdf, geometry, story_bodies[0], 1)
        pdf.close()
        sizes[object_streams] = len(buffer.getvalue())
        with pikepdf.open(io.BytesIO(buffer.getvalue())) as back:
            assert back.check_pdf_syntax() == [] if hasattr(back, "check_pdf_syntax") else True
            texts[object_streams] = str(back.Root.StructTreeRoot.K[0].S)
    assert sizes[True] < sizes[False] and texts[True] == texts[False] == "/Document", sizes
