"""The build: plan what to write from the manifest, do it, and record what each PDF was made from.

Which briefs are written and which are unchanged (the manifest), and whether combined.pdf is made anew,
is decided before any brief is read; then ``workers`` do the work and each result is recorded as it comes."""
from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BriefError, Problem
from ..files import FolderLock, display_path, os_error_message, remove_stale_temp_files
from .briefs import COMBINED, name_problems
from .combined import CombinedInProgress
from .manifest import (DigestCache, Entry, Manifest, Places, combined_digest, environment_digest, font_digests,
                       pdf_stamp)
from .tasks import Checked, Drawn, Job, Task, Written, settings_of
from .workers import PARALLEL_FROM, Prover, run_tasks

if TYPE_CHECKING:
    from ..page.geometry import PageGeometry
    from ..source.model import ReportSettings


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    errors: list[BriefError] = field(default_factory=list)
    combined_skipped: str | None = None  # why combined.pdf was not rewritten ("not rewritten: ...")

    @property
    def ok(self) -> bool:
        return not self.errors


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


@dataclass(frozen=True)
class Shared:
    """What every PDF of a build is made from besides its own brief: the settings, the code, fonts and options."""

    settings_file: tuple[bytes, Path]  # the settings' bytes as read, and their path
    settings: str  # their sha256
    environment: str  # environment_digest: the code, the fonts, the page setup
    seeds_dir: Path
    geometry: "PageGeometry"

    def page_key(self, entry: Entry) -> str:
        """The key of a brief's drawn page in the page cache."""
        from .pagecache import key

        return key(self.settings, self.environment, entry)


@dataclass
class Plan:
    """What a build does, decided from the manifest before any brief is read."""

    paths: list[Path]  # the combined report's briefs first (its pages are numbered by their index), then the others named
    members: int  # how many of ``paths`` are the combined report's
    to_write: list[Task] = field(default_factory=list)
    unchanged: list[Task] = field(default_factory=list)  # their PDFs are kept
    stale_members: list[Path] = field(default_factory=list)  # of the report, not named, changed since built
    combined: bool = False  # combined.pdf is made anew


def _build(briefs: list[Path], members: list[Path], out_dir: Path, settings_file: tuple[bytes, Path],
           settings_digest: str, seeds_dir: Path, combined: bool, geometry: "PageGeometry | None", jobs: int,
           force: bool, log: Callable[[str], None], progress: Callable[[int, int], None]) -> BuildResult:
    """``build``, holding the output folder's lock; ``members`` are the briefs of the combined report."""
    if geometry is None:
        from ..page.geometry import PageGeometry

        geometry = PageGeometry()
    result, places = BuildResult(), Places(out_dir)
    old, manifest, inputs = _last_build(out_dir, settings_file, settings_digest, seeds_dir, geometry, places, force)
    remove_stale_temp_files(out_dir)  # left by a build of ours killed with SIGKILL (we hold the lock)
    plan = _plan(briefs, members, out_dir, old, manifest, places, result)
    wanted = combined and bool(members)
    plan.combined = wanted and _combined_made_anew(plan, out_dir, inputs, old, manifest, result)
    if not plan.to_write and not plan.combined:
        _finish_result(result, wanted)
        manifest.write(out_dir)
        return result
    work = _Work(plan, inputs, out_dir, old, manifest, places, result, log)
    work.prepare(jobs)  # the report settings checked: an error here writes nothing
    work.run(jobs, progress)
    _finish_result(result, wanted)
    manifest.write(out_dir)
    work.pages.finish({stem: inputs.page_key(entry) for stem, entry in manifest.briefs.items()})
    return result


def _last_build(out_dir: Path, settings_file: tuple[bytes, Path], settings_digest: str, seeds_dir: Path,
                geometry: "PageGeometry", places: Places, force: bool) -> tuple[Manifest, Manifest, Shared]:
    """The last build's manifest (an empty one when everything is built anew: forced, or the code, fonts
    or options changed), this build's manifest to fill, and what all its PDFs are made from."""
    from ..page.fonts import FACE_FILES, fonts_dir

    old = Manifest.read(out_dir)
    fonts = font_digests([fonts_dir() / name for name in FACE_FILES.values()], old.fonts)
    environment = environment_digest({"geometry": repr(geometry), "seeds": places.relative(seeds_dir)}, fonts)
    if force or (old.settings, old.environment) != (settings_digest, environment):
        old = Manifest()
    inputs = Shared(settings_file, settings_digest, environment, seeds_dir, geometry)
    return old, Manifest(settings_digest, environment, fonts=fonts), inputs


