"""Every check a brief must pass before anything is written: model, sources, glyphs, one-page fit.

Loading and proving a brief (``load_proved``, ``load_report_settings``) needs neither ReportLab nor the
fonts; the glyph checks need the fonts; fitting needs ReportLab. So a build can prove its briefs in one
process while another imports ReportLab and loads the fonts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefError, Problem
from ..files import display_path
from ..page.geometry import PageGeometry
from ..source import photos, yamldoc
from ..source.inputs import Reads
from ..source.model import Brief, LoadedBrief, ReportSettings, load_brief, load_settings
from ..source.photos import PreparedPhoto
from . import glyphs, provenance
from .placeholders import placeholder_problems

if TYPE_CHECKING:
    from ..page.layout import BriefPage


def load_report_settings(settings_path: Path) -> ReportSettings:
    """The report settings as the model reads them; raise ``BriefError`` when they are missing or wrong."""
    if not settings_path.exists():  # a FIFO or folder: refused by the reader, never waited on
        raise BriefError.single(display_path(settings_path), "report settings not found: this file names the "
                                "briefing, its issue, compiling unit and date (see README)")
    return load_settings(settings_path, display_path(settings_path))[0]


def _reread(path: Path) -> Callable[[], yamldoc.YamlDoc]:
    """A file's YAML read again, for the position of a problem found after it was loaded."""
    return lambda: yamldoc.load(path, display_path(path))


def glyphs_checked(settings: ReportSettings, settings_path: Path) -> ReportSettings:
    """Loaded report settings whose every character the fonts can draw; ``BriefError`` otherwise."""
    problems = glyphs.missing_in_settings(settings, _reread(settings_path))
    if problems:
        raise BriefError(problems)
    return settings


def check_settings(settings_path: Path) -> ReportSettings:
    """Load the report settings; raise ``BriefError`` when they are missing or wrong."""
    return glyphs_checked(load_report_settings(settings_path), settings_path)


@dataclass(frozen=True)
class Proved:
    """A brief loaded and proved against its sources, with its photo's path checked; the photo prepared
    unless that was left to the process that draws (``prepared_photo``). ``figures``: how many figures of
    its page were proved against their sources."""

    loaded: LoadedBrief
    problems: list[Problem]
    photo_path: Path | None = None
    photo: PreparedPhoto | None = None
    figures: int = 0
    seeds: dict[str, str] = field(default_factory=dict)  # each seed read: its path -> sha256 of the bytes read


def proof(doc: yamldoc.YamlDoc, seeds_dir: Path, reads: Reads | None = None) -> provenance.Proof:
    """The figures of a brief (as parsed, valid or not) proved against its seeds (each recorded in
    ``reads``), and the skeleton's placeholders it still has."""
    proved = provenance.prove(doc, seeds_dir, reads)
    return provenance.Proof(placeholder_problems(doc) + proved.problems, proved.proved)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def load_proved(path: Path, seeds_dir: Path, geometry: PageGeometry = PageGeometry(), with_photo: bool = True) \
        -> Proved:
    """Load one brief, prove its figures against its sources and (when they are proved) check its photo's
    path and prepare the photo: every check but the glyphs'. Raise ``BriefError`` when the brief does not
    load as the model, with the problems of its figures and placeholders as well (those of the fields
    that are valid)."""
    try:
        loaded = load_brief(path, display_path(path))
    except BriefError as error:
        try:
            doc = yamldoc.load(path, display_path(path))
        except BriefError:
            raise error from None
        raise BriefError(_unique(error.problems + proof(doc, seeds_dir).problems)) from None
    seeds = Reads()
    proved = proof(loaded.doc, seeds_dir, seeds)
    if proved.problems or not loaded.brief.photo:
        return Proved(loaded, proved.problems, figures=proved.figures, seeds=seeds.digests)
    try:
        photo_path = photos.resolve(path.parent, loaded.brief.photo.file, lambda: loaded.doc)
        photo = photos.prepare(photo_path, geometry.photo_width, lambda: loaded.doc, geometry.grayscale) \
            if with_photo else None
    except BriefError as error:
        return Proved(loaded, error.problems, figures=proved.figures, seeds=seeds.digests)
    return Proved(loaded, [], photo_path, photo, proved.figures, seeds.digests)


def prepared_photo(path: Path, photo_path: Path, geometry: PageGeometry) -> PreparedPhoto:
    """The photo of a proved brief (``path``), at ``photo_path``; ``BriefError`` when it is no good."""
    return photos.prepare(photo_path, geometry.photo_width, _reread(path), geometry.grayscale)


def glyph_problems(path: Path, brief: Brief, doc: yamldoc.YamlDoc | None = None) -> list[Problem]:
    """Characters of a proved brief that its faces cannot draw. Their positions come from ``doc``, or from
    the file read again when there is no ``doc`` (only when some character is missing)."""
    return glyphs.missing_glyphs(brief, (lambda: doc) if doc else _reread(path))


def _checked(path: Path, seeds_dir: Path, geometry: PageGeometry) -> Proved:
    """A brief loaded, proved and its glyphs checked; ``BriefError`` with every problem found."""
    proved = load_proved(path, seeds_dir, geometry)
    problems = proved.problems + glyph_problems(path, proved.loaded.brief, proved.loaded.doc)
    if problems:
        raise BriefError(problems)
    return proved


def load_checked(path: Path, seeds_dir: Path, geometry: PageGeometry = PageGeometry()) \
        -> tuple[LoadedBrief, PreparedPhoto | None]:
    """Load and prove one brief and prepare its photo; raise ``BriefError`` with every problem found."""
    proved = _checked(path, seeds_dir, geometry)
    return proved.loaded, proved.photo


def check_brief(path: Path, seeds_dir: Path, settings: ReportSettings,
                geometry: PageGeometry = PageGeometry()) -> BriefPage:
    """Load, prove and lay out one brief in memory; raise ``BriefError`` with every problem found."""
    from ..page.layout import lay_out

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
    """Check every brief without writing anything; report settings problems as the first report. Every
    problem is found in one run: bad report settings leave only the one-page fit unchecked."""
    from ..page.layout import lay_out

    reports = []
    settings: ReportSettings | None = None
    try:
        settings = check_settings(settings_path)
    except BriefError as error:
        reports.append(CheckReport(display_path(settings_path), error.problems))
    for path in paths:
        try:
            proved = _checked(path, seeds_dir, geometry)
            page = lay_out(proved.loaded, settings, geometry, proved.photo) if settings else None
        except BriefError as error:
            reports.append(CheckReport(display_path(path), error.problems))
        else:
            reports.append(CheckReport(display_path(path), [], proved.figures, page.body_size if page else None))
    return reports
