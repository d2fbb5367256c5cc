"""Every figure printed proved against its source: quotes, tiles, and the figures of the free text.

Every figure printed proved against its source: quotes found in their seeds, tiles agreeing with their
quotes, and every figure of the free text (title, lead, points, labels, scopes, as-of, caption) found in its
source.

It reads the brief's YAML as parsed, not the validated model, so the figures of fields that are valid are
still proved when another field of the brief is not.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import BriefError, Problem
from ..files import display_path
from ..source.chinese_numbers import MAGNITUDES, QUALIFIERS, Figure, find_figures, nearest, parse_quantity, same_figure
from ..source.figures import printed_parts_of, squeeze
from ..source.inputs import Reads
from ..source.model import LoadedBrief
from ..source.yamldoc import YamlDoc, field_name

MAX_SEED_BYTES = 4 * 1024 * 1024
_SEED_FILE = re.compile(r"^[^/\\]{1,120}$")  # as the model allows: a file name in seeds/, no path
_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "″": '"', "‘": "'", "’": "'", "′": "'",
                              "「": '"', "」": '"', "『": '"', "』": '"'})
QUOTE_FORMS = "whitespace, full- and half-width punctuation (，/, ：/: （/( “/\") and digits may differ"


# --- quotes --------------------------------------------------------------------------------------------------

def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` as quotes are compared: no whitespace, full-width forms (，：（ＡＢ１２) as half-width, curly
    quotes straight; and for each character kept, its index in ``text``."""
    out, index = [], []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in "\u200b\ufeff":
            continue
        if "\uff01" <= ch <= "\uff5e":
            ch = unicodedata.normalize("NFKC", ch)
        out.append(ch.translate(_QUOTE_MARKS))
        index.append(i)
    return "".join(out), index


_RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2}


def dated(figures: list[Figure], text: str, year: int | None) -> list[Figure]:
    """A source's dates without a year (截至6月底, 今年6月底, 去年9月) in the year of its publication (or the
    year before, for 去年), when that is known; 今年 alone is that year."""
    if year is None:
        return figures
    out = []
    for figure in figures:
        if figure.kind == "date" and figure.value is None:
            before = text[max(figure.start - 2, 0):figure.start]
            figure = replace(figure, value=Fraction(year + _RELATIVE_YEARS.get(before, 0)))
        out.append(figure)
    for word, offset in _RELATIVE_YEARS.items():
        for match in re.finditer(word, text):
            if not any(f.start == match.end() for f in figures):
                out.append(Figure(word, match.start(), match.end(), "year", Fraction(year + offset), "年"))
    return sorted(out, key=lambda f: f.start)


@dataclass
class Seed:
    """A source document: its text, the text as quotes are looked up in, and its figures (its dates without
    a year read in the year it was published, when the brief gives its date)."""

    id: str
    text: str
    year: int | None = None

    def __post_init__(self) -> None:
        self.normal, self.index = normalise(self.text)
        self.figures = dated(find_figures(self.text), self.text, self.year)

    def has_quote(self, quote: str) -> bool:
        return normalise(quote)[0] in self.normal

    def closest(self, quote: str) -> tuple[str, str]:
        """The passage of the seed most like ``quote`` (as the seed writes it) and what differs."""
        wanted = normalise(quote)[0]
        if not wanted or not self.normal:
            return "", ""
        matcher = SequenceMatcher(None, self.normal, wanted, autojunk=False)
        best = matcher.find_longest_match(0, len(self.normal), 0, len(wanted))
        start = max(best.a - best.b, 0)
        end = min(start + len(wanted), len(self.normal))
        window = self.normal[start:end]
        differences = []
        for tag, a0, a1, b0, b1 in SequenceMatcher(None, window, wanted, autojunk=False).get_opcodes():
            if tag != "equal":
                seed_part, quote_part = window[a0:a1] or "nothing", wanted[b0:b1] or "nothing"
                differences.append(f"the seed has {seed_part!r} where the quote has {quote_part!r}")
        passage = self.text[self.index[start]:self.index[end - 1] + 1] if end > start else ""
        return squeeze(passage), "; ".join(differences[:3])


@lru_cache(maxsize=16)
def _seed(sid: str, text: str, year: int | None) -> Seed:
    """A seed read once per process however many briefs cite it (a build of many briefs cites few seeds)."""
    return Seed(sid, text, year)


