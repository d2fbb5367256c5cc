"""Build briefings: check every brief, lay each out, write its PDF and the combined report.

Incremental (a brief whose inputs are unchanged since the last good build is skipped) and parallel
(``jobs`` worker processes, each loading the fonts once). Deciding that nothing changed imports
neither ReportLab nor pydantic, so a no-op build is fast.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BriefError, Problem
from .files import display_path, remove_stale_temp_files, write_atomic
from .manifest import DigestCache, Entry, Manifest, combined_digest, environment_digest, pdf_stamp

if TYPE_CHECKING:
    from .geometry import PageGeometry
    from .layout import BriefPage
    from .model import ReportSettings

COMBINED = "combined.pdf"
SETTINGS_FILE = "report.yaml"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[BriefError] = field(default_factory=list)
    combined_skipped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Built:
    """What building one brief gives back (picklable, so worker processes can return it)."""

    index: int
    stem: str
    problems: list[Problem]
    deps: tuple[str, ...] = ()  # every input besides the brief: its seeds, its photo
    body_size: float = 0.0
    pdf: tuple[int, ...] = ()  # pdf_stamp of what was written
    brief: Any = None  # model.Brief
    photo: Any = None  # photos.PreparedPhoto


def discover(briefs_dir: Path) -> list[Path]:
    """The brief files of a folder: every ``*.yaml`` but the report settings, in name order."""
    return sorted(p for p in briefs_dir.glob("*.yaml") if p.name != SETTINGS_FILE)


@dataclass(frozen=True)
class _Job:
    out_dir: Path
    seeds_dir: Path
    settings: "ReportSettings"
    geometry: "PageGeometry"


def build_one(job: _Job, index: int, path: Path) -> Built:
    """Check, lay out and write one brief; its problems instead of an exception when it fails."""
    from .check import load_checked
    from .layout import lay_out
    from .render import brief_pdf

    try:
        loaded, photo = load_checked(path, job.seeds_dir, job.geometry)
        page = lay_out(loaded, job.settings, job.geometry, photo)
    except BriefError as error:
        return Built(index, path.stem, error.problems)
    target = job.out_dir / f"{path.stem}.pdf"
    write_atomic(target, brief_pdf(page, job.settings, job.geometry))
    deps = [os.fspath((job.seeds_dir / s.file).resolve()) for s in page.brief.sources]
    if photo:
        deps.append(os.fspath(photo.source))
    return Built(index, path.stem, [], tuple(deps), page.body_size, tuple(pdf_stamp(target)), page.brief, photo)


def _loaded_doc_stub(path: Path):
    from .yamldoc import YamlDoc

    return YamlDoc(display_path(path), None, {})


PARALLEL_FROM = 8  # briefs; below this, starting workers costs more than it saves


def _build_many(job: _Job, todo: list[tuple[int, Path]], jobs: int) -> Iterable[Built]:
    if jobs <= 1 or len(todo) < PARALLEL_FROM:
        for index, path in todo:
            yield build_one(job, index, path)
        return
    import multiprocessing
    from multiprocessing.connection import wait

    from . import fonts
    from .check import load_checked  # noqa: F401 - imported before forking, so workers inherit it
    from .render import brief_pdf  # noqa: F401

    fonts.register()  # loaded once here; forked workers share it
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # each worker takes every jobs-th brief and sends back one result per brief through its own pipe;
    # no shared queue, so a worker killed mid-write can never leave a lock held (multiprocessing.Pool's
    # terminate() deadlocks then)
    workers = []
    for share in (todo[start::jobs] for start in range(jobs)):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(job, share, send), daemon=True)
        process.start()
        send.close()
        workers.append((process, receive))
    running = {receive: process for process, receive in workers}
    try:
        while running:
            for ready in wait(list(running)):
                try:
                    yield ready.recv()
                except EOFError:  # this worker is done (or died)
                    process = running.pop(ready)
                    process.join()
                    if process.exitcode != 0:
                        raise RuntimeError(f"a build worker ended with exit status {process.exitcode}") from None
    finally:
        for process, _ in workers:  # on an error or a signal: stop the others; each removes its temp file
            if process.is_alive():
                process.terminate()
        for process, _ in workers:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()


def _work(job: _Job, share: list[tuple[int, Path]], send) -> None:
    """A worker process: build its share of the briefs, sending each result as it is made."""
    _worker_started()
    try:
        for index, path in share:
            send.send(build_one(job, index, path))
    finally:
        send.close()


def _worker_started() -> None:
    """In a worker: end with the parent, and unwind (removing a half-written temp file) on SIGTERM."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: a parent killed by SIGKILL ends us


