"""Comparing provinces: figures of one kind in a common unit, each with its period and scope stated."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..source.chinese_numbers import find_figures
from ..source.figures import format_number, printed_figure
from ..source.model import KIND_NAMES, Brief, Kind, Metric

# kind -> (unit figures are compared in, factor of each unit the sources use)
COMMON_UNITS: dict[Kind, tuple[str, dict[str, float]]] = {
    Kind.funding: ("亿元", {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}),
    Kind.sales: ("亿元", {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}),
    Kind.sales_volume: ("万吨", {"万吨": 1.0, "吨": 1e-4}),
    Kind.jobs: ("人", {"人": 1.0, "万人": 1e4, "名": 1.0}),
    Kind.cadres: ("人", {"人": 1.0, "名": 1.0}),
    Kind.talent_recruited: ("人", {"人": 1.0, "名": 1.0, "万人": 1e4}),
    Kind.trained: ("人次", {"人次": 1.0, "万人次": 1e4, "人": 1.0, "名": 1.0}),
    Kind.beneficiaries: ("人", {"人": 1.0, "万人": 1e4}),
    Kind.poverty_exits: ("人", {"人": 1.0, "万人": 1e4}),
    Kind.projects: ("个", {"个": 1.0}),
    Kind.enterprises: ("家", {"家": 1.0}),
    Kind.outlets: ("家", {"家": 1.0, "个": 1.0}),
}


@dataclass(frozen=True)
class Figure:
    """One metric as the report compares it: the source's form, its value in the kind's common unit, and
    what it covers (its period, and its scope when it counts only part of its kind)."""

    province: str
    metric: Metric
    printed: str
    common_value: float | None
    common_unit: str | None

    @property
    def scope(self) -> str | None:
        return self.metric.scope

    @property
    def common_text(self) -> str | None:
        """``≈11300人`` where a conversion helps comparison: the source used another magnitude than the
        common unit's and the converted value keeps two significant digits at two decimals (459.45万元 is
        not ``≈0.05亿元``)."""
        value = self.common_value
        if value is None or value == self.metric.value or value < 0.1:  # 125名 is not ``≈125人``
            return None
        return f"≈{_short(value)}{self.common_unit}"


def _short(value: float) -> str:
    """At most two decimals, and no more significant digits than four (11300, 0.46, 4.2)."""
    digits = max(0, min(2, 3 - math.floor(math.log10(value)))) if value > 0 else 0
    return format_number(round(value, digits) if digits else int(round(value)))


def figure(brief: Brief, metric: Metric) -> Figure:
    common = COMMON_UNITS.get(metric.kind)
    if common and metric.unit in common[1]:
        return Figure(brief.province, metric, printed_figure(metric), metric.value * common[1][metric.unit], common[0])
    return Figure(brief.province, metric, printed_figure(metric), None, None)


def kinds_present(briefs: Iterable[Brief]) -> list[Kind]:
    """The comparable kinds (those with a common unit) at least one brief reports, in the model's order."""
    return comparable(metric.kind for brief in briefs for metric in brief.metrics)


def comparable(kinds: Iterable[Kind]) -> list[Kind]:
    """Those of ``kinds`` that have a common unit, once each, in the model's order."""
    present = set(kinds)
    return [kind for kind in Kind if kind in present and kind in COMMON_UNITS]


def figures_of(brief: Brief, kind: Kind) -> list[Figure]:
    return [figure(brief, metric) for metric in brief.metrics if metric.kind == kind]


def kind_name(kind: Kind) -> str:
    return KIND_NAMES[kind]


@lru_cache(maxsize=4096)  # the report sets the same texts at every size its plan tries
def unbreakable_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text`` holds a figure that a line must not break inside (37亿多元, 2019年6月, 两千余人,
    近300个): (start, end) of each, as the figure reader finds them."""
    return tuple((figure.start, figure.end) for figure in find_figures(text) if figure.end - figure.start > 1)
