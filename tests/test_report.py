"""The combined report read back: overview table, charts, sources appendix, 报尾, page numbers, metadata."""
from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from briefing.page.geometry import PageGeometry
from briefing.report.compare import kind_name, kinds_present
from briefing.source.figures import printed_figure
from briefing.source.model import Kind, load_brief, source_numbers
from conftest import BRIEFS, STEMS, page_texts, part_pages, squeeze

BRIEFS_ = [load_brief(BRIEFS / f"{stem}.yaml").brief for stem in STEMS]


def _part(built: Path, name: str) -> str:
    """The text of the pages of one part of the combined report (up to the next part)."""
    pages = part_pages(built / "combined.pdf")
    texts = page_texts(built / "combined.pdf")
    start = pages[name]
    following = [page for page in pages.values() if page > start]
    end = min(following) if following else len(texts)
    return "".join(texts[start:max(end, start + 1)])


def test_overview_table_reads_back(built: Path) -> None:
    """Kinds as rows, provinces as columns: every comparable figure with its period and its scope."""
    flat = squeeze(_part(built, "各省市主要数字对照"))
    kinds = kinds_present(BRIEFS_)
    assert squeeze("".join(brief.province for brief in BRIEFS_)) in flat, "one column a province, in order"
    missing = 0
    for kind in kinds:
        cells = []
        for brief in BRIEFS_:
            figures = [m for m in brief.metrics if m.kind == kind]
            missing += not figures
            cells.append("".join(printed_figure(m) + m.as_of + (f"仅{m.scope}" if m.scope else "") for m in figures))
        row = [kind_name(kind)] + [cell or "—" for cell in cells]
        # a row reads its kind, then each province's figure; conversions may follow a figure's notes
        position = flat.index(squeeze(kind_name(kind)))
        for cell in row[1:]:
            found = flat.index(squeeze(cell), position)
            position = found + len(squeeze(cell))
    assert flat.count("—") - flat.count("—3—") * 2 == missing, "a missing figure shows —, never 0"
    assert "未作加总或排序" in flat


def test_every_figure_sits_under_a_heading_that_is_literally_true(built: Path) -> None:
    """Recruited talent is not dispatched cadres; people lifted out of poverty are not beneficiaries."""
    flat = squeeze(_part(built, "各省市主要数字对照"))
    assert "引进人才800多名2010年以来——" in flat
    assert "选派干部人才——125名2019年7月以来仅赴兵团第一师阿拉尔市" in flat
    assert "脱贫人口—14.7万人" in flat and "受益群众" not in flat and "选派人才" not in flat


def test_conversions_only_where_they_help(built: Path) -> None:
    flat = squeeze(_part(built, "各省市主要数字对照"))
    assert "≈11300人" in flat and "≈30000人" in flat, "1.13万人 and 3万余人 beside 3000余人"
    assert "≈0.0459亿元" not in flat and "≈0.05亿元" not in flat and "万吨" + "≈" not in flat
    assert "≈125人" not in flat and "≈800人" not in flat, "名 and 人 are the same count"
    assert "≈" + "79.37亿元" not in flat


def test_charts_state_period_and_scope_on_every_bar(built: Path) -> None:
    charts = squeeze(_part(built, "主要数字图表"))
    assert "图1各省市援疆资金" in charts and "图2各省市消费帮扶销售额" in charts
    for brief in BRIEFS_:
        for metric in brief.metrics:
            if metric.kind in (Kind.funding, Kind.sales):
                bar = printed_figure(metric) + metric.as_of + (f"；仅{metric.scope}" if metric.scope else "")
                assert squeeze(bar) in charts, bar
    assert charts.count("口径不同：空心条只计") == 2, "both charts hold a figure narrower than their heading"
    assert "≈" not in charts


def _hollow_bars(page: pikepdf.Page) -> int:
    """Rectangles filled white (a hollow bar) on a page."""
    white, count = False, 0
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("rg"):
            white = [float(x) for x in operands] == [1.0, 1.0, 1.0]
        elif operator == pikepdf.Operator("re") and white:
            count += 1
    return count


def test_a_figure_narrower_than_its_kind_is_a_hollow_bar(built: Path) -> None:
    scoped = sum(1 for brief in BRIEFS_ for m in brief.metrics if m.kind in (Kind.funding, Kind.sales) and m.scope)
    assert scoped == 3  # 浙江 funding and sales, 上海 sales
    page = part_pages(built / "combined.pdf")["主要数字图表"]
    with pikepdf.open(built / "combined.pdf") as pdf:
        assert _hollow_bars(pdf.pages[page]) == scoped
        for _, xobject in pdf.pages[page].Resources.get("/XObject", {}).items():
            assert xobject.Subtype != "/Image", "charts must be vector, not raster"