def _plan(briefs: list[Path], members: list[Path], out_dir: Path, old: Manifest, manifest: Manifest,
          places: Places, result: BuildResult) -> Plan:
    """Each brief written, unchanged (its entry kept in ``manifest``), a stale member of the combined
    report, or refused for its name (in ``result``)."""
    if members is briefs:  # every brief named
        plan, named = Plan(list(briefs), len(members)), None
    else:
        named = {os.path.abspath(path) for path in briefs}
        known = {os.path.abspath(path) for path in members}
        plan = Plan(list(members) + [path for path in briefs if os.path.abspath(path) not in known], len(members))
    refused, digests = name_problems(plan.paths), DigestCache()
    for index, path in enumerate(plan.paths):
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
            plan.unchanged.append(Task(index, path, write=False, body_size=entry.body_size))
        elif asked:
            plan.to_write.append(Task(index, path, write=True))
        else:
            plan.stale_members.append(path)
            if entry:  # kept: it still describes that brief's PDF
                manifest.briefs[path.stem] = entry
    return plan


def _combined_made_anew(plan: Plan, out_dir: Path, inputs: Shared, old: Manifest, manifest: Manifest,
                        result: BuildResult) -> bool:
    """Whether combined.pdf is to be made anew: not when one of its briefs is stale or refused (``result``
    says why), nor when nothing is written and the one there was made from these same inputs."""
    if plan.stale_members:
        more = len(plan.stale_members) - 1
        which = display_path(plan.stale_members[0]) + (f" and {more} more" if more else "")
        result.combined_skipped = (f"not rewritten: {which} not built from {'their' if more else 'its'} "
                                   "inputs as they are now; build every brief (briefing build) to bring it up to date")
        return False
    if result.errors:
        return False
    if not plan.to_write:
        digest = combined_digest(inputs.settings, inputs.environment,
                                 [(path.stem, manifest.briefs[path.stem]) for path in plan.paths[:plan.members]])
        return not _kept_combined(out_dir / COMBINED, digest, old, manifest, result)
    return True


