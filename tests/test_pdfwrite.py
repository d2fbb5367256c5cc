"""Our PDF writer read back by qpdf (pikepdf) and pdfium: a sound file, strings and names as written, and a
combined report written page by page that does not depend on the order its pages came in."""
from __future__ import annotations

import io
import random
import zlib
from datetime import date
from pathlib import Path

import pikepdf
import pytest

from briefing.page.geometry import PageGeometry
from briefing.page.layout import lay_out
from briefing.page.render import brief_bodies
from briefing.pdf.document import Metadata, PdfDocument
from briefing.pdf.writer import PdfWriter, name, text_string
from briefing.proof.check import check_settings, load_checked
from briefing.report.combined import CombinedReport, Province
from conftest import BRIEFS, STEMS, page_texts, part_pages

SEEDS = BRIEFS.parent / "seeds"


@pytest.mark.parametrize("object_streams", [False, True])
def test_a_written_file_is_sound_and_its_offsets_exact(object_streams: bool) -> None:
    buffer = io.BytesIO()
    writer = PdfWriter(buffer, object_streams)
    pages = writer.reserve()
    page = writer.write(f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 200 100] /Resources << >> >>")
    writer.write(f"<< /Type /Pages /Count 1 /Kids [{page} 0 R] >>", pages)
    title = text_string("简报 (1) \\ ok")
    info = writer.write(f"<< /Title {title} >>")
    root = writer.write(f"<< /Type /Catalog /Pages {pages} 0 R >>")
    writer.close(root, info)
    data = buffer.getvalue()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.docinfo.Title) == "简报 (1) \\ ok"
        assert len(pdf.pages) == 1
        assert str(pdf.Root.Type) == "/Catalog"
    rows = _xref(data) if not object_streams else _xref_stream(data)
    assert len(rows) == writer.last + 1
    for number, (kind, where, index) in enumerate(rows[1:], 1):
        if kind == 1:
            assert data[where:].startswith(f"{number} 0 obj".encode()), number
        else:  # in object stream ``where``, at ``index``: its header lists the object there
            assert kind == 2 and rows[where][0] == 1
            with pikepdf.open(io.BytesIO(data)) as pdf:
                header = pdf.get_object(where, 0).read_bytes().split(b"\n", 1)[0].split()
            assert int(header[2 * index]) == number


def _xref(data: bytes) -> list[tuple[int, int, int]]:
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    rows = data[start:].split(b"\n")
    count = int(rows[1].split()[1])
    return [(0 if row.endswith(b"f ") else 1, int(row[:10]), 0) for row in rows[2:2 + count]]


def _xref_stream(data: bytes) -> list[tuple[int, int, int]]:
    """The rows of a cross-reference stream, decoded here (not by qpdf): (type, offset or stream, index)."""
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    head, rest = data[start:].split(b"stream\n", 1)
    assert b"/Type /XRef" in head
    widths = [int(w) for w in head.split(b"/W [", 1)[1].split(b"]", 1)[0].split()]
    stored = zlib.decompress(rest[:int(head.split(b"/Length ", 1)[1].split()[0])])
    step = sum(widths)
    assert b"/Predictor 12 /Columns " + str(step).encode() in head
    raw, above = bytearray(), bytes(step)
    for at in range(0, len(stored), step + 1):  # PNG Up: a filter byte 2, then each byte less the one above
        assert stored[at] == 2
        above = bytes((a + b) & 0xFF for a, b in zip(stored[at + 1:at + 1 + step], above))
        raw += above
    rows = []
    for at in range(0, len(raw), step):
        fields, position = [], at
        for width in widths:
            fields.append(int.from_bytes(raw[position:position + width], "big"))
            position += width
        rows.append(tuple(fields))
    return rows


def test_a_reserved_object_never_written_is_refused() -> None:
    writer = PdfWriter(io.BytesIO())
    writer.reserve()
    info = writer.write("<< >>")
    with pytest.raises(ValueError, match="reserved but not written"):
        writer.close(info, info)