def test_chart_note_names_a_difference_of_scope_only_when_there_is_one() -> None:
    from briefing.report.combined import chart_note
    from briefing.report.compare import figures_of

    anhui, shanghai, zhejiang = BRIEFS_
    whole = [figures_of(anhui, Kind.funding)[0], figures_of(shanghai, Kind.funding)[0]]
    assert not chart_note(Kind.funding, whole, "亿元").startswith("口径不同")
    assert chart_note(Kind.funding, [*whole, figures_of(zhejiang, Kind.funding)[0]], "亿元").startswith("口径不同")


def test_sources_appendix_is_numbered_as_the_province_pages(built: Path) -> None:
    """Grouped by province in the report's order, each source numbered as its province page prints it:
    publisher, title, date; the figures taken from it with the source's words; no file names."""
    appendix = squeeze(_part(built, "资料来源").split("报：对口支援")[0])
    position = 0
    for brief in BRIEFS_:
        position = appendix.index(squeeze(f"{brief.province}（{'、'.join(brief.regions)}）"), position)
        for source in brief.sources:
            number = source_numbers(brief)[source.id]
            entry = f"[{number}]" + (f"{source.publisher}：" if source.publisher else "") + f"《{source.title}》"
            position = appendix.index(squeeze(entry), position)
            for metric in brief.metrics:
                if metric.source == source.id:
                    assert squeeze(f"{printed_figure(metric)}（{metric.as_of}）：原文“{metric.quote}”") in appendix
        page = squeeze(page_texts(built / f"{STEMS[BRIEFS_.index(brief)]}.pdf")[0])
        for source in brief.sources:  # the province page's own list uses the same numbers
            assert squeeze(f"[{source_numbers(brief)[source.id]}]{source.publisher or ''}《{source.title}》") in page
    for internal in ("seeds/", ".txt", "另有要点", "未取作核心数字"):
        assert internal not in appendix


def test_colophon_at_the_foot_of_the_last_page_an_even_one(built: Path) -> None:
    texts = page_texts(built / "combined.pdf")
    last = squeeze(texts[-1])
    assert len(texts) % 2 == 0
    assert "报：对口支援新疆工作领导小组办公室" in last and "送：各对口援疆省市援疆指挥部" in last
    assert "发：各受援地区援疆工作联络组" in last and "对口援疆工作简报编写组2026年11月26日印发" in last
    doc = pdfium.PdfDocument(str(built / "combined.pdf"))
    try:
        textpage = doc[len(doc) - 1].get_textpage()
        found = textpage.search("印发").get_next()
        _, bottom, _, _ = textpage.get_charbox(found[0])
        assert bottom < PageGeometry().bottom + 40, "the 版记 sits at the foot of the type area"
    finally:
        doc.close()


def test_cover_says_each_fact_once_and_contents_are_numbered_in_one_scheme(built: Path) -> None:
    texts = page_texts(built / "combined.pdf")
    cover = squeeze(texts[0])
    for fact in ("2026年第1期", "对口援疆工作简报编写组", "2026年11月26日"):
        assert cover.count(fact) == 1, fact
    contents = [line.strip() for line in texts[part_pages(built / "combined.pdf")["目录"]].splitlines()]
    parts = [line.split("、")[0] for line in contents if "、" in line[:2]]
    assert parts == ["一", "二", "三", "四"]


def test_bookmarks_panel_opens_with_the_report(built: Path) -> None:
    with pikepdf.open(built / "combined.pdf") as pdf:
        assert pdf.Root.PageMode == "/UseOutlines"


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
    """The combined report's front matter is drawn once only if simulate() predicts where every part
    lands; the page counts of every plan's front and back matter are the drawn ones."""
    from briefing.page.render import draw_pages
    from briefing.proof.check import check_settings
    from briefing.report.combined import PLANS, Province, back_matter, front_matter, simulate, walk

    settings, geometry = check_settings(BRIEFS / "report.yaml"), PageGeometry()
    provinces = [Province(f"{stem}-{n}", brief) for n in range(copies) for stem, brief in zip(STEMS, BRIEFS_)]
    for plan in PLANS[::3]:
        recorded: dict[str, int] = {}
        pages, predicted = simulate(front_matter(provinces, {}, recorded, settings, geometry, plan), geometry)
        drawn = draw_pages(front_matter(provinces, {}, recorded, settings, geometry, plan), geometry)
        assert (len(drawn), recorded) == (pages, predicted), plan
        back_recorded: dict[str, int] = {}
        back_pages, back_predicted, _ = walk(back_matter(provinces, settings, geometry, plan, {}), geometry)
        back = draw_pages(list(back_matter(provinces, settings, geometry, plan, back_recorded)), geometry)
        assert (len(back), back_recorded) == (back_pages, back_predicted), plan
        assert pages > 3 or copies == 1


