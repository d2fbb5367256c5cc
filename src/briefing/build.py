"""Build briefings: load and check every brief, lay each out, write its PDF and the combined report."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import glyphs, provenance
from .errors import BriefError
from .layout import BriefPage, PageGeometry, lay_out
from .model import SETTINGS_FILE, LoadedBrief, ReportSettings, load_brief, load_settings
from .render import brief_pdf, combined_pdf, write_atomic

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


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def prepare(path: Path, seeds_dir: Path, settings: ReportSettings, geometry: PageGeometry) -> BriefPage:
    """Load, check and lay out one brief; raise ``BriefError`` with every problem found."""
    loaded: LoadedBrief = load_brief(path, display_path(path))
    problems = provenance.check(loaded, seeds_dir) + glyphs.missing_glyphs(loaded)
    if problems:
        raise BriefError(problems)
    return lay_out(loaded, settings, geometry)


def read_settings(settings_path: Path) -> ReportSettings:
    if not settings_path.is_file():
        raise BriefError.single(display_path(settings_path), "report settings not found: this file names the "
                                "briefing, its issue, compiling unit and date (see README)")
    settings = load_settings(settings_path, display_path(settings_path))
    problems = glyphs.missing_in_settings(settings, display_path(settings_path))
    if problems:
        raise BriefError(problems)
    return settings


def build(briefs: list[Path], out_dir: Path, settings_path: Path, seeds_dir: Path, combined: bool = True,
          geometry: PageGeometry = PageGeometry(), log: Callable[[str], None] = lambda line: None) -> BuildResult:
    """Build every brief that is good; a bad one is reported and its last good PDF left untouched.

    The combined report is written only when every brief built, so it never silently lacks a province.
    """
    result = BuildResult()
    settings = read_settings(settings_path)
    pages: list[BriefPage] = []
    for path in briefs:
        try:
            page = prepare(path, seeds_dir, settings, geometry)
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
