"""Build briefings: check every brief, lay each out, write its PDF and the combined report (which puts in
the pages as they were drawn for the briefings' PDFs).

Incremental (a brief whose inputs are unchanged since the last good build is skipped) and parallel
(``jobs`` worker processes, each loading the fonts once). Deciding that nothing changed imports
neither ReportLab nor pydantic, so a no-op build is fast.
"""
from __future__ import annotations

import gc
import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import BriefError, Problem
from ..files import FolderLock, display_path, os_error_message, publish, remove_stale_temp_files, write_atomic
from .manifest import (DigestCache, Entry, Manifest, Places, combined_digest, environment_digest, font_digests,
                       pdf_stamp)

if TYPE_CHECKING:
    from ..page.geometry import PageGeometry
    from ..page.layout import BriefPage
    from ..source.model import LoadedBrief, ReportSettings
    from ..page.render import Body

COMBINED = "combined.pdf"
SETTINGS_FILE = "report.yaml"


class BuildInterrupted(RuntimeError):
    """The build could not go on (a process of it ended early, a kept page vanished); what it had not
    put in place yet is not written, and every PDF already there is whole."""


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[BriefError] = field(default_factory=list)
    combined_skipped: str | None = None  # why combined.pdf was not rewritten ("not rewritten: ...")

    @property
    def ok(self) -> bool:
        return not self.errors


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


@dataclass(frozen=True)
class _Task:
    index: int
    path: Path
    write: bool  # False: unchanged, loaded again only because the combined report is rebuilt
    body_size: float = 0.0  # the size its last build chose, when it is not written


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


@dataclass(frozen=True)
class _Job:
    out_dir: Path
    seeds_dir: Path
    settings: "ReportSettings"
    geometry: "PageGeometry"


def prove_one(seeds_dir: Path, geometry: "PageGeometry", task: _Task, with_photo: bool = True) -> Checked:
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


def finish_check(task: _Task, proved: Checked, geometry: "PageGeometry") -> Checked:
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


def check_one(job: _Job, task: _Task) -> Checked:
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


def write_one(job: _Job, task: _Task, checked: Checked) -> "Written | Drawn | Checked":
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


