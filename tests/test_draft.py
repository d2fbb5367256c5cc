"""`briefing draft`: a brief started from an article, that passes check once a person writes the human parts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from briefing.author.draft import (HEADING_TODO, LEAD_TODO, POINT_TODO, TITLE_TODO, active_and_rest, candidates,
                                   draft_brief, figures, read_article)
from briefing.cli import main
from briefing.errors import BriefError
from briefing.proof.check import check_all
from briefing.source.figures import squeeze
from briefing.source.model import Kind
from conftest import SEEDS

SEED_FILES = sorted(path.name for path in SEEDS.glob("*.txt"))
HUMAN_FIELDS = ("title", "lead", "sections")


def written_by_a_person(text: str, province: str) -> str:
    """The draft with its 某某 parts written, as a person would (no figure in them)."""
    headings = iter(["产业与就业", "消费帮扶", "民生与人才"])
    out = text.replace(province + TITLE_TODO, f"{province}援疆：产业、消费与民生协同发力")
    out = out.replace(LEAD_TODO, f"{province}对口支援新疆受援地区，围绕产业就业、消费帮扶和教育医疗持续发力，"
                                 "以项目和资金带动当地群众增收，以人才和技术提升公共服务水平，"
                                 "助力受援地巩固脱贫成果、推进乡村振兴。")
    while HEADING_TODO in out:
        out = out.replace(HEADING_TODO, next(headings), 1)
    return out.replace(POINT_TODO, "围绕受援地实际需要持续推进对口支援各项工作。")


@pytest.mark.parametrize("seed", SEED_FILES)
def test_a_draft_passes_check_once_its_human_parts_are_written(project: Path, seed: str) -> None:
    briefs = project / "briefs"
    path, article, found = draft_brief(project / "seeds" / seed, briefs, "浙江", "drafted")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    active, rest = active_and_rest(found)
    assert len(data["metrics"]) == len(active) >= 3, "tiles enough for a page"
    assert path.read_text(encoding="utf-8").count("  # - kind: ") == len(rest), "every other figure commented out"
    assert data["sources"] == [{k: v for k, v in {
        "id": article.id, "file": seed, "title": article.title, "publisher": article.publisher,
        "date": article.date}.items() if v is not None}]
    assert path.read_text(encoding="utf-8").count("      # - text: ") == len(article.paragraphs) > 0

    before = check_all([path], project / "seeds", briefs / "report.yaml")[0]
    refused = {p.field.split("[")[0].split(".")[0] for p in before.problems}
    assert refused == set(HUMAN_FIELDS), [str(p) for p in before.problems]  # 某某: only where a person writes
    assert all("fill in" in p.message for p in before.problems), [str(p) for p in before.problems]

    path.write_text(written_by_a_person(path.read_text(encoding="utf-8"), "浙江"), encoding="utf-8")
    after = check_all([path], project / "seeds", briefs / "report.yaml")[0]
    assert after.problems == [], [str(p) for p in after.problems]
    assert after.figures_verified >= len(active)  # the tiles, and the years of their as-of and the period


def test_every_candidate_quotes_its_article_verbatim_within_the_models_limits() -> None:
    for seed in SEED_FILES:
        article = read_article(SEEDS / seed)
        text = squeeze((SEEDS / seed).read_text(encoding="utf-8"))
        for candidate in candidates(article):
            assert squeeze(candidate.quote) in text, (seed, candidate.quote)
            assert 1 <= len(candidate.quote) <= 80 and 1 <= len(candidate.label) <= 12 and len(candidate.unit) <= 6
            assert candidate.as_of is None or len(candidate.as_of) <= 20
            assert Kind(candidate.kind)


def test_the_anhui_article_gives_its_headline_figures_as_a_reader_would() -> None:
    every = candidates(read_article(SEEDS / "000_768c86490f61e480.txt"))
    assert len(every) == 24, "every figure a careful reader counts (README: what draft finds)"
    assert sum(1 for c in every if (c.value, c.unit) == (50, "个")) == 2, "50个乡镇 and 50个村: two facts"
    found = {(c.value, c.unit, c.qualifier): c for c in every}
    funding = found[(37, "亿元", "多")]
    assert (funding.kind, funding.label, funding.as_of, funding.quote) == \
        ("funding", "累计拨付援疆资金", "2010年以来", "累计拨付援疆资金37亿多元")
    assert (found[(380, "个", "余")].kind, found[(380, "个", "余")].as_of) == ("projects", "2010年以来")
    assert found[(3000, "人", "余")].kind == "jobs" and found[(3000, "人", "余")].as_of == "2020年以来"
    assert found[(6.2, "亿元", None)].kind == "sales" and found[(4.2, "万吨", None)].kind == "sales_volume"
    assert found[(6.2, "亿元", None)].quote.endswith("累计助销新疆和田农副产品4.2万吨、6.2亿元")
    assert found[(900, "家", "以上")].quote.endswith("建立900家以上销售门店")
    assert found[(16, "个", None)].quote.endswith("结对帮扶皮山县16个乡镇"), "a line broken after 16 is joined"
    active, _ = active_and_rest(list(candidates(read_article(SEEDS / "000_768c86490f61e480.txt"))))
    assert active[0] == funding


def test_the_source_fields_come_from_the_article() -> None:
    anhui = read_article(SEEDS / "000_768c86490f61e480.txt")
    assert (anhui.id, anhui.title, anhui.publisher, anhui.date) == \
        ("000", "安徽援疆奏响三部曲 助推和田皮山高质量发展", "安徽援疆指挥部", None)
    assert anhui.regions == ["和田地区皮山县"]
    shanghai = read_article(SEEDS / "003_c86d259adb8c50f8.txt")
    assert (shanghai.title, shanghai.publisher, shanghai.date) == \
        ("上海市第九批援疆干部“出征”两年多,正全力提升对口援疆综合效益", "上观新闻", dt.date(2019, 9, 7))
    assert read_article(SEEDS / "001_3eb730d52fe9b3a6.txt").title == \
        "安徽援疆指挥部皮山工作组临时党总支： 富民兴疆引活水 改善民生出实招"


@pytest.mark.parametrize("text", ["2021年", "2019年9月7日", "第九批", "为期1个月", "“十三五”期间", "“369”和田",
                                  "“十村示范百村提升”工程", "三部曲", "一个产业园"])
def test_what_is_not_a_tile(text: str) -> None:
    assert list(figures(text)) == []


@pytest.mark.parametrize("text, value, unit, qualifier", [
    ("累计拨付援疆资金37亿多元", 37, "亿元", "多"), ("投入6000多万元", 6000, "万元", "多"),
    ("带动3万余人就业", 3, "万人", "余"), ("手术近800台", 800, "台", "近"), ("90%以上", 90, "%", "以上"),
    ("降低了50%左右", 50, "%", "左右"), ("培训2000人次", 2000, "人次", None), ("总面积约3250平方米", 3250, "平方米", "约"),
    ("已培养两批当地干部", 2, "批", None), ("14.7万人", 14.7, "万人", None)])
def test_a_figure_as_a_tile_writes_it(text: str, value: float, unit: str, qualifier: str | None) -> None:
    [figure] = figures(text)
    assert (figure.value, figure.unit, figure.qualifier) == (value, unit, qualifier)


def test_never_overwrites_and_refuses_bad_input_in_one_line(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    runner = CliRunner()
    done = runner.invoke(main, ["draft", "000_768c86490f61e480.txt", "--province", "江苏"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("wrote briefs/jiangsu.yaml: 24 figures found, 6 active as tiles")
    written = (project / "briefs" / "jiangsu.yaml").read_bytes()
    again = runner.invoke(main, ["draft", "001_3eb730d52fe9b3a6.txt", "--province", "江苏"])
    assert again.exit_code == 1 and "already exists; not overwritten" in again.output
    assert (project / "briefs" / "jiangsu.yaml").read_bytes() == written
    for args, message in [
        (["missing.txt", "--province", "江苏", "--slug", "x"], "no such article"),
        (["000_768c86490f61e480.txt", "--province", "杭州"], "give one with --slug"),
        (["000_768c86490f61e480.txt", "--province", "江苏", "--slug", "Bad Name"], "lower-case letters"),
        (["000_768c86490f61e480.txt", "--province", "江\n苏", "--slug", "x"], "short province name"),
        (["briefs/report.yaml", "--province", "江苏", "--slug", "x"], "no figure found"),
    ]:
        done = runner.invoke(main, ["draft", *args])
        assert done.exit_code == 1, (args, done.output)
        assert message in done.output and "Traceback" not in done.output, done.output
        assert len(done.output.strip().splitlines()) == 1, done.output
    assert sorted(p.name for p in (project / "briefs").glob("*.yaml")) == \
        ["anhui.yaml", "jiangsu.yaml", "report.yaml", "shanghai.yaml", "zhejiang.yaml"]


def test_an_article_that_is_not_utf8_is_one_clear_error(project: Path) -> None:
    seed = project / "seeds" / "gbk.txt"
    seed.write_bytes("援疆资金37亿元。".encode("gb18030"))
    with pytest.raises(BriefError, match="not valid UTF-8"):
        draft_brief(seed, project / "briefs", "江苏")
    assert not (project / "briefs" / "jiangsu.yaml").exists()


def test_draft_and_watch_summaries_read_whole_in_help_at_80_columns() -> None:
    shown = CliRunner().invoke(main, ["--help"], terminal_width=80).output.splitlines()
    for command in ("draft", "watch"):
        [line] = [line for line in shown if line.startswith(f"  {command} ")]
        assert not line.endswith("..."), line
        following = (shown + [""])[shown.index(line) + 1]
        assert not following.startswith("           "), f"{command}'s summary wraps: {line!r} {following!r}"


def test_every_kind_draft_guesses_is_one_of_the_models() -> None:
    from briefing.author.draft import _KIND_BY_UNIT, _KIND_WORDS

    guessed = {kind for _, _, kind in _KIND_WORDS} | set(_KIND_BY_UNIT.values())
    assert guessed <= {kind.value for kind in Kind}