@pytest.mark.parametrize("text", ["plain", "a(b)c\\d", "对口援疆", "é"])
def test_text_strings_come_back(text: str) -> None:
    buffer = io.BytesIO()
    writer = PdfWriter(buffer)
    info = writer.write(f"<< /Title {text_string(text)} >>")
    pages = writer.write("<< /Type /Pages /Count 0 /Kids [] >>")
    writer.close(writer.write(f"<< /Type /Catalog /Pages {pages} 0 R >>"), info)
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert str(pdf.docinfo.Title) == text


def test_names_escape_what_a_name_cannot_hold() -> None:
    assert name("BriefingSerif-Bold") == "/BriefingSerif-Bold"
    assert name("a b/c#") == "/a#20b#2Fc#23"


@pytest.fixture(scope="module")
def seed_pages() -> tuple[list[Province], list, object]:
    settings, geometry = check_settings(BRIEFS / "report.yaml"), PageGeometry()
    provinces, bodies = [], []
    for stem in STEMS:
        loaded, photo = load_checked(BRIEFS / f"{stem}.yaml", SEEDS, geometry)
        provinces.append(Province(stem, loaded.brief))
        bodies.append(brief_bodies(lay_out(loaded, settings, geometry, photo), settings, geometry)[1])  # as reprinted
    return provinces * 3, bodies * 3, settings


def _combined(provinces: list[Province], bodies: list, settings, order: list[int]) -> bytes:
    report = CombinedReport(provinces, settings)
    buffer = io.BytesIO()
    early = order[:2]  # pages may come before the report has started
    for index in early:
        report.add(index, bodies[index])
    report.start(buffer)
    for index in order[2:]:
        report.add(index, bodies[index])
    report.close()
    return buffer.getvalue()


def test_the_combined_report_does_not_depend_on_the_order_pages_come_in(seed_pages, tmp_path: Path) -> None:
    provinces, bodies, settings = seed_pages
    in_order = _combined(provinces, bodies, settings, list(range(len(provinces))))
    shuffled = list(range(len(provinces)))
    random.Random(7).shuffle(shuffled)
    assert _combined(provinces, bodies, settings, shuffled) == in_order
    (tmp_path / "c.pdf").write_bytes(in_order)
    texts = page_texts(tmp_path / "c.pdf")
    first = part_pages(tmp_path / "c.pdf")["各省市简报"]
    for offset in range(len(provinces)):  # the provinces in their order, each numbered
        assert f"— {first + offset + 1} —" in texts[first + offset]
    with pikepdf.open(io.BytesIO(in_order)) as pdf:
        assert pdf.check_pdf_syntax() == []
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            provinces_entry = outline.root[next(i for i, title in enumerate(titles) if title.endswith("各省市简报"))]
            assert [child.title for child in provinces_entry.children] == [p.name for p in provinces]


def test_a_combined_report_missing_a_page_is_refused(seed_pages) -> None:
    provinces, bodies, settings = seed_pages
    report = CombinedReport(provinces, settings)
    report.start(io.BytesIO())
    for index in range(len(provinces) - 1):
        report.add(index, bodies[index])
    with pytest.raises(ValueError, match="province pages added"):
        report.close()


def test_a_combined_report_holds_only_the_pages_not_yet_written(seed_pages) -> None:
    provinces, bodies, settings = seed_pages
    report = CombinedReport(provinces, settings)
    front_pages = len(report.front)
    report.start(io.BytesIO())
    assert report.front == [] and report.front_pages == front_pages > 0  # written, let go
    report.add(2, bodies[2])
    assert list(report.waiting) == [2]  # waits for pages 0 and 1
    report.add(0, bodies[0])
    report.add(1, bodies[1])
    assert report.waiting == {} and report.next == 3


def test_a_pdf_document_needs_every_page() -> None:
    pdf = PdfDocument(io.BytesIO(), (100, 100), 2, Metadata("t", "a", "s", [], date(2026, 1, 1)))
    with pytest.raises(ValueError, match="0 pages added of 2"):
        pdf.close()


def test_every_built_pdf_is_sound(built: Path) -> None:
    for path in sorted(built.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == [], path.name
            assert pdf.Root.Lang == "zh-CN" and pdf.Root.ViewerPreferences.DisplayDocTitle