@contextmanager
def signals_end_at_once() -> Iterator[None]:
    """While libraries compute a brief or a PDF: SIGTERM and SIGINT end the process at once.

    Elsewhere they raise SystemExit or KeyboardInterrupt, so that write_atomic removes a half-written
    temporary file. Raised inside ReportLab, that exception can be swallowed by one of its bare
    ``except:`` clauses (pdfdoc then encodes a string another way) and the build would go on to write
    a complete but different PDF. No file of ours with a name is open while they compute (the page
    cache writes to a file without one until the build ends; combined.pdf's temporary file is opened
    after its front matter is drawn), so ending at once loses nothing and leaves nothing; worker
    processes end with their parent. An ignored signal stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _end_now)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _end_now(signum: int, frame: object) -> None:
    os._exit(128 + signum)


PARALLEL_FROM = 8  # briefs; below this, starting workers costs more than it saves


def _run_tasks(job: _Job, tasks: list[_Task], jobs: int, prover: "_Prover | None" = None) \
        -> "Iterable[Checked | Written | Drawn]":
    """Every task's Checked, then for each good one a Written (or a second Checked with the problem when
    it does not fit its page), or a Drawn for an unchanged brief.

    Every brief is checked before any is written (in parallel: each worker checks its whole share,
    then fits, draws and writes it), so the combined report starts early and takes each page as it is
    drawn (sent on with each Written) instead of holding them until every brief is checked. With a
    ``prover`` (a small build) the briefs were proved by it; this process finishes their checks, then
    writes a third of them while a writer process writes the rest.
    """
    if prover:  # proved by another process, the glyphs checked here; an unchanged brief whose kept page
        # was not found (not one the prover was given) is checked here
        checked_all = [finish_check(task, prover.proved(task), job.geometry) if task.index in prover.indices
                       else check_one(job, task) for task in tasks]
        prover.close()
        good = [(task, checked) for task, checked in zip(tasks, checked_all) if not checked.problems]
        # a writer process writes two briefs of every three while this one draws the combined report's
        # front matter (when the checked briefs are yielded) and writes the third
        mine, theirs = good[::3], [pair for number, pair in enumerate(good) if number % 3]
        writer = _Helper(_write_share, job, theirs) if theirs else None
        try:
            yield from checked_all
            for task, checked in mine:
                yield write_one(job, task, checked)
            if writer:
                yield from writer.rest()
        finally:
            if writer:
                writer.close()
        return
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:  # in this process, every brief checked first (as in parallel)
        checked_all = [check_one(job, task) for task in tasks]
        yield from checked_all
        for task, checked in zip(tasks, checked_all):
            if not checked.problems:
                yield write_one(job, task, checked)
        return
    from ..page import fonts
    from ..proof import check# noqa: F401 - imported before forking, so workers inherit it
    from ..page.layout import lay_out  # noqa: F401
    from ..source.model import Brief, adapter
    from ..page.render import brief_pdf_of_body  # noqa: F401

    fonts.register()  # loaded once here; forked workers share it
    adapter(Brief)  # the validator built once, here
    gc.freeze()  # the collector in a worker would otherwise write to (and so copy) every page of ours
    # each worker takes every jobs-th brief and sends back its results through its own pipe; no shared
    # queue, so a worker killed mid-write can never leave a lock held (multiprocessing.Pool's
    # terminate() deadlocks then)
    workers = [_Helper(_work, job, tasks[start::jobs]) for start in range(jobs)]
    # read on a thread, so no worker waits on a full pipe while this process draws the combined report
    messages: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive, args=({worker.receive: worker.process for worker in workers}, messages),
                     daemon=True).start()
    try:
        while (message := messages.get()) is not _DONE:
            if isinstance(message, BaseException):
                raise message
            yield message
    finally:
        _stop([worker.process for worker in workers])


_DONE = object()


def _receive(running: dict, messages: "queue.SimpleQueue") -> None:
    """Every worker's messages, in the order they come, then ``_DONE``; an exception if a worker failed."""
    from multiprocessing.connection import wait

    try:
        while running:
            for ready in wait(list(running)):
                try:
                    messages.put(ready.recv())
                except EOFError:  # this worker is done (or died)
                    process = running.pop(ready)
                    process.join()
                    if process.exitcode != 0:
                        messages.put(_ended_early(process))
                        return
    except BaseException as error:  # noqa: BLE001 - handed to the main thread, which raises it
        messages.put(error)
    finally:
        messages.put(_DONE)


def _context():
    import multiprocessing

    return multiprocessing.get_context("fork" if os.name == "posix" else "spawn")