def read_seeds(data: Any, doc: YamlDoc, seeds_dir: Path, problem, reads: Reads) -> dict[str, Seed]:
    """The brief's seeds by source id; a problem for each that cannot be read. ``reads`` records each
    seed read (regular files only, of at most MAX_SEED_BYTES) and the digest of its bytes."""
    seeds: dict[str, Seed] = {}
    for index, source in enumerate(_list(data, "sources")):
        sid, file = _get(source, "id"), _get(source, "file")
        if not isinstance(sid, str) or not isinstance(file, str) or not _SEED_FILE.match(file) or sid in seeds:
            continue  # the model reports it
        path = seeds_dir / file
        if not path.exists():
            problem(("sources", index, "file"), f"seed document {file!r} not found in {seeds_dir}")
            continue
        try:
            text = reads.text(path, display_path(path), MAX_SEED_BYTES, "seed document")
        except BriefError as error:
            problem(("sources", index, "file"), f"seed document {error}")
            continue
        seeds[sid] = _seed(sid, text, _year(_get(source, "date")))
    return seeds


def _year(date: Any) -> int | None:
    if isinstance(date, dt.date):
        return date.year
    if isinstance(date, str):
        try:
            return dt.date.fromisoformat(date).year
        except ValueError:
            return None
    return None


# --- tiles ---------------------------------------------------------------------------------------------------

def _written_qualifier(figure: Figure) -> str | None:
    """The qualifier as the source writes it (余, 超过…), for a message telling what to set."""
    if figure.qualifier is None:
        return None
    for word in sorted(QUALIFIERS, key=len, reverse=True):
        if word in figure.text and QUALIFIERS[word] == figure.qualifier:
            return word
    return figure.qualifier


_MAGNITUDE_WORDS = {factor: word for word, factor in MAGNITUDES.items()}


def _written_unit(figure: Figure) -> str:
    """The unit as the source writes it, with its magnitude: 万吨, 亿元, 人次, %."""
    return _MAGNITUDE_WORDS.get(figure.magnitude, "") + figure.unit


def tile_problem(value: Any, unit: Any, qualifier: Any, quote: str) -> tuple[str, str] | None:
    """Why a tile's value, unit and qualifier are not what its quote says: (field, message), or None when
    they agree."""
    tile = parse_quantity(value, unit, qualifier)
    if tile is None:
        return None  # the model reports a value, unit or qualifier it cannot take
    figures = [f for f in find_figures(quote) if f.kind in ("number", "percent")]
    if any(same_figure(tile, f) for f in figures):
        return None
    for f in figures:
        if f.value == tile.value and f.unit == tile.unit:  # only the qualifier differs
            said = _written_qualifier(f)
            if said is None:
                return "qualifier", f"the quote says {f.text} with no qualifier: remove qualifier: {qualifier}"
            return "qualifier", f"the quote says {f.text}: set qualifier: {said}"
    for f in figures:
        if (f.value == tile.value or f.number == tile.number) and f.unit != tile.unit \
                and tile.qualifier == f.qualifier:
            return "unit", f"the quote's unit is {_written_unit(f)}, not {unit}"
        if f.number == tile.number and f.magnitude != tile.magnitude and f.unit == tile.unit:
            return "unit", f"the quote's unit is {_written_unit(f)}, not {unit}"
    stated = "、".join(f.text for f in figures) or "no figure"
    shown = f"{value}{unit}" + (f" (qualifier {qualifier})" if qualifier else "")
    return "value", f"{shown} is not what the quote states ({stated}): {quote!r}"


# --- free text -----------------------------------------------------------------------------------------------

def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _list(data: Any, key: str) -> list:
    value = _get(data, key)
    return value if isinstance(value, list) else []


ANY = None  # a text whose figures may come from any of the brief's sources


def printed_texts(data: Any) -> Iterator[tuple[tuple, str, str | None]]:
    """(path, text, source id or ANY) for every text of a brief that is printed, on its page or in the
    combined report, and may state a figure. Names (province, regions) are not claims and are not here; a
    tile's quote is found verbatim in its source, and its value and unit agree with the quote. A source's
    title, publisher and date, as its entry in the sources list prints them, are proved against that source."""
    for key in ("title", "period", "lead"):
        yield (key,), _get(data, key), ANY
    for i, metric in enumerate(_list(data, "metrics")):
        yield ("metrics", i, "label"), _get(metric, "label"), _get(metric, "source")
        yield ("metrics", i, "scope"), _get(metric, "scope"), _get(metric, "source")  # the combined report's
        yield ("metrics", i, "as_of"), _get(metric, "as_of"), ANY
    for i, section in enumerate(_list(data, "sections")):
        yield ("sections", i, "heading"), _get(section, "heading"), ANY
        yield ("sections", i, "period"), _get(section, "period"), ANY
        for j, point in enumerate(_list(section, "points")):
            yield ("sections", i, "points", j, "text"), _get(point, "text"), _get(point, "source")
    yield ("photo", "caption"), _get(_get(data, "photo"), "caption"), ANY
    for i, source in enumerate(_list(data, "sources")):
        for key in ("title", "publisher"):
            yield ("sources", i, key), _get(source, key), _get(source, "id")
        yield ("sources", i, "date"), _printed_date(_get(source, "date")), _get(source, "id")


