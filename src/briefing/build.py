"""Build briefings: load and check every brief, lay each out, write its PDF and the combined report."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .check import check_brief, check_settings, display_path
from .errors import BriefError
from .layout import BriefPage, PageGeometry
from .model import SETTINGS_FILE
from .render import brief_pdf, remove_stale_temp_files, write_atomic
from .report import combined_pdf

COMBINED = "combined.pdf"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    errors: list[BriefError] = field(default_factory=list)
    combined_skipped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def discover(briefs_dir: Path) -> list[Path]:
    """The brief files of a folder: every ``*.yaml`` but the report settings, in name order."""
    return sorted(p for p in briefs_dir.glob("*.yaml") if p.name != SETTINGS_FILE)


def build(briefs: list[Path], out_dir: Path, settings_path: Path, seeds_dir: Path, combined: bool = True,
          geometry: PageGeometry = PageGeometry(), log: Callable[[str], None] = lambda line: None) -> BuildResult:
    """Build every brief that is good; a bad one is reported and its last good PDF left untouched.

    The combined report is written only when every brief built, so it never silently lacks a province.
    """
    result = BuildResult()
    settings = check_settings(settings_path)
    if out_dir.is_dir():
        remove_stale_temp_files(out_dir)  # left by a build killed with SIGKILL
    pages: list[BriefPage] = []
    for path in briefs:
        try:
            page = check_brief(path, seeds_dir, settings, geometry)
        except BriefError as error:
            result.errors.append(error)
            continue
        target = out_dir / f"{path.stem}.pdf"
        write_atomic(target, brief_pdf(page, settings, geometry))
        result.written.append(target)
        log(f"wrote {display_path(target)} (body {page.body_size:g} pt)")
        pages.append(page)
    if combined:
        if result.errors:
            result.combined_skipped = (f"{COMBINED} not rewritten: {len(result.errors)} brief(s) failed, and a "
                                       "combined report must not silently lack a province")
        elif pages:
            target = out_dir / COMBINED
            write_atomic(target, combined_pdf(pages, settings, geometry))
            result.written.append(target)
            log(f"wrote {display_path(target)} ({len(pages)} briefings)")
    return result
