"""Every figure on the page proved against its source: tiles, free text, quotes, placeholders."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefing.author.skeleton import new_brief, skeleton
from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.errors import BriefError
from briefing.proof.check import check_all, load_proved, proof
from briefing.proof.provenance import tile_problem
from briefing.source.chinese_numbers import find_figures, same_figure
from briefing.source.figures import printed_figure
from briefing.source.model import Metric
from briefing.source.schema import brief_schema_json
from conftest import BRIEFS, SEEDS, STEMS, page_texts


def problems_of(path: Path, seeds: Path) -> list[str]:
    try:
        return [str(p) for p in load_proved(path, seeds).problems]
    except BriefError as error:
        return [str(p) for p in error.problems]


def edit(project: Path, stem: str, old: str, new: str) -> Path:
    path = project / "briefs" / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def where(path: Path, needle: str) -> str:
    """``line:column`` of the first ``needle`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{number}:{line.index(needle) + 1}"
    raise AssertionError(needle)


# --- tiles ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, qualifier, quote", [
    (37, "亿元", "多", "累计拨付援疆资金37亿多元"),
    (37, "亿元", "余", "累计拨付援疆资金37亿多元"),      # 多 and 余 say the same
    (3000, "人", "超", "新增本地就业3000余人"),          # 超 for a source's 余
    (9, "批", None, "先后派出九批干部"),                  # 9 批 for 九批
    (90, "%", None, "占比百分之九十"),                   # 90 % for 百分之九十
    (12000, "人", None, "带动1.2万人就业"),              # 12000 for 1.2万
    (1.2, "万人", None, "带动一万二千人就业"),
    (20, "所", None, "援建学校二十所"),
    (4.2, "万吨", None, "助销农副产品4.2万吨、6.2亿元"),
    (300, "个", "近", "解决了近300个就业岗位"),
    (3000, "元", None, "资助3，000元"),
    (37, "个", None, "建成３７个"),
])
def test_tile_agrees_with_its_quote(value, unit, qualifier, quote) -> None:
    assert tile_problem(value, unit, qualifier, quote) is None


@pytest.mark.parametrize("value, unit, qualifier, quote, field, message", [
    (300, "个", None, "解决了近300个就业岗位", "qualifier", "the quote says 近300个: set qualifier: 近"),
    (3000, "人", "余", "新增本地就业3000人", "qualifier",
     "the quote says 3000人 with no qualifier: remove qualifier: 余"),
    (3000, "人", "近", "新增本地就业3000余人", "qualifier", "the quote says 3000余人: set qualifier: 余"),
    (300, "人", None, "培训300人次", "unit", "the quote's unit is 人次, not 人"),
    (4.2, "亿元", None, "助销农副产品4.2万吨、6.2亿元", "unit", "the quote's unit is 万吨, not 亿元"),
    (2000, "名", "余", "两千余人", "unit", "the quote's unit is 人, not 名"),
    (14.7, "万人", None, "受益14.7万人次", "unit", "the quote's unit is 万人次, not 万人"),
    (73, "亿元", "多", "累计拨付援疆资金37亿多元", "value",
     "73亿元 (qualifier 多) is not what the quote states (37亿多元): '累计拨付援疆资金37亿多元'"),
    (21, "所", None, "援建学校二十所", "value", "21所 is not what the quote states (二十所): '援建学校二十所'"),
])
def test_tile_that_differs_says_what_to_write(value, unit, qualifier, quote, field, message) -> None:
    assert tile_problem(value, unit, qualifier, quote) == (field, message)


def metric(value, unit, qualifier, quote) -> Metric:
    return Metric(kind="funding", label="x", value=value, unit=unit, qualifier=qualifier, as_of="x", source="0",
                  quote=quote)


@pytest.mark.parametrize("value, unit, qualifier, quote, printed", [
    (37, "亿元", "多", "累计拨付援疆资金37亿多元", "37亿多元"),
    (40, "亿元", "多", "资金40多亿元，占", "40多亿元"),
    (300, "个", "近", "解决了近300个", "近300个"),
    (20, "所", None, "援建学校二十所", "20所"),
    (90, "%", None, "占比百分之九十", "90%"),
    (2000, "人", "余", "两千余人", "2000余人"),
    (3000, "元", None, "资助3，000元", "3000元"),
    (37, "个", None, "建成３７个", "37个"),
])
def test_a_tile_prints_its_figure_in_digits(value, unit, qualifier, quote, printed) -> None:
    shown = printed_figure(metric(value, unit, qualifier, quote))
    assert shown == printed
    assert re.search(r"\d", shown)
    assert same_figure(find_figures(shown)[0], find_figures(quote)[-1])


# --- the mutations of the issue, in the shipped briefs --------------------------------------------------------

def test_a_changed_figure_in_a_point_names_the_field_and_the_nearest(project: Path) -> None:
    path = edit(project, "anhui", "开发专属教学资源9500多条", "开发专属教学资源9400多条")
    at = where(path, "9400多条")
    assert problems_of(path, project / "seeds") == [
        f"{path}:{at}: sections[2].points[1].text: 9400多条 is not in source 001 (it has 9500多条)"]


def test_a_changed_count_in_a_point(project: Path) -> None:
    path = edit(project, "anhui", "97间", "98间")
    assert problems_of(path, project / "seeds") == [
        f"{path}:{where(path, '98间')}: sections[2].points[1].text: 98间 is not in source 001 (it has 97间)"]


def test_a_changed_figure_in_the_lead(project: Path) -> None:
    path = edit(project, "anhui", "助力皮山巩固脱贫成果。", "累计拨付援疆资金73亿多元。")
    [problem] = problems_of(path, project / "seeds")
    assert problem == (f"{path}:{where(path, '73亿多元')}: lead: 73亿多元 is not in any of the sources 000, 001 "
                       "(source 000 has 37亿多元)")


def test_a_title_inventing_a_figure(project: Path) -> None:
    path = edit(project, "anhui", 'title: "安徽援疆：', 'title: "安徽援疆累计投入50亿元：')
    [problem] = problems_of(path, project / "seeds")
    assert problem.startswith(f"{path}:{where(path, '50亿元')}: title: 50亿元 is not in any of the sources 000, 001")


def test_a_source_title_with_a_figure_not_in_its_article(project: Path) -> None:
    path = edit(project, "zhejiang", 'title: "第八批杭州援疆干部', 'title: "第九批杭州援疆干部')
    [problem] = problems_of(path, project / "seeds")
    assert problem == f"{path}:{where(path, '第九批')}: sources[1].title: 第九批 is not in source 004 (it has 第八批)"


def test_a_source_date_is_proved_against_its_dateline(project: Path) -> None:
    """Seed 003's dateline writes 2019-09-07 12:06; the sources list prints the brief's date as 2019年9月7日."""
    path = project / "briefs" / "shanghai.yaml"
    assert problems_of(path, project / "seeds") == []
    edit(project, "shanghai", 'date: "2019-09-07"', 'date: "2019-09-08"')
    [problem] = problems_of(path, project / "seeds")
    at = where(path, "date: \"2019-09-08\"")  # the field: the date is printed in another form than written
    assert problem == (f"{path}:{at}: sources[0].date: 2019年9月8日 is not in source 003 "
                       "(it has 2019-09-07, read as 2019年9月7日)")


def test_a_source_date_the_article_does_not_state_is_refused(project: Path) -> None:
    path = edit(project, "anhui", '    publisher: "安徽商报"', '    publisher: "安徽商报"\n    date: "2021-06-30"')
    [problem] = problems_of(path, project / "seeds")
    assert ": sources[1].date: 2021年6月30日 is not in source 001" in problem


def test_a_scope_inventing_a_figure(project: Path) -> None:
    """A scope is printed in the combined report (overview, charts), so its figures are proved like a label's,
    against the tile's source."""
    path = edit(project, "anhui", "    scope: 产业园新增本地就业\n", "    scope: 新增就业5000人的产业园\n")
    assert problems_of(path, project / "seeds") == [
        f"{path}:{where(path, '5000人')}: metrics[5].scope: 5000人 is not in source 000 (it has 3000余人)"]


def test_a_scope_stating_a_figure_of_its_source_passes(project: Path) -> None:
    path = edit(project, "anhui", "    scope: 产业园新增本地就业\n", "    scope: 入驻企业27家的产业园\n")
    assert problems_of(path, project / "seeds") == []


def test_a_dropped_qualifier_in_a_point_and_in_a_tile(project: Path) -> None:
    path = edit(project, "anhui", "建立900家以上销售门店", "建立900家销售门店")
    [problem] = problems_of(path, project / "seeds")
    assert problem.endswith("sections[0].points[0].text: 900家 is not in source 000 (it has 900家以上)")
    path = edit(project, "anhui", "    qualifier: 余\n    as_of: \"2010年以来\"", "    as_of: \"2010年以来\"")
    assert any("metrics[1].qualifier: the quote says 380余个: set qualifier: 余" in p
               for p in problems_of(path, project / "seeds"))


def test_a_changed_unit_in_a_tile(project: Path) -> None:
    path = edit(project, "anhui", "    unit: 名\n", "    unit: 人\n")
    [problem] = problems_of(path, project / "seeds")
    assert problem.endswith("metrics[2].unit: the quote's unit is 名, not 人")


def test_true_figures_in_other_forms_pass(project: Path) -> None:
    seed = project / "seeds" / "001_3eb730d52fe9b3a6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n援建学校二十所。先后选派九批干部。占比百分之九十。带动1.2万人。\n",
                    encoding="utf-8")
    path = edit(project, "anhui", "      - text: \"开发专属教学资源9500多条",
                "      - text: \"援建学校20所，选派9 批干部，占比90 %，带动12000人。\"\n        source: \"001\"\n"
                "      - text: \"开发专属教学资源9500多条")
    assert problems_of(path, project / "seeds") == []


def test_twenty_schools_written_in_chinese_check_and_build(project: Path) -> None:
    """A true tile whose source writes 二十所 once crashed layout (AssertionError at layout.py:168)."""
    seed = project / "seeds" / "001_3eb730d52fe9b3a6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n援建学校二十所。\n", encoding="utf-8")
    edit(project, "anhui", """  - kind: jobs
    scope: 产业园新增本地就业
    label: 产业园新增本地就业""", """  - kind: facilities
    label: 援建学校
    value: 20
    unit: 所
    as_of: "2021年"
    source: "001"
    quote: "援建学校二十所"
  - kind: jobs
    scope: 产业园新增本地就业
    label: 产业园新增本地就业""")
    edit(project, "anhui", """  - kind: sales_volume
    label: 助销农副产品数量
    value: 4.2
    unit: 万吨
    as_of: "2020年"
    source: "000"
    quote: "累计助销新疆和田农副产品4.2万吨、6.2亿元"
""", "")
    briefs = project / "briefs"
    [report] = [r for r in check_all([briefs / "anhui.yaml"], project / "seeds", briefs / "report.yaml")]
    assert report.problems == [] and report.body_size
    result = build(discover(briefs), project / "out", briefs / "report.yaml", project / "seeds")
    assert result.ok, [str(e) for e in result.errors]
    assert "20所" in page_texts(project / "out" / "anhui.pdf")[0]
    assert (project / "out" / "combined.pdf").is_file()


# --- quotes --------------------------------------------------------------------------------------------------

def test_a_quote_matches_ignoring_whitespace_and_punctuation_width(project: Path) -> None:
    # the seed writes "销售各类商品51.6吨,销售金额459.45万元" with a half-width comma
    path = edit(project, "shanghai", 'quote: "销售各类商品51.6吨,销售金额459.45万元"\n  - kind: sales_volume',
                'quote: "销售各类商品 51.6吨，销售金额459.45万元"\n  - kind: sales_volume')
    assert problems_of(path, project / "seeds") == []


def test_a_quote_not_found_shows_the_closest_passage(project: Path) -> None:
    path = edit(project, "anhui", 'quote: "实施援建项目380余个"', 'quote: "实施援疆项目380余个"')
    [problem] = problems_of(path, project / "seeds")
    assert "metrics[1].quote: this phrase is not in source '000'" in problem
    assert "the closest passage is '实施援建项目380余个'" in problem
    assert "the seed has '建' where the quote has '疆'" in problem


# --- what check reports in one run ---------------------------------------------------------------------------

def test_schema_problems_do_not_hide_figure_problems(project: Path) -> None:
    path = edit(project, "anhui", "开发专属教学资源9500多条", "开发专属教学资源9400多条")
    edit(project, "anhui", "    label: 实施援建项目\n", "    label: 实施援建项目\n    lable: x\n")
    problems = problems_of(path, project / "seeds")
    assert any("metrics[1].lable: unknown field" in p for p in problems)
    assert any("9400多条 is not in source 001 (it has 9500多条)" in p for p in problems)


def test_bad_report_settings_do_not_hide_the_briefs_problems(project: Path) -> None:
    briefs = project / "briefs"
    (briefs / "report.yaml").write_text("name: x\n", encoding="utf-8")
    edit(project, "anhui", "开发专属教学资源9500多条", "开发专属教学资源9400多条")
    reports = check_all(discover(briefs), project / "seeds", briefs / "report.yaml")
    assert reports[0].file.endswith("report.yaml") and reports[0].problems
    anhui = next(r for r in reports if r.file.endswith("anhui.yaml"))
    assert any("9400多条" in p.message for p in anhui.problems)
    shanghai = next(r for r in reports if r.file.endswith("shanghai.yaml"))
    assert shanghai.problems == [] and shanghai.figures_verified > 0 and shanghai.body_size is None


# --- placeholders --------------------------------------------------------------------------------------------

def test_the_skeleton_fails_until_filled(project: Path) -> None:
    path = new_brief(project / "briefs", "jiangsu", "江苏")
    problems = problems_of(path, project / "seeds")
    fill_ins = [p for p in problems if ": fill in: " in p]
    text = path.read_text(encoding="utf-8").splitlines()
    for placeholder in ("某某", "20XX", "文章标题", "000_example.txt"):
        hits = [p for p in fill_ins if repr(placeholder) in p]
        assert hits, (placeholder, problems)
        line = int(hits[0].split(":")[1])
        assert placeholder in text[line - 1]


# --- the shipped briefs: every figure printed is proved -------------------------------------------------------

def page_figures(text: str, title: str) -> list:
    """The figures of a briefing page's text from its title to the end of its source list (the 版记 after it
    states the issue's date), without the markers."""
    body = "".join(text.replace("\r", "").split("\n"))
    body = body[body.index(title):body.index("报：")]
    return find_figures(re.sub(r"\[\d+\]", "", body))


@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_on_the_page_is_proved(built: Path, stem: str) -> None:
    proved = load_proved(BRIEFS / f"{stem}.yaml", SEEDS)
    assert proved.problems == []
    on_page = page_figures(page_texts(built / f"{stem}.pdf")[0], proved.loaded.brief.title)
    assert len(on_page) == proved.figures > 20
    keys = sorted(repr(f.key) for f in on_page)
    assert keys == sorted(repr(f.key) for f in proof(proved.loaded.doc, SEEDS).proved)



# --- each form of the reader, proved and refused in a brief ---------------------------------------------------

FORMS = [  # (form, the seed writes, a point that passes, a point that fails, its message after "text: ")
    ("decimal", "投入34.7亿元", "34.7亿元", "43.7亿元", "43.7亿元 is not in source 001 (it has 34.7亿元)"),
    ("separator ,", "资助3,000户", "3000户", "3,100户", "3,100户 is not in source 001 (it has 3,000户)"),
    ("separator ，", "资助3，000户", "3，000户", "3，100户", "3，100户 is not in source 001 (it has 3，000户)"),
    ("full width", "建成３７座", "37座", "38座", "38座 is not in source 001 (it has ３７座)"),
    ("Chinese numeral", "先后派出九批", "9 批", "8批", "8批 is not in source 001 (it has 九批)"),
    ("两千余", "两千余名", "2000余名", "2000名", "2000名 is not in source 001 (it has 两千余名)"),
    ("三千多", "三千多株", "3000多株", "4000多株", "4000多株 is not in source 001 (it has 三千多株)"),
    ("一万二千", "一万二千亩", "1.2万亩", "1.3万亩", "1.3万亩 is not in source 001 (it has 一万二千亩)"),
    ("1.2万", "1.2万套", "12000套", "1.2万张", "1.2万张 is not in source 001"),
    ("百分之九十", "百分之九十", "90%", "80%", "80% is not in source 001 (it has 百分之九十)"),
    ("九成", "九成农户", "90%", "85%", "85% is not in source 001 (it has 九成)"),
    ("三分之一", "三分之一", "三分之一", "33%", "33% is not in source 001 (it has 三分之一)"),
    ("半数", "半数以上", "50%以上", "50%", "50% is not in source 001 (it has 半数以上)"),
    ("万亿", "1.5万亿元", "15000亿元", "1.5亿元", "1.5亿元 is not in source 001"),
    ("千", "3千吨", "3000吨", "4千吨", "4千吨 is not in source 001 (it has 3千吨)"),
    ("%", "达到90%", "90 %", "9%", "9% is not in source 001 (it has 90%)"),
    ("多", "300多所", "300余所", "300所", "300所 is not in source 001 (it has 300多所)"),
    ("以上", "900处以上", "超900处", "900处", "900处 is not in source 001 (it has 900处以上)"),
    ("近", "近700台", "近700台", "700台", "700台 is not in source 001 (it has 近700台)"),
    ("约", "约708辆", "708辆左右", "708辆", "708辆 is not in source 001 (it has 约708辆)"),
    ("超过", "超过3000位", "超3000位", "近3000位", "近3000位 is not in source 001 (it has 超过3000位)"),
    ("逾", "逾千户", "超1000户", "1000户", "1000户 is not in source 001 (it has 逾千户)"),
    ("不到", "不到10支", "不足10支", "10支", "10支 is not in source 001 (it has 不到10支)"),
    ("以下", "10栋以下", "10栋以下", "10栋以上", "10栋以上 is not in source 001 (it has 10栋以下)"),
    ("上下", "20箱上下", "约20箱", "20箱", "20箱 is not in source 001 (it has 20箱上下)"),
    ("year", "1998年", "1998年", "1997年", "1997年 is not in source 001 (it has 1998年)"),
    ("month", "1999年9月", "1999年9月", "1999年8月", "1999年8月 is not in source 001 (it has 1999年9月)"),
    ("year's end", "截至1996年底", "1996年末", "1995年底", "1995年底 is not in source 001 (it has 1996年底)"),
    ("period", "“十三五”期间", "十三五时期", "“十二五”期间", "十二五 is not in source 001 (it has 十三五)"),
    ("ordinal", "第九批", "第9批", "第十批", "第十批 is not in source 001"),
]


@pytest.mark.parametrize("form, seed_text, passing, failing, message", FORMS, ids=[f[0] for f in FORMS])
def test_each_form_proved_and_refused(project: Path, form, seed_text, passing, failing, message) -> None:
    seed = project / "seeds" / "001_3eb730d52fe9b3a6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + f"\n另据统计，{seed_text}。\n", encoding="utf-8")
    point = "      - text: \"开发专属教学资源9500多条"
    path = edit(project, "anhui", point, f"      - text: \"另据统计，{passing}。\"\n        source: \"001\"\n{point}")
    assert problems_of(path, project / "seeds") == []
    path = edit(project, "anhui", f"另据统计，{passing}。", f"另据统计，{failing}。")
    [problem] = problems_of(path, project / "seeds")
    at = where(path, message.split()[0])
    assert problem.startswith(f"{path}:{at}: sections[2].points[1].text: {message}"), problem


def test_the_skeleton_states_the_schemas_limits() -> None:
    schema = json.loads(brief_schema_json())
    brief, defs = schema["properties"], schema["$defs"]
    stated = {
        "1–6 sections": (brief["sections"]["minItems"], brief["sections"]["maxItems"]) == (1, 6),
        "1–6 tiles": (brief["metrics"]["minItems"], brief["metrics"]["maxItems"]) == (1, 6),
        "1–6 points": (defs["Section"]["properties"]["points"]["minItems"],
                       defs["Section"]["properties"]["points"]["maxItems"]) == (1, 6),
        "≤ 400 characters": brief["lead"]["maxLength"] == 400,
        "≤ 40 characters": brief["title"]["maxLength"] == 40,
        "≤ 12 characters": defs["Metric"]["properties"]["label"]["maxLength"] == 12,
        "≤ 16 characters": defs["Section"]["properties"]["heading"]["maxLength"] == 16,
        "≤ 80 characters": defs["Metric"]["properties"]["quote"]["maxLength"] == 80,
    }
    for words, true in stated.items():
        assert words in skeleton("江苏") and true, words
