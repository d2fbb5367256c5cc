"""The reader of Chinese figures: a row per form, what is not a figure, and never an exception."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.source.chinese_numbers import _find, find_figures, parse_quantity, same_figure

F = Fraction


@pytest.mark.parametrize("text, written, kind, value, unit, qualifier", [
    # Arabic digits, decimals, separators, full width
    ("投入79.37亿元", "79.37亿元", "number", F("7937000000"), "元", None),
    ("资助3,000人", "3,000人", "number", F(3000), "人", None),
    ("资助3，000人", "3，000人", "number", F(3000), "人", None),
    ("建成３７个", "３７个", "number", F(37), "个", None),
    ("9 批", "9 批", "number", F(9), "批", None),
    ("约1.2万 ，", "约1.2万", "number", F(12000), "", "约"),
    # Chinese numerals and mixed forms
    ("共九批", "九批", "number", F(9), "批", None),
    ("两千余人", "两千余人", "number", F(2000), "人", "多"),
    ("三千多人", "三千多人", "number", F(3000), "人", "多"),
    ("一万二千人", "一万二千人", "number", F(12000), "人", None),
    ("1.2万人", "1.2万人", "number", F(12000), "人", None),
    ("援建学校二十所。", "二十所", "number", F(20), "所", None),
    ("一百零五户", "一百零五户", "number", F(105), "户", None),
    ("建成一百零三个", "一百零三个", "number", F(103), "个", None),
    ("受益人数两千余人", "两千余人", "number", F(2000), "人", "多"),
    ("三点五亿元", "三点五亿元", "number", F(350_000_000), "元", None),
    ("两年时间里", "两年", "number", F(2), "年", None),
    # magnitudes
    ("4.2万吨", "4.2万吨", "number", F(42000), "吨", None),
    ("37亿元", "37亿元", "number", F(3_700_000_000), "元", None),
    ("1.5万亿元", "1.5万亿元", "number", F(1_500_000_000_000), "元", None),
    ("3千人", "3千人", "number", F(3000), "人", None),
    ("14.7万人次", "14.7万人次", "number", F(147000), "人次", None),
    # percentages
    ("占90%", "90%", "percent", F(90), "%", None),
    ("占90 ％", "90 ％", "percent", F(90), "%", None),
    ("百分之九十", "百分之九十", "percent", F(90), "%", None),
    ("九成", "九成", "percent", F(90), "%", None),
    ("三分之一", "三分之一", "percent", F(100, 3), "%", None),
    ("半数", "半数", "percent", F(50), "%", None),
    ("37.21%和", "37.21%", "percent", F("37.21"), "%", None),
    # qualifiers, before and after
    ("37亿多元", "37亿多元", "number", F(3_700_000_000), "元", "多"),
    ("40多亿元", "40多亿元", "number", F(4_000_000_000), "元", "多"),
    ("3000余人", "3000余人", "number", F(3000), "人", "多"),
    ("1000余万元", "1000余万元", "number", F(10_000_000), "元", "多"),
    ("900家以上", "900家以上", "number", F(900), "家", "以上"),
    ("近300个", "近300个", "number", F(300), "个", "近"),
    ("约708吨", "约708吨", "number", F(708), "吨", "约"),
    ("50%左右", "50%左右", "percent", F(50), "%", "约"),
    ("超3000人", "超3000人", "number", F(3000), "人", "超"),
    ("超过3000人", "超过3000人", "number", F(3000), "人", "超"),
    ("逾千人", "逾千人", "number", F(1000), "人", "超"),
    ("不到10个", "不到10个", "number", F(10), "个", "不到"),
    ("10个以下", "10个以下", "number", F(10), "个", "以下"),
    ("20吨上下", "20吨上下", "number", F(20), "吨", "约"),
    # ordinals
    ("第九批援疆干部", "第九批", "ordinal", F(9), "批", None),
    ("第3届", "第3届", "ordinal", F(3), "届", None),
])
def test_forms(text, written, kind, value, unit, qualifier) -> None:
    [figure] = find_figures(text)
    assert (figure.text, figure.kind, figure.value, figure.unit, figure.qualifier) == \
        (written, kind, value, unit, qualifier)
    assert text[figure.start:figure.end] == written


@pytest.mark.parametrize("text, written, kind, year, month, day, part", [
    ("2021年", "2021年", "year", 2021, None, None, None),
    ("二〇二一年", "二〇二一年", "year", 2021, None, None, None),
    ("2019年9月", "2019年9月", "date", 2019, 9, None, None),
    ("2019年9月7日", "2019年9月7日", "date", 2019, 9, 7, None),
    ("截至2021年底", "2021年底", "date", 2021, None, None, "底"),
    ("2021年末", "2021年末", "date", 2021, None, None, "底"),
    ("截至6月底", "6月底", "date", None, 6, None, "底"),
    ("作者:任俊锰 2019-09-07", "2019-09-07", "date", 2019, 9, 7, None),  # a dateline's date in digits
    ("2019/9/7", "2019/9/7", "date", 2019, 9, 7, None),
    ("发布时间：2019.09.07", "2019.09.07", "date", 2019, 9, 7, None),
])
def test_dates(text, written, kind, year, month, day, part) -> None:
    [figure] = find_figures(text)
    assert (figure.text, figure.kind, figure.value, figure.month, figure.day, figure.part) == \
        (written, kind, year, month, day, part)


@pytest.mark.parametrize("text", ["2019.09", "2019-13-01", "2019-09-32", "12019-09-07", "2019-09/07", "2019-09-07.5"])
def test_not_dates_in_digits(text) -> None:
    assert all(f.kind != "date" for f in find_figures(text))


def test_periods_and_ranges() -> None:
    assert [(f.text, f.kind, f.value) for f in find_figures("“十三五”期间，十四五规划")] == \
        [("十三五", "period", 13), ("十四五", "period", 14)]
    assert [(f.kind, f.value) for f in find_figures("2020—2021年")] == [("year", 2020), ("year", 2021)]
    # a bare number before a range or list takes the unit after it
    assert [(f.value, f.unit) for f in find_figures("3至5万元")] == [(30000, "元"), (50000, "元")]
    assert [(f.value, f.unit) for f in find_figures("分别为9、8家")] == [(9, "家"), (8, "家")]


@pytest.mark.parametrize("text", [
    "一、消费帮扶", "第一书记", "一个产业园", "建成一批项目", "千方百计", "四个全面", "三部曲", "“四化四链”",
    "十几个", "数十家", "几十个", "上千人", "成千上万", "一带一路", "万人空巷", "1.2.3", "两地交流", "三成立",
])
def test_not_figures(text) -> None:
    assert find_figures(text) == []


@pytest.mark.parametrize("written, source", [
    ("1.2万人", "12000人"), ("12000人", "1.2万人"), ("9 批", "九批"), ("90 %", "百分之九十"), ("90%", "九成"),
    ("3000余人", "3000多人"), ("超3000人", "3000余人"), ("超900家", "900家以上"), ("2021年", "截至2021年底"),
    ("6000多万元", "六千多万元"), ("第9批", "第九批"), ("2019年9月", "2019年9月7日"), ("37亿多元", "37亿多元"),
    ("3，000元", "3,000元"), ("３７个", "37个"), ("“十三五”", "十三五期间"), ("2019年9月7日", "2019-09-07"),
    ("2019年9月", "2019/9/7"),
])
def test_same_figure(written, source) -> None:
    [a], [b] = find_figures(written), find_figures(source)
    assert same_figure(a, b)


@pytest.mark.parametrize("written, source", [
    ("6080万元", "6090万元"), ("3000人", "3000余人"), ("近300个", "300个"), ("300人", "300人次"),
    ("3000余人", "3000人"), ("超3000人", "近3000人"), ("2021年底", "2021年"), ("2020年", "2021年"),
    ("2019年9月", "2019年6月"), ("第9批", "9批"), ("33%", "三分之一"), ("4.2万吨", "4.2万元"),
    ("约708吨", "708吨"),
])
def test_different_figures(written, source) -> None:
    [a], [b] = find_figures(written), find_figures(source)
    assert not same_figure(a, b)


def test_parse_quantity() -> None:
    tile = parse_quantity(4.2, "万吨")
    assert (tile.value, tile.unit, tile.qualifier) == (42000, "吨", None)
    assert same_figure(parse_quantity(12000, "人"), find_figures("1.2万人")[0])
    assert same_figure(parse_quantity(20, "所"), find_figures("二十所")[0])
    assert same_figure(parse_quantity(90, "%"), find_figures("百分之九十")[0])
    assert same_figure(parse_quantity(37, "亿元", "多"), find_figures("37亿多元")[0])
    assert same_figure(parse_quantity(37, "亿元", "余"), find_figures("37亿多元")[0])
    assert not same_figure(parse_quantity(37, "亿元"), find_figures("37亿多元")[0])
    assert parse_quantity(1, "个", "大概") is None
    assert parse_quantity(float("nan"), "个") is None


def test_long_runs_are_no_figures_and_no_trouble() -> None:
    for text in ("1" * 5000 + "人", "一" * 5000 + "人", "1." + "2" * 5000, "3," * 3000 + "元", "第" * 3000 + "1"):
        figures = _find(text)  # without find_figures' safety net (int() refuses over 4300 digits)
        assert all(len(f.text) <= 40 for f in figures)
    assert find_figures("1" * 30 + "人") == []


@settings(max_examples=400, deadline=None)
@given(st.text(st.one_of(st.characters(exclude_categories=("Cs",)),
                         st.sampled_from(list("0123456789０９.,，%％万亿千百十零〇一二两三九第近超余多年月日底"
                                              "分之成半批人元个“”十三五期间以上左右 ")))))
def test_never_raises(text) -> None:
    for figure in _find(text):  # without find_figures' safety net
        assert 0 <= figure.start < figure.end <= len(text)
        assert text[figure.start:figure.end] == figure.text
        figure.describe()
