"""The combined report page by page, as a reader sees it: no page but the cover and contents more than
half white, no text under 9 pt, the 报尾 on an even last page, no figure split from its unit in the
overview; for the shipped briefs and for 36 synthetic provinces."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import yaml

from briefing.build.briefs import discover
from briefing.build.plan import build
from conftest import ROOT, part_pages, pdf_of_flowables
from pagemeasure import measure_pages

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import PROVINCES, _replace_province  # noqa: E402 - the benchmark's provinces

HALF = 0.5
SMALLEST = 9.0


def synthetic_project(into: Path, count: int) -> Path:
    """A copy of briefs/ and seeds/ with ``count`` briefs: the shipped three, then copies of them for the
    provinces of 对口援疆 in turn (their figures unchanged, so they still prove against their seeds)."""
    shutil.copytree(ROOT / "briefs", into / "briefs")
    shutil.copytree(ROOT / "seeds", into / "seeds")
    templates = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(discover(into / "briefs"))]
    for index in range(len(templates), count):
        brief = dict(templates[index % len(templates)])
        province, stem = PROVINCES[index % len(PROVINCES)]
        for key in ("title", "lead"):
            brief[key] = _replace_province(brief[key], brief["province"], province)
        brief["province"] = province
        (into / "briefs" / f"{stem}-{index:02d}.yaml").write_text(
            yaml.safe_dump(brief, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return into


@pytest.fixture(scope="module", params=[3, 36], ids=["shipped", "36-provinces"])
def combined(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = synthetic_project(tmp_path_factory.mktemp(f"report-{request.param}"), request.param)
    assert len(discover(root / "briefs")) == request.param
    result = build(discover(root / "briefs"), root / "out", root / "briefs" / "report.yaml", root / "seeds")
    assert result.ok, [str(error) for error in result.errors]
    return root / "out" / "combined.pdf"


def _own_pages(pdf: Path) -> tuple[set[int], set[int]]:
    """The report's own pages (overview, charts, sources and 报尾), and its cover and contents pages."""
    with pikepdf.open(pdf) as document:
        page_of = {page.objgen: index for index, page in enumerate(document.pages)}
        count = len(document.pages)
        with document.open_outline() as outline:
            (provinces,) = [item for item in outline.root if item.title.endswith("各省市简报")]
            province_pages = {page_of[child.destination[0].objgen] for child in provinces.children}
    front = set(range(part_pages(pdf)["各省市主要数字对照"]))
    return set(range(count)) - province_pages - front, front


def test_no_page_of_the_report_more_than_half_white_and_no_glyph_under_9pt(combined: Path) -> None:
    measured = measure_pages(combined)
    own, front = _own_pages(combined)
    assert len(measured) % 2 == 0, "the 报尾's page is even"
    assert own and max(own) == len(measured) - 1
    # the province pages too: reprinted without their 版记 (the report's one is on its last page), their
    # sources moved down into its place, they keep the white it left (0.20 of the type area, shipped briefs)
    reprints = set(range(len(measured))) - own - front
    whites = {index + 1: round(measured[index].white, 2) for index in sorted(own | reprints)}
    assert max(whites.values()) <= HALF, whites
    for index in sorted(own | front):
        assert measured[index].smallest >= SMALLEST, (index + 1, measured[index].smallest)
    assert "印发" in measured[-1].text


def test_the_white_measure_sees_a_half_empty_page(tmp_path: Path) -> None:
    """The measure itself: a page with a few lines at its top is mostly white; a full page is not."""
    from briefing.page import fonts
    from briefing.page.layout import styles_for
    from briefing.page.textblock import TextBlock

    fonts.register()
    st = styles_for(12)
    (tmp_path / "few.pdf").write_bytes(pdf_of_flowables([TextBlock("对口援疆" * 60, st.body)]))
    (tmp_path / "full.pdf").write_bytes(pdf_of_flowables([TextBlock("对口援疆" * 60, st.body) for _ in range(12)]))
    few, full = measure_pages(tmp_path / "few.pdf")[0], measure_pages(tmp_path / "full.pdf")[0]
    assert few.white > 0.8 and full.white < 0.1
    assert few.smallest == pytest.approx(12, abs=0.01)


UNIT_START = set("万亿千百元吨人次名家所户个项年月日号台场条间辆批座亩倍%％多余")


def split_figures(pdf: Path, pages: range) -> list[str]:
    """Lines (of a cell) that end inside a figure: a digit at a line's end and a unit at the next's
    start, or a qualifier (近, 约) at a line's end and a digit at the next's start."""
    doc = pdfium.PdfDocument(str(pdf))
    found = []
    try:
        for index in pages:
            textpage = doc[index].get_textpage()
            lines: list[str] = []
            last = None
            for char in range(textpage.count_chars()):
                text = textpage.get_text_range(char, 1)
                if text.isspace() or not text:
                    continue
                left, bottom, _, _ = textpage.get_charbox(char)
                if last is None or abs(bottom - last[1]) > 2 or left < last[0]:
                    lines.append("")
                lines[-1] += text
                last = (left, bottom)
            for above, below in zip(lines, lines[1:]):
                if (above[-1].isdigit() and below[0] in UNIT_START) or (above[-1] in "近约超逾" and below[0].isdigit()):
                    found.append(f"page {index + 1}: {above}|{below}")
    finally:
        doc.close()
    return found


def test_no_number_split_from_its_unit_in_the_overview(combined: Path) -> None:
    parts = part_pages(combined)
    start = parts["各省市主要数字对照"]
    end = min(page for page in parts.values() if page > start)
    assert split_figures(combined, range(start, end + 1)) == []


def test_the_split_check_sees_a_split(tmp_path: Path) -> None:
    """A narrow column set without glue splits 2019年6月 and 37亿多元; with the report's glue it does not."""
    from reportlab.platypus import Table

    from briefing.page import fonts
    from briefing.page.layout import styles_for
    from briefing.page.textblock import Run, TextBlock
    from briefing.report.combined import KeptText

    fonts.register()
    st = styles_for(10.5)
    text = "2017年2月至2019年6月累计37亿多元"
    widths = [st.body.fontSize * 11.5]
    cut = "2017年2月至2019年6\n月累计37亿\n多元"  # TextBlock keeps figures whole itself: cut them by hand
    for block, splits in ((TextBlock([Run(cut)], st.sources), True), (KeptText(text, st.sources), False)):
        table = Table([[block]], colWidths=widths)
        (tmp_path / "cell.pdf").write_bytes(pdf_of_flowables([table]))
        assert bool(split_figures(tmp_path / "cell.pdf", range(1))) == splits
