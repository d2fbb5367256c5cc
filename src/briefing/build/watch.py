"""``briefing watch``: build, then build again whenever a brief, seed, photo, report.yaml or font changes."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .briefs import SETTINGS_FILE, discover
from .plan import BuildResult, build
from .processes import BuildInterrupted
from .workers import PARALLEL_FROM
from ..errors import BriefError, Problem
from ..files import display_path, os_error_message

BRIEF_SUFFIXES = {".yaml", ".yml"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}
POLL_SECONDS = 0.2  # the polling fallback's interval
WAKE_MS = 100  # the inotify watcher hands back control this often, also when nothing changed


@dataclass(frozen=True)
class Project:
    """What a watch builds, and the folders whose changes start a new build."""

    briefs_dir: Path
    seeds_dir: Path
    out_dir: Path
    fonts_dir: Path
    named: tuple[Path, ...] = ()  # built instead of every brief of ``briefs_dir`` when given

    @property
    def settings_path(self) -> Path:
        return self.briefs_dir / SETTINGS_FILE

    def folders(self) -> list[Path]:
        """The existing folders to watch, none inside another."""
        folders = {self.briefs_dir, self.seeds_dir, self.fonts_dir, *(path.parent for path in self.named)}
        found = sorted({folder.resolve() for folder in folders if folder.is_dir()})
        return [folder for folder in found if not any(other in folder.parents for other in found)]

    def is_input(self, path: Path) -> bool:
        """Whether a change to ``path`` can change a PDF: a brief, report.yaml, a photo, a seed or a font."""
        path = path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve()
        if _ignored_name(path.name) or _inside(path, self.out_dir):
            return False
        if _inside(path, self.seeds_dir) or _inside(path, self.fonts_dir):
            return True
        return path.suffix.lower() in BRIEF_SUFFIXES | PHOTO_SUFFIXES


def _inside(path: Path, folder: Path) -> bool:
    folder = folder.resolve()
    return path == folder or folder in path.parents


def _ignored_name(name: str) -> bool:
    """Hidden files, editors' swap and backup files, and our own temporary files."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))


@dataclass
class Round:
    """One build of a watch: what set it off (nothing for the first), what it wrote and what is wrong."""

    changed: list[Path]
    result: BuildResult = field(default_factory=BuildResult)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def build_round(project: Project, changed: list[Path], first: list[Path] | None = None, **options: object) -> Round:
    """Build what changed (the build itself decides: it skips every brief whose inputs did not change),
    keeping the last good PDFs of the briefs that fail. ``first``: briefs built (and their PDFs written)
    before the rest and the combined report, which with many briefs takes a second more. Never raises for
    bad input."""
    started = time.perf_counter()
    done = Round(changed)
    briefs = [path for path in project.named if path.is_file()] if project.named else discover(project.briefs_dir)
    done.problems = [Problem(display_path(path), None, None, "", "not found; it was moved or deleted")
                     for path in project.named if not path.is_file()]
    if not briefs and not project.named:
        done.problems.append(Problem(display_path(project.briefs_dir), None, None, "",
                                     "no briefs found (expected *.yaml files)"))
    every = discover(project.briefs_dir) if project.named else None  # combined.pdf is made of these
    wanted = {path.resolve() for path in first or []}
    first = [path for path in briefs if path.resolve() in wanted]
    if first and not _built(done, project, first, every or briefs, combined=False, **options):
        pass  # failed: its problems are the round's; the others are unchanged, combined.pdf is kept
    elif briefs:
        _built(done, project, briefs, every, **options)
    done.result.unchanged = [path for path in done.result.unchanged if path not in done.result.written]
    done.seconds = time.perf_counter() - started
    return done


def _built(done: Round, project: Project, briefs: list[Path], every: list[Path] | None, **options: object) -> bool:
    """One build, its PDFs and problems added to the round's; whether it went without a problem."""
    try:
        result = build(briefs, project.out_dir, project.settings_path, project.seeds_dir, every=every, **options)
    except BriefError as error:
        done.problems += error.problems
    except BuildInterrupted as error:
        done.problems.append(Problem(display_path(project.out_dir), None, None, "", str(error)))
    except OSError as error:  # a full disk, a read-only out/: path, what happened, what to do
        where = Path(os.fsdecode(error.filename)) if error.filename is not None else project.out_dir
        done.problems.append(Problem(display_path(where), None, None, "", os_error_message(error, "write")))
    else:
        done.result.written += result.written
        done.result.unchanged = result.unchanged
        done.result.errors += result.errors
        done.problems += [problem for error in result.errors for problem in error.problems]
        return not result.errors
    return False


def changes(project: Project, poll: bool = False) -> Iterator[list[Path]]:
    """The inputs that changed, a list each time some did, after a first empty list once watching has begun
    (so that a change made during the first build is seen). inotify (or the system's equivalent) through
    ``watchfiles``; polling file times when it is not installed or ``poll`` is true."""
    if not poll:
        try:
            import watchfiles
        except ImportError:
            poll = True
    if poll:
        yield from _polled(project)
        return
    first = True
    for found in watchfiles.watch(*project.folders(), rust_timeout=WAKE_MS, yield_on_timeout=True,
                                  watch_filter=None):
        paths = sorted({Path(path) for _, path in found if project.is_input(Path(path))})
        if paths or first:
            first = False
            yield paths


def _polled(project: Project) -> Iterator[list[Path]]:
    """The polling fallback: every input's size and modification time, compared every POLL_SECONDS."""
    seen = _snapshot(project)
    yield []
    while True:
        time.sleep(POLL_SECONDS)
        now = _snapshot(project)
        paths = sorted(path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path))
        seen = now
        if paths:
            yield paths


def _snapshot(project: Project) -> dict[Path, tuple[int, int, int]]:
    state = {}
    for folder in project.folders():
        for root, dirs, files in os.walk(folder):
            dirs[:] = [name for name in dirs if not _ignored_name(name)]
            for name in files:
                path = Path(root) / name
                if not project.is_input(path):
                    continue
                try:
                    stat = path.stat()
                except OSError:
                    continue
                state[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return state


def watch(project: Project, report: Callable[[Round], None], poll: bool = False, jobs: int = 1,
          **options: object) -> None:
    """Build, then build again after each change to an input, handing each round to ``report``; runs until
    interrupted (KeyboardInterrupt, which it lets through)."""
    for changed in changes(project, poll):
        edited = _edited_briefs(project, changed)
        report(build_round(project, changed, first=edited, jobs=1 if edited else jobs, **options))


def _edited_briefs(project: Project, changed: list[Path]) -> list[Path]:
    """The briefs changed, when nothing else did and they are few: built first, in this process, which has
    ReportLab, the fonts and pydantic loaded by then (a helper process would load them again: 60 ms against
    90-150 ms to rebuild one brief of three and the combined report)."""
    if not changed or len(changed) >= PARALLEL_FROM:
        return []
    settings = project.settings_path.resolve()
    if all(path.suffix.lower() in BRIEF_SUFFIXES and path.resolve() != settings
           and not _inside(path.resolve(), project.seeds_dir) for path in changed):
        return changed
    return []
