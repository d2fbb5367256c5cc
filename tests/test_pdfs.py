"""The built PDFs read back with independent readers: pages, fonts, text, bookmarks, determinism."""
from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.source.model import load_brief
from conftest import BRIEFS, SEEDS, STEMS, page_texts, part_pages, squeeze


def brief_strings(stem: str) -> list[str]:
    """Every string of a brief that must appear on its page."""
    brief = load_brief(BRIEFS / f"{stem}.yaml").brief
    strings = [brief.province, brief.period, brief.title, brief.lead, *brief.regions]
    for metric in brief.metrics:
        strings += [metric.label, metric.as_of]
    for section in brief.sections:
        strings.append(section.heading)
        strings += [point.text for point in section.points]
    for source in brief.sources:
        strings.append(source.title)
    return strings


def test_outputs_written(built: Path) -> None:
    assert sorted(p.name for p in built.glob("*.pdf")) == ["anhui.pdf", "combined.pdf", "shanghai.pdf",
                                                           "zhejiang.pdf"]
    assert not list(built.glob(".*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("stem", STEMS)
def test_briefing_is_exactly_one_a4_page(built: Path, stem: str) -> None:
    with pikepdf.open(built / f"{stem}.pdf") as pdf:
        assert len(pdf.pages) == 1
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].MediaBox)
        assert (round(x1 - x0), round(y1 - y0)) == (595, 842)


@pytest.mark.parametrize("stem", [*STEMS, "combined"])
def test_every_font_is_embedded(built: Path, stem: str) -> None:
    """Every font is one of our faces as a CID-keyed TrueType subset, with a ToUnicode map."""
    with pikepdf.open(built / f"{stem}.pdf") as pdf:
        fonts = {}
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                fonts[str(font.BaseFont)] = font
        assert len(fonts) == 5, sorted(fonts)  # one subset of each face, however many pages
        for base, font in fonts.items():
            assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H", base
            (descendant,) = font.DescendantFonts
            assert descendant.Subtype == "/CIDFontType2", base
            descriptor = descendant.get("/FontDescriptor")
            assert descriptor is not None and "/FontFile2" in descriptor, f"{base} is not embedded"
            assert "+" in base, f"{base} is not a subset"
            assert "/ToUnicode" in font, f"{base} has no ToUnicode map (text would not extract)"


@pytest.mark.parametrize("stem", STEMS)
def test_every_character_of_the_brief_comes_back(built: Path, stem: str) -> None:
    (text,) = page_texts(built / f"{stem}.pdf")
    page = re.sub(r"\[\d\]", "", squeeze(text))  # a source marker sits before the 。 of what it cites
    missing = [s for s in brief_strings(stem) if squeeze(s) not in page]
    assert not missing
    assert "\ufffd" not in text and "\x00" not in text


@pytest.mark.parametrize("stem", STEMS)
def test_figures_printed_in_the_sources_form(built: Path, stem: str) -> None:
    from briefing.source.figures import printed_figure
    (text,) = page_texts(built / f"{stem}.pdf")
    for metric in load_brief(BRIEFS / f"{stem}.yaml").brief.metrics:
        assert printed_figure(metric) in squeeze(text)
    assert "— 1 —" in text


def test_combined_has_cover_contents_and_each_page(built: Path) -> None:
    texts = page_texts(built / "combined.pdf")
    parts = part_pages(built / "combined.pdf")
    first = parts["各省市简报"]
    assert len(texts) >= first + len(STEMS) + 1
    assert parts["资料来源"] >= first + len(STEMS) and "资料来源" in texts[parts["资料来源"]]
    assert "对口援疆工作简报汇编" in texts[0]
    assert "目" in texts[1] and "录" in texts[1]
    for offset, stem in enumerate(STEMS):
        title = load_brief(BRIEFS / f"{stem}.yaml").brief.title
        assert title in squeeze(texts[1]), "contents lists every province"
        (standalone,) = page_texts(built / f"{stem}.pdf")
        # identical text up to its 版记 (报：… to …印发: the report's one is on its last page), but for the page number
        page = texts[first + offset].replace(f"— {first + offset + 1} —", "")
        lines = standalone.splitlines()
        colophon = next(at for at, line in enumerate(lines) if line.strip().startswith("报："))
        assert squeeze(page) == squeeze("".join(lines[:colophon])), stem


def test_combined_bookmarks_and_contents_links(built: Path) -> None:
    with pikepdf.open(built / "combined.pdf") as pdf:
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            provinces = [child.title for item in outline.root if item.title.endswith("各省市简报")
                         for child in item.children]
        assert top[:3] == ["封面", "目录", "一、各省市主要数字对照"] and top[-1] == "四、资料来源"
        assert sorted(top[3:5]) == ["三、主要数字图表", "二、各省市简报"] or \
            sorted(top[3:5]) == ["三、各省市简报", "二、主要数字图表"], "the charts before or after the provinces"
        assert provinces == ["安徽", "上海", "浙江"]
        page_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
        targets = [page_of[annot.Dest[0].objgen] for annot in pdf.pages[1].get("/Annots", [])
                   if annot.get("/Subtype") == "/Link"]
    texts = page_texts(built / "combined.pdf")
    # each contents row links (title and number) to the page whose number it prints
    rows = [line for line in texts[1].splitlines() if line.strip() and line.strip()[-1].isdigit()]
    printed = [int(line.split()[-1]) for line in rows]
    assert len(printed) == 7 and targets == [p - 1 for p in printed for _ in (0, 1)]
    for number in printed:
        assert f"— {number} —" in texts[number - 1]


def test_same_input_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    result = build(discover(BRIEFS), tmp_path, BRIEFS / "report.yaml", SEEDS)
    assert result.ok
    for pdf in built.glob("*.pdf"):
        assert (tmp_path / pdf.name).read_bytes() == pdf.read_bytes(), pdf.name


def test_document_metadata(built: Path) -> None:
    with pikepdf.open(built / "anhui.pdf") as pdf:
        info = pdf.docinfo
        assert str(info["/Author"]) == "对口援疆工作简报编写组"
        assert "安徽援疆" in str(info["/Title"])
        assert str(pdf.Root.Lang) == "zh-CN"
