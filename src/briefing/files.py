"""Files written whole or not at all, temporary files only we make, one build per folder, paths as typed.

Files: written so that a reader, or a crash, sees the old file or the new one, never half of one;
temporary files named so that only this tool makes them (and only they are ever swept); one build at a
time on an output folder; and paths named the way the person typed them."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.briefing-(?P<token>[0-9a-f]{12})-(?P<tag>[0-9a-f]{8})\.tmp")
LOCK = ".briefing-lock"


def _tag(name: str, token: str) -> str:
    return hashlib.sha256(f"briefing temp/{name}/{token}".encode()).hexdigest()[:8]


def temp_name(name: str) -> str:
    """A temporary file's name for ``name``: random, and carrying a check only this tool computes, so a
    sweep can prove a file is one of ours (a person's ``.notes.tmp`` is never touched)."""
    token = secrets.token_hex(6)
    return f".{name}.briefing-{token}-{_tag(name, token)}{TEMP_SUFFIX}"


def is_ours(name: str) -> bool:
    """Whether ``name`` is one this tool gives its temporary files (``temp_name``)."""
    found = _TEMP_NAME.fullmatch(name)
    return bool(found) and _tag(found["name"], found["token"]) == found["tag"]


def temp_files(folder: Path) -> list[Path]:
    """Temporary files of this tool in ``folder`` (regular files only), e.g. left by a build killed with SIGKILL."""
    found = []
    for path in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            if is_ours(path.name) and stat.S_ISREG(path.lstat().st_mode):
                found.append(path)
        except OSError:
            pass
    return sorted(found)


def remove_stale_temp_files(folder: Path) -> None:
    """Remove what a killed build of ours left; call only while holding the folder's lock (``locked``),
    so no temporary file of a build still running is taken for a stale one."""
    for path in temp_files(folder):
        try:
            path.unlink()
        except OSError:
            pass


@contextmanager
def signals_deferred() -> Iterator[None]:
    """While a named temporary file exists: SIGTERM and SIGINT wait until it is renamed or removed, then
    act as they would have. Without this, a signal could land between creating the file and the
    ``try`` that removes it (as os.fdopen, a Python function, starts) and leave it behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, object] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        handler = signal.getsignal(signum)
        if handler is not signal.SIG_IGN and handler is not None:
            previous[signum] = signal.signal(signum, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


class AtomicFile:
    """A file written in pieces that appears at ``path`` whole, or not at all: written to a hidden
    temporary file beside it (``temp_name``) and renamed by ``commit``; ``discard`` removes it. Use it
    inside ``signals_deferred`` (``write_atomic`` and ``publish`` do)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.temp = path.parent / temp_name(path.name)
        # as readable as any file the user saves (the umask applies); O_EXCL: never someone else's file
        handle = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            self.out = os.fdopen(handle, "wb")
        except BaseException:
            os.close(handle)
            self.temp.unlink(missing_ok=True)
            raise

    def commit(self) -> None:
        try:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.out.close()
        self.temp.unlink(missing_ok=True)


def _write(path: Path, fill: Callable[[BinaryIO], None]) -> None:
    with signals_deferred():
        file = AtomicFile(path)
        try:
            fill(file.out)
        except BaseException:
            file.discard()
            raise
        file.commit()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the new one, never half."""
    _write(path, lambda out: out.write(data))


def publish(source: BinaryIO, path: Path) -> None:
    """Put the content of ``source`` at ``path`` as ``write_atomic`` does. ``source`` is a file without
    a name (``tempfile.TemporaryFile``) written over time: a process ended at once while writing it
    (``build.signals_end_at_once``) leaves nothing behind."""
    import shutil

    source.seek(0)
    _write(path, lambda out: shutil.copyfileobj(source, out, 1 << 20))


class FolderLock:
    """One build at a time on an output folder: an exclusive lock on ``<folder>/.briefing-lock``
    (``flock``: released by the system when the process, and the workers it forked, end)."""

    def __init__(self, folder: Path, waiting: Callable[[str], None]):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / LOCK
        self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(f"{display_path(self.path)}: held by another build writing to {display_path(folder)}/; "
                    "waiting for it to finish")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        except BaseException:
            os.close(self.handle)
            raise

    def release(self) -> None:
        if self.handle >= 0:
            os.close(self.handle)
            self.handle = -1


def os_error_message(error: OSError, doing: str) -> str:
    """What happened and what to do, for an OSError met while trying to ``doing`` (read, write) a file."""
    import errno

    advice = {errno.EACCES: "check the permissions of the file and its folder, or choose another folder",
              errno.EPERM: "check the permissions of the file and its folder, or choose another folder",
              errno.EROFS: "the disk is read-only: choose another folder",
              errno.ENOSPC: "the disk is full: free some space and build again",
              errno.EDQUOT: "the disk quota is used up: free some space and build again",
              errno.EISDIR: "a folder is in the way: move it",
              errno.ENOTDIR: "a file is in the way of a folder: move it",
              errno.ENOENT: "check that the folder exists"}.get(error.errno or 0, "check the disk and the folder")
    what = error.strerror or " ".join(str(error).split())
    return f"cannot {doing}: {what}; {advice}"


def os_error_line(error: OSError, doing: str = "use it") -> str:
    """One line for an OSError: ``path: what happened; what to do``."""
    if error.filename is None:
        return " ".join(str(error).split())
    return f"{display_path(Path(os.fsdecode(error.filename)))}: {os_error_message(error, doing)}"


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
