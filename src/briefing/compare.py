"""Comparing provinces: metric kinds in common units, without pretending different periods are one."""
from __future__ import annotations

from collections.abc import Iterable

from dataclasses import dataclass

from .model import KIND_NAMES, Brief, Kind, Metric
from .provenance import format_number, printed_figure

# kind -> (unit figures are compared in, factor of each unit the sources use)
COMMON_UNITS: dict[Kind, tuple[str, dict[str, float]]] = {
    Kind.funding: ("亿元", {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}),
    Kind.sales: ("亿元", {"亿元": 1.0, "万元": 1e-4, "元": 1e-8}),
    Kind.sales_volume: ("万吨", {"万吨": 1.0, "吨": 1e-4}),
    Kind.jobs: ("人", {"人": 1.0, "万人": 1e4, "名": 1.0}),
    Kind.talent: ("人", {"人": 1.0, "名": 1.0, "万人": 1e4}),
    Kind.trained: ("人次", {"人次": 1.0, "万人次": 1e4, "人": 1.0, "名": 1.0}),
    Kind.beneficiaries: ("人", {"人": 1.0, "万人": 1e4}),
    Kind.projects: ("个", {"个": 1.0}),
    Kind.enterprises: ("家", {"家": 1.0}),
}


@dataclass(frozen=True)
class Figure:
    """One metric as the overview shows it: the source's form, and its value in the common unit."""

    province: str
    metric: Metric
    printed: str
    common_value: float | None
    common_unit: str | None

    @property
    def common_text(self) -> str | None:
        """``≈0.05亿元`` when the source used another unit than the common one, else None."""
        if self.common_value is None or self.common_value == self.metric.value:
            return None
        return f"≈{_short(self.common_value)}{self.common_unit}"


def _short(value: float) -> str:
    return format_number(round(value, 4 if value < 1 else 2))


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
