"""Forked processes that send results back through pipes, and how they end on a signal.

Nothing here knows what a brief is (``tests/test_processes.py`` tests it on its own)."""
from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


class BuildInterrupted(RuntimeError):
    """The build could not go on (a process of it ended early, a kept page vanished); what it had not
    put in place yet is not written, and every PDF already there is whole."""


class Forked:
    """``target(*args, send)`` run in a forked process, which sends its results back through the pipe
    ``send``; read here in the order they were sent. The process ends with this one."""

    def __init__(self, target: Callable[..., None], *args: Any):
        context = _context()
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_forked, args=(target, args, send), daemon=True)
        self.process.start()
        send.close()

    def next(self) -> Any:
        try:
            return self.receive.recv()
        except EOFError:
            self.process.join()
            raise ended_early(self.process) from None

    def rest(self) -> Iterator[Any]:
        """Every result still to come."""
        while True:
            try:
                yield self.receive.recv()
            except EOFError:
                break
        self.process.join()
        if self.process.exitcode != 0:
            raise ended_early(self.process)

    def close(self) -> None:
        stop([self.process])
        self.receive.close()


def _forked(target: Callable[..., None], args: tuple, send: Any) -> None:
    """The forked process: ``target``'s results sent, then the pipe closed (the reader sees the end)."""
    worker_started()
    try:
        target(*args, send)
    finally:
        send.close()


def merged(processes: list[Forked]) -> Iterator[Any]:
    """Every process's results, in the order they come; ``BuildInterrupted`` when one ends early. The
    pipes are read on a thread, so no process waits on a full pipe while the caller computes; every
    process still running is stopped when the caller stops reading."""
    messages: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive, args=({forked.receive: forked.process for forked in processes}, messages),
                     daemon=True).start()
    running = len(processes)
    try:
        while running:
            message = messages.get()
            if isinstance(message, _Ended):  # joined here, never on the thread: one waitpid per process
                running -= 1
                message.process.join()
                if message.process.exitcode != 0:
                    raise ended_early(message.process)
            elif isinstance(message, BaseException):
                raise message
            else:
                yield message
    finally:
        stop([forked.process for forked in processes])


@dataclass(frozen=True)
class _Ended:
    """A process's pipe was closed: it is done, or it died."""

    process: Any


def _receive(running: dict, messages: "queue.SimpleQueue") -> None:
    """Every process's messages, in the order they come, and an ``_Ended`` for each; an exception if
    reading failed."""
    from multiprocessing.connection import wait

    try:
        while running:
            for ready in wait(list(running)):
                try:
                    messages.put(ready.recv())
                except EOFError:
                    messages.put(_Ended(running.pop(ready)))
    except BaseException as error:  # noqa: BLE001 - handed to the reading thread, which raises it
        messages.put(error)


def _context():
    import multiprocessing

    return multiprocessing.get_context("fork" if os.name == "posix" else "spawn")


def stop(processes: list) -> None:
    """On an error or a signal: stop the processes still running; each removes its temp file."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def ended_early(process: Any) -> BuildInterrupted:
    status = process.exitcode
    if status == -signal.SIGKILL:
        return BuildInterrupted("a build process was killed (SIGKILL: out of memory?); build again")
    if status is not None and status < 0:
        return BuildInterrupted(f"a build process was ended by signal {-status}; build again")
    # an error of this program outside any one brief (each brief's own is reported with the brief)
    return BuildInterrupted(f"a build process failed (exit status {status}, its error above); please report this")


def worker_started() -> None:
    """In a forked process: end with the parent, and unwind (removing a half-written temp file) on SIGTERM."""
    unwind_on_sigterm()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: a parent killed by SIGKILL ends us


def unwind_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so a temporary file being written is removed. Only the first: a
    worker gets one from its parent and another when the parent ends (PR_SET_PDEATHSIG), and the
    second, raised inside the first one's clean-up, would leave the temporary file behind."""

    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


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
