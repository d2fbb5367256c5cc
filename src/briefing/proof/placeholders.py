"""The skeleton's placeholders (某某, 20XX, 《文章标题》, the example seed…) refused until they are filled in."""
from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from ..source.yamldoc import YamlDoc, field_name

# what ``briefing new`` writes for a person to replace: pattern -> what to write instead
PLACEHOLDERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("某某"), "the real name"),
    (re.compile(r"(?:19|20)[Xx]{2}|[Xx]{2}(?=[年月日])"), "the real year"),
    (re.compile("文章标题"), "the article's headline"),
    (re.compile(r"^000_example\.txt$"), "the file name of the article in seeds/"),
    (re.compile("一句话概括主要成效|用两三句话概括|从来源原文逐字复制|一句话要点"), "your own text"),
)


def _scalars(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    if isinstance(data, dict):
        return [item for key, value in data.items() for item in _scalars(value, path + (key,))]
    if isinstance(data, list):
        return [item for index, value in enumerate(data) for item in _scalars(value, path + (index,))]
    return [(path, data)] if isinstance(data, str) else []


def placeholder_problems(doc: YamlDoc) -> list[Problem]:
    """A "fill in" problem for each placeholder of the skeleton still in the brief, at its line."""
    problems = []
    for path, text in _scalars(doc.data):
        for pattern, instead in PLACEHOLDERS:
            match = pattern.search(text)
            if match:
                line, column = doc.char_position(path, match.group()[0])
                problems.append(Problem(doc.file, line, column, field_name(path),
                                        f"fill in: {match.group()!r} is a placeholder of the skeleton; write "
                                        f"{instead}"))
                break
    return problems
