"""One brief's work in whichever process does it, and the messages that carry its results back.

Prove a brief, finish its check, fit, draw and write its PDF; ``Checked``, ``Written`` and ``Drawn`` carry
the results back to the build."""
from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BriefError, Problem
from ..files import display_path, os_error_message, write_atomic
from .manifest import pdf_stamp
from .processes import signals_end_at_once

if TYPE_CHECKING:
    from ..page.geometry import PageGeometry
    from ..page.layout import BriefPage
    from ..page.render import Body
    from ..source.model import LoadedBrief, ReportSettings


@dataclass(frozen=True)
class Task:
    """A brief to build: written (its PDF), or only drawn again for a combined report made anew."""

    index: int  # in the build's list of briefs: the combined report's briefs first
    path: Path
    write: bool  # False: unchanged, loaded again only because the combined report is rebuilt
    body_size: float = 0.0  # the size its last build chose, when it is not written


@dataclass(frozen=True)
class Job:
    """What every brief of one build shares."""

    out_dir: Path
    seeds_dir: Path
    settings: "ReportSettings"
    geometry: "PageGeometry"


@dataclass(frozen=True)
class Checked:
    """One brief loaded and proven: all the combined report needs of it (picklable, so worker processes
    can send it back). ``problems`` instead of the rest when the brief is bad; a brief found not to fit
    its page when written comes back a second time, with that problem. ``body_size`` is known only for
    a brief not written again (from the manifest)."""

    index: int
    stem: str
    problems: list[Problem]
    deps: tuple[tuple[str, str], ...] = ()  # every input read besides the brief (seeds, photo): (path, sha256)
    body_size: float = 0.0
    brief_pickle: bytes = b""  # the model.Brief, pickled: a fifth of the object's memory
    photo: Any = None  # photos.PreparedPhoto
    brief_json: bytes = b""  # for the page cache: made where the brief is validated (pydantic is there)
    photo_to_prepare: str = ""  # its photo's checked path, when the prover left the photo to the drawing process
    brief_digest: str = ""  # sha256 of the brief's bytes as read


@dataclass(frozen=True)
class Written:
    """A brief's PDF was written (``pdf`` is its pdf_stamp) at ``body_size``; ``body`` is its drawn page
    as the combined report reprints it."""

    index: int
    pdf: tuple[int, ...]
    body_size: float
    body: "Body"


@dataclass(frozen=True)
class Drawn:
    """An unchanged brief's page drawn again (at its known body size) for a combined report made anew
    (as it reprints it)."""

    index: int
    body: "Body"


def prove_one(seeds_dir: Path, geometry: "PageGeometry", task: Task, with_photo: bool = True) -> Checked:
    """Load and prove one brief and prepare its photo (or only check its path: ``with_photo`` false):
    every check but the glyphs' (``finish_check``). A brief that loads comes back with its model even
    when it has problems, so its glyphs are checked too and every problem is reported at once."""
    from ..proof.check import load_proved
    from ..source.model import brief_json

    try:
        with signals_end_at_once():
            proved = load_proved(task.path, seeds_dir, geometry, with_photo)
        brief = proved.loaded.brief
        deps = list(proved.seeds.items())
        if proved.photo_path and brief.photo:  # keyed as written (through any link): a link changed is a change
            deps.append((os.fspath(task.path.parent / brief.photo.file), proved.photo.digest if proved.photo else ""))
        brief_pickle = pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL)
        left = os.fspath(proved.photo_path) if proved.photo_path and not proved.photo else ""
        return Checked(task.index, task.path.stem, proved.problems, tuple(deps), task.body_size, brief_pickle,
                       proved.photo, brief_json(brief), left, proved.loaded.doc.digest)
    except BriefError as error:
        return Checked(task.index, task.path.stem, error.problems)
    except Exception as error:  # noqa: BLE001 - a bug met by one brief fails that brief, not the build
        return Checked(task.index, task.path.stem, _internal_error(task.path, "checking", error))


