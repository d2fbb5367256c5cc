"""The combined report read back: overview table, charts, sources appendix, 报尾, page numbers, metadata."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import pypdfium2 as pdfium

from briefing.compare import kinds_present
from briefing.model import load_brief
from briefing.provenance import printed_figure
from conftest import BRIEFS, STEMS, page_texts, squeeze

BRIEFS_ = [load_brief(BRIEFS / f"{stem}.yaml").brief for stem in STEMS]


def test_overview_table_reads_back(built: Path) -> None:
    overview = page_texts(built / "combined.pdf")[2]
    flat = squeeze(overview)
    kinds = kinds_present(BRIEFS_)
    missing = 0
    for brief in BRIEFS_:
        assert squeeze(brief.province + "、".join(brief.regions)) in flat
        for kind in kinds:
            figures = [m for m in brief.metrics if m.kind == kind]
            missing += not figures
            for metric in figures:
                assert squeeze(printed_figure(metric) + metric.as_of) in flat, metric.label
    assert flat.count("—") - flat.count("—3—") * 2 == missing, "a missing figure shows —, never 0"
    assert "≈0.0459亿元" in flat, "459.45万元 normalised to 亿元 beside the source's form"
    assert "未作加总或排序" in flat


def test_charts_are_vector_and_labelled(built: Path) -> None:
    charts = squeeze(page_texts(built / "combined.pdf")[3])
    assert "图1各省市援疆资金" in charts and "图2各省市消费帮扶销售额" in charts
    for figure in ("37亿多元", "79.37亿元", "40多亿元", "6.2亿元", "459.45万元（≈0.0459亿元）", "50亿元"):
        assert figure in charts
    with pikepdf.open(built / "combined.pdf") as pdf:
        for page in pdf.pages[2:4]:  # overview and charts
            for _, xobject in page.Resources.get("/XObject", {}).items():
                assert xobject.Subtype != "/Image", "charts must be vector, not raster"


def test_sources_appendix_lists_every_seed_and_figure(built: Path) -> None:
    texts = page_texts(built / "combined.pdf")
    appendix = squeeze("".join(texts[4 + len(STEMS):]))
    for brief in BRIEFS_:
        for source in brief.sources:
            assert squeeze(f"seeds/{source.file}") in appendix and squeeze(source.title) in appendix
        for metric in brief.metrics:
            assert squeeze(f"原文：“{metric.quote}”") in appendix


def test_colophon_on_the_last_page(built: Path) -> None:
    last = squeeze(page_texts(built / "combined.pdf")[-1])
    assert "报：对口支援新疆工作领导小组办公室" in last and "送：各对口援疆省市援疆指挥部" in last
    assert "发：各受援地区援疆工作联络组" in last and "对口援疆工作简报编写组2026年11月26日印发" in last


def test_page_numbers_odd_right_even_left_none_on_cover(built: Path) -> None:
    doc = pdfium.PdfDocument(str(built / "combined.pdf"))
    try:
        assert "— 1 —" not in doc[0].get_textpage().get_text_range()
        for index in range(1, len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            label = f"— {index + 1} —"
            searcher = textpage.search(label)
            found = searcher.get_next()
            assert found, f"page {index + 1} has no {label}"
            left, _, right, _ = textpage.get_charbox(found[0])
            middle = page.get_width() / 2
            assert (left > middle) if (index + 1) % 2 else (left < middle), f"{label} on the wrong side"
    finally:
        doc.close()


def test_metadata(built: Path) -> None:
    with pikepdf.open(built / "combined.pdf") as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "对口援疆工作简报汇编"
        assert str(info["/Author"]) == "对口援疆工作简报编写组"
        assert str(info["/Subject"]) == "2026年第1期"
        assert "安徽" in str(info["/Keywords"])
        assert str(info["/CreationDate"]).startswith("D:20261126")
        assert str(pdf.Root.Lang) == "zh-CN"


@pytest.mark.parametrize("copies", [1, 15])
def test_front_matter_pages_are_predicted_exactly(copies: int) -> None:
    """The combined report's front matter is drawn once only if simulate() predicts where every part lands."""
    from briefing.check import check_settings
    from briefing.geometry import PageGeometry
    from briefing.render import draw_pages
    from briefing.report import Province, front_matter, simulate

    settings, geometry = check_settings(BRIEFS / "report.yaml"), PageGeometry()
    provinces = [Province(f"{stem}-{n}", brief) for n in range(copies) for stem, brief in zip(STEMS, BRIEFS_)]
    recorded: dict[str, int] = {}
    pages, predicted = simulate(front_matter(provinces, {}, recorded, settings, geometry), geometry)
    drawn = draw_pages(front_matter(provinces, {}, recorded, settings, geometry), geometry)
    assert (len(drawn), recorded) == (pages, predicted)
    assert pages > 4 or copies == 1