def _printed_date(value: Any) -> str | None:
    """A source's date as its entry in the sources list prints it (2019年9月7日); None if it is not a date."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None  # the model reports it
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, dt.date) else None


def _position(doc: YamlDoc, path: tuple, text: str, figure: Figure) -> tuple[int | None, int | None]:
    """Where ``figure`` (found in ``text``, the value at ``path``) is in the YAML file, else the field."""
    span = doc.spans.get(path)
    if span:
        occurrence = text.count(figure.text, 0, figure.start)
        at = span[0] - 1
        for _ in range(occurrence + 1):
            at = doc.source.find(figure.text, at + 1, span[1])
            if at < 0:
                break
        if at >= 0:
            line_start = doc.source.rfind("\n", 0, at) + 1
            return doc.source.count("\n", 0, at) + 1, at - line_start + 1
    return doc.position(path)


def _unproved(figure: Figure, seeds: list[Seed]) -> str:
    """``6080万元 is not in source 001 (it has 6090万元)``: the nearest figure of its kind and unit."""
    one = len(seeds) == 1
    where = f"source {seeds[0].id}" if one else "any of the sources " + ", ".join(s.id for s in seeds)
    candidates = [(seed, f) for seed in seeds for f in seed.figures]
    near = nearest(figure, [f for _, f in candidates])
    hint = ""
    if near is not None:
        owner = next(seed for seed, f in candidates if f is near)
        said = near.text if near.kind not in ("year", "date") or near.text.startswith(near.describe()) \
            else f"{near.text}, read as {near.describe()}"
        hint = f" (it has {said})" if one else f" (source {owner.id} has {said})"
    return f"{squeeze(figure.text)} is not in {where}{hint}"


# --- the proof -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proof:
    """What proving a brief found: its problems, and the figures of its page that were proved (a tile's
    figure as the tile prints it)."""

    problems: list[Problem]
    proved: list[Figure]

    @property
    def figures(self) -> int:
        return len(self.proved)


def prove(doc: YamlDoc, seeds_dir: Path, reads: Reads | None = None) -> Proof:
    """Prove every figure of the brief in ``doc`` (as parsed; invalid fields are skipped) against its seeds;
    ``reads`` records the seeds read."""
    data = doc.data
    problems: list[Problem] = []

    def problem(path: tuple, message: str, position: tuple[int | None, int | None] | None = None) -> None:
        line, column = position or doc.position(path)
        problems.append(Problem(doc.file, line, column, field_name(path), message))

    seeds = read_seeds(data, doc, seeds_dir, problem, Reads() if reads is None else reads)
    proved: list[Figure] = []
    for index, metric in enumerate(_list(data, "metrics")):
        seed = seeds.get(_get(metric, "source"))
        quote = _get(metric, "quote")
        if seed is None or not isinstance(quote, str):
            continue
        if not seed.has_quote(quote):
            passage, differences = seed.closest(quote)
            closest = f"; the closest passage is {passage!r} ({differences})" if passage and differences else ""
            problem(("metrics", index, "quote"), f"this phrase is not in source {seed.id!r}{closest}; copy it "
                    f"verbatim from the seed ({QUOTE_FORMS})")
            continue
        value, unit, qualifier = _get(metric, "value"), _get(metric, "unit"), _get(metric, "qualifier")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not isinstance(unit, str) \
                or not (qualifier is None or isinstance(qualifier, str)):
            continue
        found = tile_problem(value, unit, qualifier, quote)
        if found:
            field, message = found
            problem(("metrics", index, field), message)
        else:
            proved += find_figures("".join(printed_parts_of(value, unit, qualifier, quote)))[:1]
    for path, text, source in printed_texts(data):
        if not isinstance(text, str):
            continue
        figures = find_figures(text)
        if not figures:
            continue
        if source is ANY:
            cited = list(seeds.values())
        elif source in seeds:
            cited = [seeds[source]]
        else:
            continue  # an unknown or unreadable source is reported already
        if not cited:
            continue
        for figure in figures:
            if any(same_figure(figure, f) for seed in cited for f in seed.figures):
                proved.append(figure)
            else:
                problem(path, _unproved(figure, cited), _position(doc, path, text, figure))
    return Proof(problems, proved)


def check(loaded: LoadedBrief, seeds_dir: Path) -> list[Problem]:
    """Problems with the sources of a brief; an empty list when every figure is proved."""
    return prove(loaded.doc, seeds_dir).problems