def _stop(processes: list) -> None:
    """On an error or a signal: stop the processes still running; each removes its temp file."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def _work(job: _Job, share: list[_Task], send) -> None:
    """A worker process: check its share of the briefs, then fit, draw and write them (so every brief
    is checked, and the combined report can start, as early as can be)."""
    _worker_started()
    try:
        to_write = []
        for task in share:
            checked = check_one(job, task)
            send.send(replace(checked, photo=None))  # the photo is needed here only
            if not checked.problems:
                to_write.append((task, checked))
        for task, checked in to_write:
            send.send(write_one(job, task, checked))
    finally:
        send.close()


class _Helper:
    """A forked process that sends its results back through a pipe, read in the order they were sent."""

    def __init__(self, target: Callable[..., None], *args: Any):
        context = _context()
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=target, args=(*args, send), daemon=True)
        self.process.start()
        send.close()

    def next(self) -> Any:
        try:
            return self.receive.recv()
        except EOFError:
            self.process.join()
            raise _ended_early(self.process) from None

    def rest(self) -> Iterator[Any]:
        """Every result still to come."""
        while True:
            try:
                yield self.receive.recv()
            except EOFError:
                break
        self.process.join()
        if self.process.exitcode != 0:
            raise _ended_early(self.process)

    def close(self) -> None:
        _stop([self.process])
        self.receive.close()


class _Prover(_Helper):
    """A process that loads and proves a small build's briefs (``prove_one``: pydantic, the seeds) while
    this one imports ReportLab and loads the fonts: on two cores that takes pydantic's import and the
    first validation (~0.2 s) off a small build's time. It checks the report settings first and sends
    them, then each brief's Checked in order. The photos are left to this process (which has Pillow
    imported already, by ReportLab, and would otherwise wait for the prover)."""

    def __init__(self, settings: tuple[bytes, Path], seeds_dir: Path, geometry: "PageGeometry", tasks: list[_Task]):
        super().__init__(_prove, settings, seeds_dir, geometry, tasks)
        self.indices = {task.index for task in tasks}

    def settings(self) -> "ReportSettings":
        """The report settings as the model reads them; ``BriefError`` when they are missing or wrong."""
        settings, problems = self.next()
        if problems:
            raise BriefError(problems)
        return settings

    def proved(self, task: _Task) -> Checked:
        checked = self.next()
        assert checked.index == task.index
        return checked


def settings_of(data: bytes, settings_path: Path) -> "ReportSettings":
    """The report settings from the bytes of their file (read once, for the manifest's digest too)."""
    from ..source.inputs import decode
    from ..source.model import ReportSettings, validate
    from ..source.yamldoc import parse

    display = display_path(settings_path)
    return validate(parse(decode(data, display), display), ReportSettings)


def _prove(settings: tuple[bytes, Path], seeds_dir: Path, geometry: "PageGeometry", tasks: list[_Task], send) -> None:
    """The prover's process: the settings (or their problems), then every brief proved, in order."""
    _worker_started()
    try:
        try:
            send.send((settings_of(*settings), []))
        except BriefError as error:
            send.send((None, error.problems))
            return
        for task in tasks:
            send.send(prove_one(seeds_dir, geometry, task, with_photo=False))  # Pillow's work left to the parent
    finally:
        send.close()


def _write_share(job: _Job, share: list[tuple[_Task, Checked]], send) -> None:
    """A writer process of a small build: fit, draw and write its share of the checked briefs."""
    _worker_started()
    try:
        for task, checked in share:
            send.send(write_one(job, task, checked))
    finally:
        send.close()


def unwind_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so a temporary file being written is removed. Only the first: a
    worker gets one from its parent and another when the parent ends (PR_SET_PDEATHSIG), and the
    second, raised inside the first one's clean-up, would leave the temporary file behind."""

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _ended_early(process: Any) -> BuildInterrupted:
    status = process.exitcode
    if status == -signal.SIGKILL:
        return BuildInterrupted("a build process was killed (SIGKILL: out of memory?); build again")
    if status is not None and status < 0:
        return BuildInterrupted(f"a build process was ended by signal {-status}; build again")
    # an error of this program outside any one brief (each brief's own is reported with the brief)
    return BuildInterrupted(f"a build process failed (exit status {status}, its error above); please report this")


def _worker_started() -> None:
    """In a worker: end with the parent, and unwind (removing a half-written temp file) on SIGTERM."""
    unwind_on_sigterm()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: a parent killed by SIGKILL ends us


def build(briefs: list[Path], out_dir: Path, settings_path: Path, seeds_dir: Path, combined: bool = True,
          geometry: "PageGeometry | None" = None, jobs: int = 1, force: bool = False,
          log: Callable[[str], None] = lambda line: None,
          progress: Callable[[int, int], None] = lambda done, total: None,
          every: list[Path] | None = None, note: Callable[[str], None] = lambda line: None) -> BuildResult:
    """Build every brief that is good; a bad one is reported and its last good PDF left untouched.

    The combined report is written only when every brief built, so it never silently lacks a province.
    ``every``: when ``briefs`` are some of a folder's briefs, all of that folder's (``discover``); the
    combined report is made of those, and only when the ones not named are unchanged since they were
    built (the manifest keeps them). ``progress(done, total)`` counts units of this build's work:
    checking a brief, writing its PDF and making a province page of the combined report. ``note`` is
    told when the build waits for another one writing to ``out_dir``.
    """
    from ..source.inputs import digest, read_bytes
    from ..source.yamldoc import MAX_FILE_BYTES

    if not settings_path.exists():
        from ..proof.check import check_settings

        check_settings(settings_path)  # raises the clear error
    settings_data = read_bytes(settings_path, display_path(settings_path), MAX_FILE_BYTES, "report settings")
    lock = FolderLock(out_dir, note)  # one build at a time on out_dir
    try:
        return _build(briefs, every if every is not None else briefs, out_dir, (settings_data, settings_path),
                      digest(settings_data), seeds_dir, combined, geometry, jobs, force, log, progress)
    finally:
        lock.release()


def _build(briefs: list[Path], members: list[Path], out_dir: Path, settings_file: tuple[bytes, Path],
           settings_digest: str, seeds_dir: Path, combined: bool, geometry: "PageGeometry | None", jobs: int,
           force: bool, log: Callable[[str], None], progress: Callable[[int, int], None]) -> BuildResult:
    """``build``, holding the output folder's lock; ``members`` are the briefs of the combined report."""
    if geometry is None:
        from ..page.geometry import PageGeometry

        geometry = PageGeometry()
    from ..page.fonts import FACE_FILES, fonts_dir

    result = BuildResult()
    settings_path = settings_file[1]
    digests = DigestCache()
    places = Places(out_dir)
    old = Manifest.read(out_dir)
    fonts = font_digests([fonts_dir() / name for name in FACE_FILES.values()], old.fonts)
    environment = environment_digest({"geometry": repr(geometry), "seeds": places.relative(seeds_dir)}, fonts)
    if force or (old.settings, old.environment) != (settings_digest, environment):
        old = Manifest()
    remove_stale_temp_files(out_dir)  # left by a build of ours killed with SIGKILL (we hold the lock)
    manifest = Manifest(settings_digest, environment, fonts=fonts)
    # the combined report's briefs first (its pages are numbered by their index), then the others named
    if members is briefs:  # every brief named
        paths, named = list(briefs), None
    else:
        named = {os.path.abspath(path) for path in briefs}
        known = {os.path.abspath(path) for path in members}
        paths = list(members) + [path for path in briefs if os.path.abspath(path) not in known]
    refused = name_problems(paths)
    stale_members: list[Path] = []  # of the combined report, not named, and changed since they were built
    tasks: list[_Task] = []
    unchanged: list[_Task] = []
    for index, path in enumerate(paths):
        if index in refused:
            result.errors.append(BriefError([refused[index]]))
            continue
        entry = old.briefs.get(path.stem)
        pdf = out_dir / f"{path.stem}.pdf"
        asked = named is None or os.path.abspath(path) in named
        if entry and entry.fresh(places.relative(path), digests.of(path), pdf, places, digests):
            manifest.briefs[path.stem] = entry
            if asked:
                result.unchanged.append(pdf)
            unchanged.append(_Task(index, path, write=False, body_size=entry.body_size))
        elif asked:
            tasks.append(_Task(index, path, write=True))
        else:
            stale_members.append(path)
            if entry:  # kept: it still describes that brief's PDF
                manifest.briefs[path.stem] = entry
    target = out_dir / COMBINED
    combined = wanted = combined and bool(members)
    if combined and stale_members:
        combined = False
        more = len(stale_members) - 1
        which = display_path(stale_members[0]) + (f" and {more} more" if more else "")
        result.combined_skipped = (f"not rewritten: {which} not built from {'their' if more else 'its'} "
                                   "inputs as they are now; build every brief (briefing build) to bring it up to date")
    if combined and result.errors:
        combined = False
    unchanged = [task for task in unchanged if task.index < len(members)] if combined else []
    if combined and not tasks:
        inputs = combined_digest(settings_digest, environment, [(p.stem, manifest.briefs[p.stem]) for p in members])
        combined = not _kept_combined(target, inputs, old, manifest, result)
    if not tasks and not combined:
        _finish_result(result, wanted)
        manifest.write(out_dir)
        return result
    # a small build has its briefs proved by another process while this one imports ReportLab
    prover = None
    if jobs > 1 and len(tasks) < PARALLEL_FROM and os.name == "posix":
        from ..proof import check# noqa: F401 - light (no pydantic, PyYAML, Pillow or ReportLab); both processes need it
        prover = _Prover(settings_file, seeds_dir, geometry, tasks)
    pages = None
    kept: dict[int, tuple[Checked, str]] = {}
    try:
        from ..proof.check import glyphs_checked
        from .pagecache import PageCache, key  # imported only when there is work: it needs ReportLab

        def page_key(entry: Entry) -> str:
            return key(settings_digest, environment, entry)

        pages = PageCache(out_dir)
        if combined:  # the combined report needs every brief: an unchanged one's kept page, or else it is
            # checked and drawn again (not written)
            kept = _kept_pages(pages, unchanged, manifest, page_key, places)
            tasks = sorted(tasks + [task for task in unchanged if task.index not in kept], key=lambda task: task.index)
        if prover:
            from ..page import fonts as faces

            faces.register()  # while the prover works
            settings = glyphs_checked(prover.settings(), settings_path)
        else:  # before any worker starts: an error here writes nothing
            settings = glyphs_checked(settings_of(*settings_file), settings_path)
        if geometry.watermark:
            from ..proof.glyphs import watermark_problems
            from ..source.model import control_character

            ch = control_character(geometry.watermark)
            problems = [Problem("--watermark", None, None, "", f"contains a control character (U+{ord(ch):04X}, "
                                "a line break or tab?); write it on one line")] if ch else \
                watermark_problems(geometry.watermark)
            if problems:
                raise BriefError(problems)
    except BaseException:
        if prover:
            prover.close()
        if pages:
            pages.close()
        raise
    job = _Job(out_dir, seeds_dir, settings, geometry)
    units = _Progress(progress, sum(2 if task.write else 1 for task in tasks) + (len(members) if combined else 0))
    units.show()
    checked: dict[int, Checked] = {index: item for index, (item, _) in kept.items()}
    report = _Combined(target, members, settings, geometry, pages, {i: key for i, (_, key) in kept.items()}) \
        if combined else None

    def start_report() -> None:
        """Once every brief is checked and good: start the combined report, unless it is kept."""
        if not report or result.errors or any(index not in checked for index in range(len(members))):
            return
        inputs = combined_digest(settings_digest, environment, [
            (p.stem, _entry(checked[i], p, places, 0.0)) for i, p in enumerate(members)])
        if _kept_combined(target, inputs, old, manifest, result):
            report.discard()
        else:
            report.start(checked, inputs)
            units.add(len(kept))

    try:
        start_report()
        for message in _run_tasks(job, tasks, jobs, prover):
            if isinstance(message, Drawn):
                if report:
                    report.add(message.index, message.body)
                stem = paths[message.index].stem
                pages.save(stem, page_key(manifest.briefs[stem]), checked[message.index].brief_json, message.body)
                checked[message.index] = replace(checked[message.index], brief_json=b"")  # kept: let it go
                units.add(1)
                continue
            if isinstance(message, Written):
                if report and message.index < len(members):
                    report.add(message.index, message.body)
                item = checked[message.index]
                entry = _entry(item, paths[message.index], places, message.body_size, list(message.pdf))
                manifest.briefs[item.stem] = entry
                pages.save(item.stem, page_key(entry), item.brief_json, message.body)
                checked[message.index] = replace(item, brief_json=b"")  # kept: let it go
                pdf = out_dir / f"{item.stem}.pdf"
                result.written.append(pdf)
                log(f"wrote {display_path(pdf)} (body {entry.body_size:g} pt)")
                units.add(2 if report else 1)
                continue
            if message.index in checked:  # checked, but it does not fit its page (or could not be written)
                result.errors.append(BriefError(message.problems))
                units.add(1)
                if report:
                    report.discard()
                continue
            checked[message.index] = message
            units.add(2 if message.problems and paths[message.index].stem not in manifest.briefs else 1)
            if message.problems:
                result.errors.append(BriefError(message.problems))
                if report:
                    report.discard()
            start_report()
        if report and report.started and not result.errors:
            try:
                report.commit()
            except OSError as error:
                result.errors.append(BriefError.single(display_path(target), os_error_message(error, "write")))
            else:
                manifest.combined, manifest.combined_pdf = report.inputs, pdf_stamp(target)
                result.written.append(target)
                log(f"wrote {display_path(target)} ({len(members)} briefing{'s' if len(members) != 1 else ''})")
    except BaseException:
        pages.discard()
        raise
    finally:
        if report:
            report.discard()
        if prover:
            prover.close()
    units.finish()
    _finish_result(result, wanted)
    manifest.write(out_dir)
    pages.finish({stem: page_key(entry) for stem, entry in manifest.briefs.items()})
    return result


def _finish_result(result: BuildResult, combined: bool) -> None:
    """Say why combined.pdf was not rewritten when some brief failed."""
    if combined and result.errors and not result.combined_skipped:
        failed = len(result.errors)
        result.combined_skipped = (f"not rewritten: {failed} brief{'s' if failed != 1 else ''} failed, and a "
                                   "combined report must not silently lack a province")


def _kept_pages(pages: Any, unchanged: list[_Task], manifest: Manifest, page_key: Callable[[Entry], str],
                places: Places) -> dict[int, tuple[Checked, str]]:
    """The unchanged briefs whose page the last build kept (``pagecache``), each with what the combined
    report needs of it and its page's key."""
    from ..source.model import brief_from_json

    kept = {}
    for task in unchanged:
        entry = manifest.briefs[task.path.stem]
        entry_key = page_key(entry)
        found = pages.load(task.path.stem, entry_key)
        if found:
            try:
                brief = brief_from_json(found[0])
            except ValueError:  # not a brief of this version's model: drawn again
                continue
            deps = tuple((places.located(dep), digest) for dep, digest in entry.deps.items())
            kept[task.index] = (Checked(task.index, task.path.stem, [], deps, entry.body_size,
                                        pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL),
                                        brief_digest=entry.brief), entry_key)
    return kept


