"""Every figure proved against its source: the seed exists, the quote is in it, the quote states the value."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem
from .model import LoadedBrief, Metric
from .yamldoc import field_name

_WHITESPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def squeeze(text: str) -> str:
    """Text without any whitespace: quotes match their source ignoring line breaks and spaces."""
    return _WHITESPACE.sub("", text)


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


_DIGITS = "零一二三四五六七八九"
_PLACES = ((10_000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def chinese_numerals(n: int) -> list[str]:
    """Ways Chinese writes a whole number below 100 000: 九十, 一百零五, 两千, 两年's 两."""
    if not 0 < n < 100_000:
        return []
    out, rest, gap = "", n, False
    for value, name in _PLACES:
        digit, rest = divmod(rest, value)
        if digit:
            if gap and out:
                out += "零"
            out += ("" if (value == 10 and digit == 1 and not out) else _DIGITS[digit]) + name
            gap = False
        elif out:
            gap = True
    if rest:
        out += ("零" if gap and out else "") + _DIGITS[rest]
    forms = [out]
    if out.startswith("二") and (n == 2 or out[1] in "百千万"):
        forms.append("两" + out[1:])
    return forms


def number_forms(value: int | float) -> list[str]:
    plain = format_number(value)
    if isinstance(value, float) and not value.is_integer():
        return [plain]
    return [plain, *chinese_numerals(int(value))]


def figure_forms(metric: Metric) -> list[str]:
    """The ways a source may write the metric: 37亿多元, 40多亿元, 3000余人, 近300个, 900家以上, 百分之九十, 两年…"""
    unit, qualifier = metric.unit, metric.qualifier
    forms = []
    for number in number_forms(metric.value):
        if unit in ("%", "％"):
            bare = [number + unit, "百分之" + number]
        else:
            bare = [number + unit]
        for form in bare:
            if qualifier is None:
                forms.append(form)
            elif qualifier in ("近", "约"):
                forms.append(qualifier + form)
            elif qualifier in ("以上", "左右"):
                forms.append(form + qualifier)
            else:
                forms.append(number + qualifier + unit)
                if len(unit) > 1 and unit[0] in "十百千万亿":
                    forms.append(number + unit[0] + qualifier + unit[1:])
    return list(dict.fromkeys(forms))


def figure_in(metric: Metric, text: str) -> str | None:
    """The form of the metric that ``text`` uses, if it states the metric at all."""
    squeezed = squeeze(text)
    for form in figure_forms(metric):
        if re.search(r"(?<![\d.])" + re.escape(form), squeezed):
            return form
    return None


def printed_figure(metric: Metric) -> str:
    """The figure as printed: in the form its quote uses (falling back to the plain form)."""
    return figure_in(metric, metric.quote) or figure_forms(metric)[0]


def check(loaded: LoadedBrief, seeds_dir: Path) -> list[Problem]:
    """Problems with the sources of a brief; an empty list when every figure is proved."""
    problems: list[Problem] = []
    doc, brief = loaded.doc, loaded.brief

    def problem(path: tuple, message: str) -> None:
        line, column = doc.position(path)
        problems.append(Problem(doc.file, line, column, field_name(path), message))

    seed_texts: dict[str, str] = {}
    for index, source in enumerate(brief.sources):
        seed = seeds_dir / source.file
        if not seed.is_file():
            problem(("sources", index, "file"), f"seed document {source.file!r} not found in {seeds_dir}")
            continue
        seed_texts[source.id] = squeeze(seed.read_text(encoding="utf-8"))
    for index, metric in enumerate(brief.metrics):
        seed_text = seed_texts.get(metric.source)
        if seed_text is None:
            continue
        if squeeze(metric.quote) not in seed_text:
            problem(("metrics", index, "quote"), f"this phrase is not in source {metric.source!r}; copy it "
                    "verbatim from the seed (only whitespace may differ)")
            continue
        if figure_in(metric, metric.quote) is None:
            stated = ", ".join(_NUMBER.findall(squeeze(metric.quote))) or "no number"
            problem(("metrics", index, "value"),
                    f"{format_number(metric.value)} {metric.unit}{' (' + metric.qualifier + ')' if metric.qualifier else ''}"
                    f" does not match the quote, which states {stated}: {metric.quote!r}")
    return problems
