"""Figures proved against their quotes, in the forms Chinese sources write them."""
from __future__ import annotations

import pytest

from briefing.model import Metric
from briefing.provenance import chinese_numerals, figure_in


def metric(value: float, unit: str, qualifier: str | None = None) -> Metric:
    return Metric(kind="funding", label="x", value=value, unit=unit, qualifier=qualifier, as_of="x", source="0",
                  quote="x")


@pytest.mark.parametrize("value, unit, qualifier, quote, form", [
    (37, "亿元", "多", "累计拨付援疆资金37亿多元", "37亿多元"),
    (40, "亿元", "多", "资金40多亿元，占", "40多亿元"),
    (4.2, "万吨", None, "助销农副产品4.2万吨、6.2亿元", "4.2万吨"),
    (3000, "人", "余", "新增本地就业3000余人", "3000余人"),
    (1.13, "万人", None, "就业人数达到1.13万人", "1.13万人"),
    (900, "家", "以上", "建立900家以上销售门店", "900家以上"),
    (300, "个", "近", "解决了近300个就业岗位", "近300个"),
    (90, "%", None, "占比百分之九十", "百分之九十"),
    (90, "%", "以上", "占援疆资金90%以上", "90%以上"),
    (2, "年", None, "两年时间里", "两年"),
    (50, "%", "左右", "降低了50%左右", "50%左右"),
])
def test_source_forms_are_recognised(value, unit, qualifier, quote, form) -> None:
    assert figure_in(metric(value, unit, qualifier), quote) == form


@pytest.mark.parametrize("value, unit, qualifier, quote", [
    (73, "亿元", "多", "累计拨付援疆资金37亿多元"),      # a changed number
    (37, "亿元", None, "累计拨付援疆资金37亿多元"),      # a dropped qualifier
    (37, "万元", "多", "累计拨付援疆资金37亿多元"),      # a wrong unit
    (7, "亿元", "多", "累计拨付援疆资金37亿多元"),       # a digit of a larger number
    (4.2, "亿元", None, "助销农副产品4.2万吨、6.2亿元"),  # the other figure's unit
])
def test_wrong_figures_are_not_found(value, unit, qualifier, quote) -> None:
    assert figure_in(metric(value, unit, qualifier), quote) is None


def test_chinese_numerals() -> None:
    assert chinese_numerals(90) == ["九十"]
    assert chinese_numerals(105) == ["一百零五"]
    assert chinese_numerals(2000) == ["二千", "两千"]
    assert chinese_numerals(20) == ["二十"]
    assert chinese_numerals(10) == ["十"]