def _kept_combined(target: Path, inputs: str, old: Manifest, manifest: Manifest, result: BuildResult) -> bool:
    """Whether combined.pdf was made from these same inputs and is still there untouched; if so, kept."""
    if old.combined != inputs or not target.is_file() or pdf_stamp(target) != old.combined_pdf:
        return False
    manifest.combined, manifest.combined_pdf = inputs, old.combined_pdf
    result.unchanged.append(target)
    return True


def _entry(checked: Checked, path: Path, places: Places, body_size: float, pdf: list[int] | None = None) -> Entry:
    """What a brief was proved from (the digests of the bytes read), as the manifest keeps it."""
    return Entry(places.relative(path), checked.brief_digest,
                 {places.relative(dep): digest for dep, digest in checked.deps}, body_size, pdf or [])


class _Combined:
    """combined.pdf, made in this process as the briefs' pages come: started once every brief is checked
    and good, written page by page to a file without a name, and put in place by ``commit``;
    ``discard`` drops it (the old combined.pdf stays)."""

    def __init__(self, target: Path, briefs: list[Path], settings: "ReportSettings", geometry: "PageGeometry",
                 pages: Any, kept: dict[int, str]):
        self.target, self.briefs, self.settings, self.geometry = target, briefs, settings, geometry
        self.pages = pages  # the pagecache.PageCache the kept pages are read from
        self.kept = kept  # pages read from the page cache when the report reaches them: index -> key
        self.early: dict[int, "Body"] = {}  # pages that came before the report started
        self.report: Any = None
        self.file: BinaryIO | None = None  # without a name until ``commit``
        self.inputs = ""
        self.discarded = False

    @property
    def started(self) -> bool:
        return self.report is not None and not self.discarded

    def start(self, checked: dict[int, Checked], inputs: str) -> None:
        from ..report.combined import CombinedReport, Province

        provinces = [Province(path.stem, checked[index].brief_pickle) for index, path in enumerate(self.briefs)]
        with signals_end_at_once():  # ReportLab draws the front matter, sources and 报尾
            self.report = CombinedReport(provinces, self.settings, self.geometry)
        import tempfile

        self.inputs = inputs
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.TemporaryFile(dir=self.target.parent)
        self.report.start(self.file)
        for index in sorted(self.early):
            self.report.add(index, self.early.pop(index))
        self._add_kept()

    def add(self, index: int, body: "Body") -> None:
        if self.discarded:
            return
        if self.report is None:
            self.early[index] = body
        else:
            self.report.add(index, body)
            self._add_kept()

    def _add_kept(self) -> None:
        """The kept pages the report has reached, read one at a time (never all held at once)."""
        while self.report.next in self.kept:
            index = self.report.next
            stem = self.briefs[index].stem
            found = self.pages.load(stem, self.kept.pop(index))
            if found is None:
                raise BuildInterrupted(f"the kept page of {stem} was removed during the build; build again")
            self.report.add(index, found[1])

    def commit(self) -> None:
        self.report.close()
        publish(self.file, self.target)
        self.file.close()
        self.file = None

    def discard(self) -> None:
        self.discarded = True
        self.early.clear()
        if self.file is not None:
            self.file.close()
            self.file = None


@dataclass
class _Progress:
    """Units of work done out of ``total``."""

    report: Callable[[int, int], None]
    total: int
    done: int = 0

    def add(self, units: int) -> None:
        self.done += units
        self.show()

    def show(self) -> None:
        self.report(min(self.total, self.done), self.total)

    def finish(self) -> None:
        """All done (units not done, such as the pages of a combined report not made, count as done)."""
        if self.done < self.total:
            self.done = self.total
            self.show()
