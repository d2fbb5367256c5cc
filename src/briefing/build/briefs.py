"""Which files of a folder are briefs, and the names a brief cannot be built under."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem
from ..files import display_path

COMBINED = "combined.pdf"
SETTINGS_FILE = "report.yaml"
BRIEF_SUFFIXES = (".yaml", ".yml")
OUTPUT_STEMS = ("combined",)  # a brief of this name would write over what the build writes


def _is_brief_name(name: str) -> bool:
    return name.endswith(BRIEF_SUFFIXES) and not name.startswith((".", "#", "~")) \
        and name.rsplit(".", 1)[0] != SETTINGS_FILE.rsplit(".", 1)[0]


def _names(briefs_dir: Path) -> list[str]:
    try:
        return sorted(os.listdir(briefs_dir))
    except OSError:
        return []


def discover(briefs_dir: Path) -> list[Path]:
    """The brief files of a folder: every ``*.yaml`` and ``*.yml`` but the report settings and hidden or
    editor files (``skipped``), in name order."""
    return [briefs_dir / name for name in _names(briefs_dir) if _is_brief_name(name)]


def skipped(briefs_dir: Path) -> list[Path]:
    """Files of a folder that look like briefs but are not built: hidden and editor files (``.x.yaml``,
    ``.#x.yaml``, ``._x.yaml``, ``x.yaml~``, ``#x.yaml#``) and a ``report.yml`` (settings are read from
    report.yaml only)."""
    return [briefs_dir / name for name in _names(briefs_dir) if not _is_brief_name(name) and name != SETTINGS_FILE
            and any(suffix in name for suffix in BRIEF_SUFFIXES)]


def name_problems(paths: list[Path]) -> dict[int, Problem]:
    """Briefs that cannot be built under their name: one named like an output (combined.yaml), two
    with one name (a/x.yaml and b/x.yaml, x.yaml and x.yml; letter case aside, as a Mac or Windows
    disk sees it)."""
    problems: dict[int, Problem] = {}
    first: dict[str, int] = {}
    for index, path in enumerate(paths):
        stem = path.stem.casefold()
        if stem in OUTPUT_STEMS:
            problems[index] = Problem(display_path(path), None, None, "", f"a brief cannot be named {path.stem!r}: "
                                      f"the build writes {stem}.pdf itself; rename the file")
        elif stem in first:
            other = paths[first[stem]]
            for number, at in ((index, other), (first[stem], path)):
                problems[number] = Problem(display_path(paths[number]), None, None, "",
                                           f"another brief, {display_path(at)}, has the same name; both would "
                                           f"write {path.stem}.pdf: rename one")
        else:
            first[stem] = index
    return problems

