"""A tile's figure as the page prints it, always in Arabic digits: 37亿多元, 近300个, 20所, 90%.

A tile's figure as the page prints it: always in Arabic digits, in its quote's own form when the quote
writes it in digits (37亿多元, 1.2万人), else from the tile's value, unit and qualifier (20所, 近300个, 90%)."""
from __future__ import annotations

import re
from functools import lru_cache

from .chinese_numbers import QUALIFIERS_AFTER_NUMBER, QUALIFIERS_BEFORE, find_figures, parse_quantity, same_figure
from .model import Metric

_WHITESPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text without any whitespace: quotes match their source ignoring line breaks and spaces."""
    return _WHITESPACE.sub("", text)


def format_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def printed_parts(metric: Metric) -> tuple[str, str, str]:
    """A tile's figure as printed, split around its number: ('近', '300', '个'). In the form of its quote
    when the quote writes it in digits (37亿多元, 40多亿元, 1.2万人), else from the tile's value and unit (a
    quote's 二十所 prints 20所, 百分之九十 90%), so the number is always in Arabic digits."""
    return printed_parts_of(metric.value, metric.unit, metric.qualifier, metric.quote)


@lru_cache(maxsize=16384, typed=True)  # the combined report sets each tile's figure when measuring and when drawing
def printed_parts_of(value: int | float, unit: str, qualifier: str | None, quote: str) -> tuple[str, str, str]:
    tile = parse_quantity(value, unit, qualifier)
    plain = format_number(value)
    if tile is not None:
        for f in find_figures(quote):
            if f.kind in ("number", "percent") and same_figure(tile, f):
                text = f.text.translate(str.maketrans("０１２３４５６７８９．％", "0123456789.%"))
                match = re.search(r"\d[\d,，]*(?:\.\d+)?", text)
                if match:
                    digits = re.sub("[,，]", "", match.group())
                    return text[:match.start()], digits, squeeze(text[match.end():])
                break
    if qualifier in QUALIFIERS_BEFORE:
        return qualifier, plain, unit
    if qualifier in QUALIFIERS_AFTER_NUMBER:
        return "", plain, qualifier + unit
    return "", plain, unit + (qualifier or "")


def printed_figure(metric: Metric) -> str:
    """The figure as its tile prints it (always in Arabic digits): 37亿多元, 近300个, 20所, 90%."""
    return "".join(printed_parts(metric))