def _internal_error(path: Path, doing: str, error: Exception) -> list[Problem]:
    """A brief that met a bug of this program: named, and its other briefs still built."""
    what = " ".join(f"{type(error).__name__}: {error}".split())[:200]
    return [Problem(display_path(path), None, None, "", f"internal error while {doing} this brief ({what}); "
                    "the other briefs are not affected: please report this, with the brief")]


def finish_check(task: Task, proved: Checked, geometry: "PageGeometry") -> Checked:
    """A proved brief checked to the end in this process, where the fonts are loaded: its photo prepared
    if the prover left it, and a problem for every character its fonts cannot draw."""
    from ..proof.check import glyph_problems, prepared_photo

    if not proved.brief_pickle:
        return proved
    problems, photo, deps = list(proved.problems), proved.photo, proved.deps
    try:
        if proved.photo_to_prepare and not problems:
            try:
                with signals_end_at_once():
                    photo = prepared_photo(task.path, Path(proved.photo_to_prepare), geometry)
                deps = deps[:-1] + ((deps[-1][0], photo.digest),)  # the photo is the last input
            except BriefError as error:
                problems = error.problems
        problems += glyph_problems(task.path, pickle.loads(proved.brief_pickle))
    except Exception as error:  # noqa: BLE001 - a bug met by one brief fails that brief, not the build
        problems = _internal_error(task.path, "checking", error)
    return replace(proved, problems=problems, photo=photo, photo_to_prepare="", deps=deps)


def check_one(job: Job, task: Task) -> Checked:
    """Every check of one brief (and its photo prepared)."""
    return finish_check(task, prove_one(job.seeds_dir, job.geometry, task), job.geometry)


def _loaded(path: Path, checked: Checked) -> "LoadedBrief":
    """A checked brief, as layout takes it (from its pickle: the YAML is not read again)."""
    from ..source.model import LoadedBrief
    from ..source.yamldoc import YamlDoc

    return LoadedBrief(path.stem, path, YamlDoc(display_path(path), None, {}), pickle.loads(checked.brief_pickle))


def page_at_size(path: Path, checked: Checked, settings: "ReportSettings", geometry: "PageGeometry") -> "BriefPage":
    """A checked brief's page at the body size already chosen for it (one layout, no search)."""
    from ..page.layout import lay_out

    return lay_out(_loaded(path, checked), settings, geometry, checked.photo, sizes=(checked.body_size,))


def write_one(job: Job, task: Task, checked: Checked) -> "Written | Drawn | Checked":
    """Fit a checked brief to its page, draw it and write its PDF; a brief that does not fit comes back
    as a Checked with the problem. An unchanged brief (``task.write`` false) is only drawn again."""
    from ..page.layout import lay_out
    from ..page.render import brief_bodies, brief_pdf_of_body

    try:
        with signals_end_at_once():
            if not task.write:
                page = page_at_size(task.path, checked, job.settings, job.geometry)
                return Drawn(task.index, brief_bodies(page, job.settings, job.geometry)[1])
            page = lay_out(_loaded(task.path, checked), job.settings, job.geometry, checked.photo)
            own, body = brief_bodies(page, job.settings, job.geometry)
            pdf = brief_pdf_of_body(task.path.stem, page.brief, own, job.settings, job.geometry)
    except BriefError as error:
        return Checked(task.index, task.path.stem, error.problems)
    except Exception as error:  # noqa: BLE001 - a bug met by one brief fails that brief, not the build
        return Checked(task.index, task.path.stem, _internal_error(task.path, "drawing", error))
    target = job.out_dir / f"{task.path.stem}.pdf"
    try:
        write_atomic(target, pdf)
        return Written(task.index, tuple(pdf_stamp(target)), page.body_size, body)
    except OSError as error:
        return Checked(task.index, task.path.stem, [Problem(display_path(target), None, None, "",
                                                            os_error_message(error, "write"))])


def settings_of(data: bytes, settings_path: Path) -> "ReportSettings":
    """The report settings from the bytes of their file (read once, for the manifest's digest too)."""
    from ..source.inputs import decode
    from ..source.model import ReportSettings, validate
    from ..source.yamldoc import parse

    display = display_path(settings_path)
    return validate(parse(decode(data, display), display), ReportSettings)

