"""Which process does which brief's work: this one, forked workers, or a small build's prover.

Which process does which brief's work: all in this one, shared among forked workers (a large build), or
a small build's briefs proved by a prover process while this one imports ReportLab, then written here."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BriefError
from .processes import Forked, merged
from .tasks import Checked, Drawn, Job, Task, Written, check_one, finish_check, prove_one, settings_of, write_one

if TYPE_CHECKING:
    from ..page.geometry import PageGeometry
    from ..source.model import ReportSettings

PARALLEL_FROM = 8  # briefs; below this, starting workers costs more than it saves

Result = Checked | Written | Drawn  # what run_tasks yields


def run_tasks(job: Job, tasks: list[Task], jobs: int, prover: "Prover | None" = None) -> Iterator[Result]:
    """Every task's Checked, then for each good one a Written (or a second Checked with the problem when
    it does not fit its page), or a Drawn for an unchanged brief.

    Every brief is checked before any is written, so the combined report starts early and takes each
    page as it is drawn (sent on with each Written) instead of holding them until every brief is checked.
    """
    if prover:
        return _with_prover(job, tasks, prover)
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:
        return _in_this_process(job, tasks)
    return _in_workers(job, tasks, jobs)


def _in_this_process(job: Job, tasks: list[Task]) -> Iterator[Result]:
    yield from _then_written(job, tasks, [check_one(job, task) for task in tasks])


def _then_written(job: Job, tasks: list[Task], checked_all: list[Checked]) -> Iterator[Result]:
    """Every brief's Checked, then each good one fitted, drawn and written in this process."""
    yield from checked_all
    for task, checked in zip(tasks, checked_all):
        if not checked.problems:
            yield write_one(job, task, checked)


def _in_workers(job: Job, tasks: list[Task], jobs: int) -> Iterator[Result]:
    """``jobs`` forked workers, each checking its whole share, then fitting, drawing and writing it."""
    from ..page import fonts
    from ..page.layout import lay_out  # noqa: F401 - imported before forking, so workers inherit it
    from ..page.render import brief_pdf_of_body  # noqa: F401
    from ..proof import check  # noqa: F401
    from ..source.model import Brief, adapter

    fonts.register()  # loaded once here; forked workers share it
    adapter(Brief)  # the validator built once, here
    gc.freeze()  # the collector in a worker would otherwise write to (and so copy) every page of ours
    # each worker takes every jobs-th brief and sends back its results through its own pipe; no shared
    # queue, so a worker killed mid-write can never leave a lock held (multiprocessing.Pool's
    # terminate() deadlocks then)
    yield from merged([Forked(_work, job, tasks[start::jobs]) for start in range(jobs)])


def _work(job: Job, share: list[Task], send) -> None:
    """A worker process: check its share of the briefs, then fit, draw and write them (so every brief
    is checked, and the combined report can start, as early as can be)."""
    to_write = []
    for task in share:
        checked = check_one(job, task)
        send.send(replace(checked, photo=None))  # the photo is needed here only
        if not checked.problems:
            to_write.append((task, replace(checked, brief_json=b"")))  # the JSON is the build's, sent
    to_write.reverse()
    while to_write:  # each brief let go once written: a worker of 500 briefs held them all to its end
        task, checked = to_write.pop()
        send.send(write_one(job, task, checked))


def _with_prover(job: Job, tasks: list[Task], prover: "Prover") -> Iterator[Result]:
    """A small build: the briefs were proved by ``prover``; this process checks their glyphs (an unchanged
    brief whose kept page was not found, not one the prover was given, it checks whole), then writes them."""
    checked_all = [finish_check(task, prover.proved(task), job.geometry) if task.index in prover.indices
                   else check_one(job, task) for task in tasks]
    prover.close()
    yield from _then_written(job, tasks, checked_all)


class Prover(Forked):
    """A process that loads and proves a small build's briefs (``prove_one``: pydantic, the seeds) while
    this one imports ReportLab and loads the fonts: on two cores that takes pydantic's import and the
    first validation (~0.2 s) off a small build's time. It checks the report settings first and sends
    them, then each brief's Checked in order. The photos are left to this process (which has Pillow
    imported already, by ReportLab, and would otherwise wait for the prover)."""

    def __init__(self, settings: tuple[bytes, Path], seeds_dir: Path, geometry: "PageGeometry", tasks: list[Task]):
        super().__init__(_prove, settings, seeds_dir, geometry, tasks)
        self.indices = {task.index for task in tasks}

    def settings(self) -> "ReportSettings":
        """The report settings as the model reads them; ``BriefError`` when they are missing or wrong."""
        settings, problems = self.next()
        if problems:
            raise BriefError(problems)
        return settings

    def proved(self, task: Task) -> Checked:
        checked = self.next()
        assert checked.index == task.index
        return checked


def _prove(settings: tuple[bytes, Path], seeds_dir: Path, geometry: "PageGeometry", tasks: list[Task], send) -> None:
    """The prover's process: the settings (or their problems), then every brief proved, in order."""
    try:
        send.send((settings_of(*settings), []))
    except BriefError as error:
        send.send((None, error.problems))
        return
    for task in tasks:
        send.send(prove_one(seeds_dir, geometry, task, with_photo=False))  # Pillow's work left to the parent