def test_a_missed_prediction_is_corrected(project: Path, monkeypatch) -> None:
    from briefing import report
    from briefing.build import build, discover

    real = report.simulate
    monkeypatch.setattr(report, "simulate", lambda story, geometry: (real(story, geometry)[0] + 2, {}))
    result = build(discover(project / "briefs"), project / "out", project / "briefs" / "report.yaml",
                   project / "seeds")
    assert result.ok
    contents = page_texts(project / "out" / "combined.pdf")[1]
    assert [int(line.split()[-1]) for line in contents.splitlines() if line.strip()[-1:].isdigit()] == \
        [3, 4, 5, 5, 6, 7, 8]


def _contents(page: pikepdf.Page) -> list[bytes]:
    contents = page.obj.Contents
    return [stream.read_bytes() for stream in (contents if isinstance(contents, pikepdf.Array) else [contents])]


def test_province_pages_are_their_briefings_pages(built: Path) -> None:
    """Each province page carries its briefing's drawn page as it is (the same content stream and image
    bytes), with only its own page number drawn before it."""
    first = 4  # cover, contents, overview, charts
    with pikepdf.open(built / "combined.pdf") as combined:
        for offset, stem in enumerate(STEMS):
            page = combined.pages[first + offset]
            with pikepdf.open(built / f"{stem}.pdf") as alone:
                (own,) = alone.pages
                number_stream, body = _contents(page)
                own_number_stream, own_body = _contents(own)
                assert body == own_body and len(body) > 2000, stem
                assert number_stream != own_number_stream
                images = {bytes(x.read_raw_bytes()) for _, x in page.Resources.get("/XObject", {}).items()}
                own_images = {bytes(x.read_raw_bytes()) for _, x in own.Resources.get("/XObject", {}).items()}
                assert images == own_images, stem


def test_row_heights_are_what_reportlab_tables_make_them() -> None:
    """The overview and contents are cut into pages by row heights worked out without building a Table
    per row; they must be the Table's own."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table

    from briefing import fonts
    from briefing.layout import table_style
    from briefing.report import _paddings, _row_height
    from briefing.textblock import TextBlock

    fonts.register()
    plain = ParagraphStyle("plain", fontName=fonts.SERIF, fontSize=8.5, leading=11)
    spaced = ParagraphStyle("spaced", parent=plain, spaceBefore=4, spaceAfter=6)
    text = "对口援疆工作简报，累计拨付援疆资金37亿多元、实施援建项目380余个。"
    rows = [[TextBlock(text, plain), [TextBlock(text * 2, spaced), TextBlock("2010年以来", plain)]],
            [[TextBlock("—", spaced)], TextBlock(text * 3, spaced)],
            [[TextBlock(text, spaced), TextBlock(text, spaced)], TextBlock("安徽", plain)]]
    widths = [70.0, 120.0]
    for padding in ([], [("LEFTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 5),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]):
        style = table_style(padding)
        for row in rows:
            expected = Table([row], colWidths=widths, style=style).wrap(500, 800)[1]
            assert _row_height(row, widths, _paddings(style)) == pytest.approx(expected, abs=1e-9)