class _Work:
    """A planned build's work: the briefs checked, drawn and written (``run_tasks``), each result recorded
    as it comes (the manifest, the page cache, combined.pdf, progress and the log)."""

    def __init__(self, plan: Plan, inputs: Shared, out_dir: Path, old: Manifest, manifest: Manifest,
                 places: Places, result: BuildResult, log: Callable[[str], None]):
        self.plan, self.inputs, self.out_dir, self.old, self.manifest = plan, inputs, out_dir, old, manifest
        self.places, self.result, self.log = places, result, log
        self.tasks = list(plan.to_write)
        self.checked: dict[int, Checked] = {}
        self.kept: dict[int, str] = {}  # unchanged briefs whose page the page cache kept: index -> its key
        self.prover: Prover | None = None
        self.pages: Any = None  # pagecache.PageCache
        self.settings: "ReportSettings | None" = None
        self.report: CombinedInProgress | None = None
        self.units: _Progress | None = None

    def prepare(self, jobs: int) -> None:
        """Start what comes before the briefs: a small build's prover, the page cache and its kept pages,
        the report settings; on an error, stop them again."""
        plan, inputs = self.plan, self.inputs
        if jobs > 1 and len(self.tasks) < PARALLEL_FROM and os.name == "posix":
            # a small build has its briefs proved by another process while this one imports ReportLab
            from ..proof import check  # noqa: F401 - light (no pydantic, PyYAML, Pillow or ReportLab); both need it

            self.prover = Prover(inputs.settings_file, inputs.seeds_dir, inputs.geometry, self.tasks)
        try:
            from ..proof.check import glyphs_checked
            from .pagecache import PageCache  # imported only when there is work: it needs ReportLab

            self.pages = PageCache(self.out_dir)
            if plan.combined:  # the combined report needs every brief: an unchanged one's kept page, or else it
                # is checked and drawn again (not written)
                unchanged = [task for task in plan.unchanged if task.index < plan.members]
                self._keep_pages(unchanged)
                self.tasks = sorted(self.tasks + [task for task in unchanged if task.index not in self.kept],
                                    key=lambda task: task.index)
            settings_path = inputs.settings_file[1]
            if self.prover:
                from ..page import fonts

                fonts.register()  # while the prover works
                self.settings = glyphs_checked(self.prover.settings(), settings_path)
            else:  # before any worker starts
                self.settings = glyphs_checked(settings_of(*inputs.settings_file), settings_path)
            _check_watermark(inputs.geometry)
        except BaseException:
            if self.prover:
                self.prover.close()
            if self.pages:
                self.pages.close()
            raise

    def _keep_pages(self, unchanged: list[Task]) -> None:
        """The unchanged briefs whose page the last build kept (``pagecache``): what the combined report
        needs of each, without reading it again."""
        from ..source.model import brief_from_json

        for task in unchanged:
            entry = self.manifest.briefs[task.path.stem]
            entry_key = self.inputs.page_key(entry)
            found = self.pages.load(task.path.stem, entry_key)
            if found:
                try:
                    brief = brief_from_json(found[0])
                except ValueError:  # not a brief of this version's model: drawn again
                    continue
                deps = tuple((self.places.located(dep), digest) for dep, digest in entry.deps.items())
                self.checked[task.index] = Checked(task.index, task.path.stem, [], deps, entry.body_size,
                                                   pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL),
                                                   brief_digest=entry.brief)
                self.kept[task.index] = entry_key

    def run(self, jobs: int, progress: Callable[[int, int], None]) -> None:
        """Every task done and its result recorded; combined.pdf put in place when every brief is good."""
        plan, inputs, result = self.plan, self.inputs, self.result
        job = Job(self.out_dir, inputs.seeds_dir, self.settings, inputs.geometry)
        self.units = _Progress(progress, sum(2 if task.write else 1 for task in self.tasks)
                               + (plan.members if plan.combined else 0))
        self.units.show()
        if plan.combined:
            self.report = CombinedInProgress(self.out_dir / COMBINED, plan.paths[:plan.members], self.settings,
                                             inputs.geometry, self.pages, dict(self.kept))
        try:
            self._start_report()
            for message in run_tasks(job, self.tasks, jobs, self.prover):
                self._record(message)
            if self.report and self.report.started and not result.errors:
                self._commit_report()
        except BaseException:
            self.pages.discard()
            raise
        finally:
            if self.report:
                self.report.discard()
            if self.prover:
                self.prover.close()
        self.units.finish()

    def _record(self, message: Checked | Written | Drawn) -> None:
        plan, result, report, checked = self.plan, self.result, self.report, self.checked
        if isinstance(message, Drawn):
            if report:
                report.add(message.index, message.body)
            stem = plan.paths[message.index].stem
            self.pages.save(stem, self.inputs.page_key(self.manifest.briefs[stem]), checked[message.index].brief_json,
                            message.body)
            checked[message.index] = replace(checked[message.index], brief_json=b"")  # kept: let it go
            self.units.add(1)
        elif isinstance(message, Written):
            if report and message.index < plan.members:
                report.add(message.index, message.body)
            item = checked[message.index]
            entry = _entry(item, plan.paths[message.index], self.places, message.body_size, list(message.pdf))
            self.manifest.briefs[item.stem] = entry
            self.pages.save(item.stem, self.inputs.page_key(entry), item.brief_json, message.body)
            checked[message.index] = replace(item, brief_json=b"")  # kept: let it go
            pdf = self.out_dir / f"{item.stem}.pdf"
            result.written.append(pdf)
            self.log(f"wrote {display_path(pdf)} (body {entry.body_size:g} pt)")
            self.units.add(2 if report else 1)
        elif message.index in checked:  # checked, but it does not fit its page (or could not be written)
            result.errors.append(BriefError(message.problems))
            self.units.add(1)
            if report:
                report.discard()
        else:
            checked[message.index] = message
            self.units.add(2 if message.problems and plan.paths[message.index].stem not in self.manifest.briefs
                           else 1)
            if message.problems:
                result.errors.append(BriefError(message.problems))
                if report:
                    report.discard()
            self._start_report()

    def _start_report(self) -> None:
        """Once every brief is checked and good: start the combined report, unless it is kept."""
        report, plan = self.report, self.plan
        if not report or self.result.errors or any(index not in self.checked for index in range(plan.members)):
            return
        inputs = combined_digest(self.inputs.settings, self.inputs.environment, [
            (path.stem, _entry(self.checked[i], path, self.places, 0.0)) for i, path in enumerate(plan.paths[:plan.members])])
        if _kept_combined(self.out_dir / COMBINED, inputs, self.old, self.manifest, self.result):
            report.discard()
        else:
            report.start(self.checked, inputs)
            self.units.add(len(self.kept))

    def _commit_report(self) -> None:
        target = self.out_dir / COMBINED
        try:
            self.report.commit()
        except OSError as error:
            self.result.errors.append(BriefError.single(display_path(target), os_error_message(error, "write")))
        else:
            self.manifest.combined, self.manifest.combined_pdf = self.report.inputs, pdf_stamp(target)
            self.result.written.append(target)
            members = self.plan.members
            self.log(f"wrote {display_path(target)} ({members} briefing{'s' if members != 1 else ''})")


def _check_watermark(geometry: "PageGeometry") -> None:
    """A watermark on one line, drawable in its face; ``BriefError`` if not."""
    if not geometry.watermark:
        return
    from ..proof.glyphs import watermark_problems
    from ..source.model import control_character

    ch = control_character(geometry.watermark)
    problems = [Problem("--watermark", None, None, "", f"contains a control character (U+{ord(ch):04X}, "
                        "a line break or tab?); write it on one line")] if ch else \
        watermark_problems(geometry.watermark)
    if problems:
        raise BriefError(problems)


def _finish_result(result: BuildResult, combined: bool) -> None:
    """Say why combined.pdf was not rewritten when some brief failed."""
    if combined and result.errors and not result.combined_skipped:
        failed = len(result.errors)
        result.combined_skipped = (f"not rewritten: {failed} brief{'s' if failed != 1 else ''} failed, and a "
                                   "combined report must not silently lack a province")


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