def test_a_missed_prediction_is_corrected(built: Path, project: Path, monkeypatch) -> None:
    from briefing.build.briefs import discover
    from briefing.build.plan import build
    from briefing.report import combined as report

    def numbers(pdf: Path) -> list[int]:
        contents = page_texts(pdf)[1]
        return [int(line.split()[-1]) for line in contents.splitlines() if line.strip()[-1:].isdigit()]

    real = report.simulate
    monkeypatch.setattr(report, "simulate", lambda story, geometry: (real(story, geometry)[0] + 2, {}))
    result = build(discover(project / "briefs"), project / "out", project / "briefs" / "report.yaml",
                   project / "seeds")
    assert result.ok
    expected = numbers(built / "combined.pdf")
    assert len(expected) == 7 and expected[:2] == [3, 4]
    assert numbers(project / "out" / "combined.pdf") == expected


def _contents(page: pikepdf.Page) -> list[bytes]:
    contents = page.obj.Contents
    return [stream.read_bytes() for stream in (contents if isinstance(contents, pikepdf.Array) else [contents])]


def test_province_pages_are_their_briefings_pages(built: Path) -> None:
    """Each province page carries its briefing's drawn page as it is up to its 版记 (the same operators,
    its foot, the sources, moved down into the 版记's place; the same image bytes), with only its own page
    number drawn after it (read last)."""
    first = part_pages(built / "combined.pdf")["各省市简报"]
    with pikepdf.open(built / "combined.pdf") as combined:
        for offset, stem in enumerate(STEMS):
            page = combined.pages[first + offset]
            with pikepdf.open(built / f"{stem}.pdf") as alone:
                (own,) = alone.pages
                body, number_stream = _contents(page)
                own_body, own_number_stream = _contents(own)
                move = re.search(rb"\nq\n1 0 0 1 0 -[0-9.]+ cm\n", body)
                assert move and body.endswith(b"Q\nEMC\n"), stem
                head, foot = body[:move.start() + 1], body[move.end():-len(b"Q\nEMC\n")]
                assert own_body.startswith(head + foot) and len(head) > 2000 and b"Tj" in foot, stem
                assert len(own_body) > len(head + foot) + 200, "the 版记 is left out"
                assert number_stream != own_number_stream
                images = {bytes(x.read_raw_bytes()) for _, x in page.Resources.get("/XObject", {}).items()}
                own_images = {bytes(x.read_raw_bytes()) for _, x in own.Resources.get("/XObject", {}).items()}
                assert images == own_images, stem


def test_row_heights_are_what_reportlab_tables_make_them() -> None:
    """The overview and contents are cut into pages by row heights worked out without building a Table
    per row; they must be the Table's own."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Table

    from briefing.page import fonts
    from briefing.page.layout import table_style
    from briefing.page.textblock import TextBlock
    from briefing.report.combined import _paddings, _row_height

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


def test_a_retired_kind_says_what_to_write(project: Path) -> None:
    from briefing.errors import BriefError
    from briefing.proof.check import check_brief, check_settings

    path = project / "briefs" / "anhui.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: talent_recruited", "kind: talent"), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "kind: talent" in row)
    with pytest.raises(BriefError) as caught:
        check_brief(path, project / "seeds", check_settings(project / "briefs" / "report.yaml"), PageGeometry())
    assert str(caught.value.problems[0]).startswith(
        f"{path}:{line}:5: metrics[2].kind: talent was split: write cadres (选派干部人才, dispatched by the "
        "province) or talent_recruited (引进人才, recruited into the region)")


def test_a_scope_is_text_of_at_most_16_characters(project: Path) -> None:
    from briefing.errors import BriefError

    path = project / "briefs" / "zhejiang.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("scope: 脱贫攻坚和乡村振兴资金", "scope: " + "很长" * 9), encoding="utf-8")
    with pytest.raises(BriefError, match=r"metrics\[0\]\.scope: String should have at most 16 characters"):
        load_brief(path)
