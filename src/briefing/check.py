"""Every check a brief must pass before anything is written: model, sources, glyphs, one-page fit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import glyphs, photos, provenance
from .errors import BriefError, Problem
from .files import display_path
from .layout import BriefPage, PageGeometry, lay_out, photo_width
from .model import LoadedBrief, ReportSettings, load_brief, load_settings
from .photos import PreparedPhoto


def check_settings(settings_path: Path) -> ReportSettings:
    """Load the report settings; raise ``BriefError`` when they are missing or wrong."""
    if not settings_path.is_file():
        raise BriefError.single(display_path(settings_path), "report settings not found: this file names the "
                                "briefing, its issue, compiling unit and date (see README)")
    settings, doc = load_settings(settings_path, display_path(settings_path))
    problems = glyphs.missing_in_settings(settings, doc)
    if problems:
        raise BriefError(problems)
    return settings


def load_checked(path: Path, seeds_dir: Path, geometry: PageGeometry = PageGeometry()) \
        -> tuple[LoadedBrief, PreparedPhoto | None]:
    """Load and prove one brief and prepare its photo; raise ``BriefError`` with every problem found."""
    loaded = load_brief(path, display_path(path))
    problems = provenance.check(loaded, seeds_dir) + glyphs.missing_glyphs(loaded)
    if problems:
        raise BriefError(problems)
    photo = None
    if loaded.brief.photo:
        photo_path = photos.resolve(path.parent, loaded.brief.photo.file, loaded.doc)
        photo = photos.prepare(photo_path, photo_width(geometry), loaded.doc, geometry.grayscale)
    return loaded, photo


def check_brief(path: Path, seeds_dir: Path, settings: ReportSettings,
                geometry: PageGeometry = PageGeometry()) -> BriefPage:
    """Load, prove and lay out one brief in memory; raise ``BriefError`` with every problem found."""
    loaded, photo = load_checked(path, seeds_dir, geometry)
    return lay_out(loaded, settings, geometry, photo)


@dataclass(frozen=True)
class CheckReport:
    """What checking one brief found: its problems, or the figures proved and the size it fits at."""

    file: str
    problems: list[Problem]
    figures_verified: int = 0
    body_size: float | None = None


def check_all(paths: list[Path], seeds_dir: Path, settings_path: Path,
              geometry: PageGeometry = PageGeometry()) -> list[CheckReport]:
    """Check every brief without writing anything; report settings problems as the first report."""
    try:
        settings = check_settings(settings_path)
    except BriefError as error:
        return [CheckReport(display_path(settings_path), error.problems)]
    reports = []
    for path in paths:
        try:
            page = check_brief(path, seeds_dir, settings, geometry)
        except BriefError as error:
            reports.append(CheckReport(display_path(path), error.problems))
        else:
            reports.append(CheckReport(display_path(path), [], len(page.brief.metrics), page.body_size))
    return reports