def build(briefs: list[Path], out_dir: Path, settings_path: Path, seeds_dir: Path, combined: bool = True,
          geometry: "PageGeometry | None" = None, jobs: int = 1, force: bool = False,
          log: Callable[[str], None] = lambda line: None,
          progress: Callable[[int], None] = lambda done: None) -> BuildResult:
    """Build every brief that is good; a bad one is reported and its last good PDF left untouched.

    The combined report is written only when every brief built, so it never silently lacks a province.
    """
    if geometry is None:
        from .geometry import PageGeometry

        geometry = PageGeometry()
    result = BuildResult()
    if not settings_path.is_file():
        from .check import check_settings

        check_settings(settings_path)  # raises the clear error
    digests = DigestCache()
    settings_digest = digests.of(settings_path) or ""
    environment = environment_digest({"geometry": repr(geometry)})
    old = Manifest() if force else Manifest.read(out_dir)
    if (old.settings, old.environment) != (settings_digest, environment):
        old = Manifest()
    if out_dir.is_dir():
        remove_stale_temp_files(out_dir)  # left by a build killed with SIGKILL
    manifest = Manifest(settings_digest, environment)
    todo: list[tuple[int, Path]] = []
    brief_digests: dict[str, str] = {}
    for index, path in enumerate(briefs):
        brief_digest = digests.of(path) or ""
        brief_digests[path.stem] = brief_digest
        entry = old.briefs.get(path.stem)
        if entry and entry.fresh(brief_digest, out_dir / f"{path.stem}.pdf", digests):
            manifest.briefs[path.stem] = entry
            result.unchanged.append(out_dir / f"{path.stem}.pdf")
        else:
            todo.append((index, path))
    done = len(briefs) - len(todo)
    progress(done)
    built: dict[int, Built] = {}
    settings = None
    if todo:
        from .check import check_settings

        settings = check_settings(settings_path)  # before any worker starts: an error here writes nothing
        if geometry.watermark:
            from .glyphs import watermark_problems

            problems = watermark_problems(geometry.watermark)
            if problems:
                raise BriefError(problems)
        job = _Job(out_dir, seeds_dir, settings, geometry)
        for item in _build_many(job, todo, jobs):
            done += 1
            progress(done)
            if item.problems:
                result.errors.append(BriefError(item.problems))
                continue
            entry = Entry(brief_digests[item.stem], {dep: digests.of(Path(dep)) or "" for dep in item.deps},
                          item.body_size, list(item.pdf))
            manifest.briefs[item.stem] = entry
            built[item.index] = item
            target = out_dir / f"{item.stem}.pdf"
            result.written.append(target)
            log(f"wrote {display_path(target)} (body {entry.body_size:g} pt)")
    if combined:
        _combined(briefs, out_dir, settings_path, settings, seeds_dir, geometry, old, manifest, built, result, log)
    manifest.write(out_dir)
    return result


def _combined(briefs: list[Path], out_dir: Path, settings_path: Path, settings: "ReportSettings | None",
              seeds_dir: Path, geometry: "PageGeometry", old: Manifest, manifest: Manifest, built: dict[int, Built],
              result: BuildResult, log: Callable[[str], None]) -> None:
    target = out_dir / COMBINED
    if result.errors:
        result.combined_skipped = (f"{COMBINED} not rewritten: {len(result.errors)} brief(s) failed, and a "
                                   "combined report must not silently lack a province")
        return
    if not briefs:
        return
    inputs = combined_digest(manifest.settings, manifest.environment,
                             [(p.stem, manifest.briefs[p.stem]) for p in briefs])
    if old.combined == inputs and target.is_file() and pdf_stamp(target) == old.combined_pdf:
        manifest.combined, manifest.combined_pdf = inputs, old.combined_pdf
        result.unchanged.append(target)
        return
    from .check import check_settings
    from .report import Province, combined_pdf

    settings = settings or check_settings(settings_path)
    kept: dict[int, tuple[Any, Any]] = {i: (b.brief, b.photo) for i, b in built.items()}
    for index, path in enumerate(briefs):
        if index not in kept:  # unchanged since the last build: load and prove it again (no layout yet)
            loaded, photo = _load_checked(path, seeds_dir, geometry)
            kept[index] = (loaded.brief, photo)
    provinces = [Province(path.stem, kept[index][0]) for index, path in enumerate(briefs)]

    def page_of(index: int) -> "BriefPage":
        """A province's page at the body size its own build chose (no new search), made when needed."""
        from .layout import lay_out
        from .model import LoadedBrief

        path = briefs[index]
        brief, photo = kept[index]
        loaded = LoadedBrief(path.stem, path, _loaded_doc_stub(path), brief)
        return lay_out(loaded, settings, geometry, photo, sizes=(manifest.briefs[path.stem].body_size,))

    write_atomic(target, combined_pdf(provinces, page_of, settings, geometry))
    manifest.combined, manifest.combined_pdf = inputs, pdf_stamp(target)
    result.written.append(target)
    log(f"wrote {display_path(target)} ({len(provinces)} briefings)")


def _load_checked(path: Path, seeds_dir: Path, geometry: "PageGeometry"):
    from .check import load_checked

    return load_checked(path, seeds_dir, geometry)
