"""Glyph coverage: every character that will be set exists in the face that sets it."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..errors import Problem
from ..page import fonts
from ..source.model import Brief, ReportSettings
from ..source.yamldoc import YamlDoc, field_name


def _texts(brief: Brief) -> Iterator[tuple[tuple, str, str]]:
    """(path, text, face) for every string of a brief that is printed."""
    yield ("province",), brief.province, fonts.KAI  # the subtitle
    for i, region in enumerate(brief.regions):
        yield ("regions", i), region, fonts.KAI
    yield ("period",), brief.period, fonts.KAI
    yield ("title",), brief.title, fonts.SERIF_BOLD
    yield ("lead",), brief.lead, fonts.KAI
    for i, metric in enumerate(brief.metrics):
        yield ("metrics", i, "unit"), metric.unit, fonts.SANS_BOLD
        for key in ("label", "as_of"):
            yield ("metrics", i, key), getattr(metric, key), fonts.FANGSONG
        for key in ("scope", "quote"):  # printed in the combined report
            if getattr(metric, key):
                yield ("metrics", i, key), getattr(metric, key), fonts.SERIF
    for i, section in enumerate(brief.sections):
        yield ("sections", i, "heading"), section.heading, fonts.SANS_BOLD
        if section.period:
            yield ("sections", i, "period"), section.period, fonts.SANS_BOLD
        for j, point in enumerate(section.points):
            yield ("sections", i, "points", j, "text"), point.text, fonts.FANGSONG
    if brief.photo:
        yield ("photo", "caption"), brief.photo.caption, fonts.FANGSONG
    for i, source in enumerate(brief.sources):
        yield ("sources", i, "title"), source.title, fonts.FANGSONG
        if source.publisher:
            yield ("sources", i, "publisher"), source.publisher, fonts.FANGSONG


def missing_glyphs(brief: Brief, doc: Callable[[], YamlDoc]) -> list[Problem]:
    """One problem per character a face cannot draw (ReportLab would silently draw nothing); ``doc``
    gives the brief's YAML, for their positions, and is called only when there are some."""
    return _problems(_texts(brief), doc)


def missing_in_settings(settings: ReportSettings, doc: Callable[[], YamlDoc]) -> list[Problem]:
    faces = (("name", fonts.SERIF_BOLD), ("title", fonts.SERIF_BOLD), ("unit", fonts.FANGSONG))
    texts = [((key,), getattr(settings, key), face) for key, face in faces]
    lines = settings.distribution
    for key, value in (("报", lines and lines.report_to), ("送", lines and lines.send_to), ("发", lines and lines.issue_to)):
        if value:  # the 版记's distribution lines (colophon.py)
            texts.append((("distribution", key), value, fonts.FANGSONG))
    return _problems(texts, doc)


def _problems(texts: Iterable[tuple[tuple, str, str]], doc: Callable[[], YamlDoc]) -> list[Problem]:
    faces = fonts.register()
    missing = [(path, ch, face) for path, text, face in texts for ch in faces.missing(face, text)]
    if not missing:
        return []
    found = doc()
    problems = []
    for path, ch, face in missing:
        line, column = found.char_position(path, ch)
        problems.append(Problem(
            found.file, line, column, field_name(path),
            f"character {ch!r} (U+{ord(ch):04X}) is not in the font {fonts.FACE_DESCRIPTIONS[face]}"
            + (" nor its fallbacks" if face in fonts.FALLBACK else "") + "; "
            "replace it (the fonts cover GB 2312 and 通用规范汉字表)"))
    return problems


MAX_WATERMARK = 20


def watermark_problems(text: str) -> list[Problem]:
    """A watermark that cannot be drawn whole is refused before anything is built."""
    if len(text) > MAX_WATERMARK:
        return [Problem("--watermark", None, None, "", f"is {len(text)} characters; at most {MAX_WATERMARK} fit "
                        "across the page")]
    faces = fonts.register()
    return [Problem("--watermark", None, None, "", f"character {ch!r} (U+{ord(ch):04X}) is not in the font "
                    f"{fonts.FACE_DESCRIPTIONS[fonts.SERIF_BOLD]}") for ch in faces.missing(fonts.SERIF_BOLD, text)]
