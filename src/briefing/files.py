"""Files: written so that a reader, or a crash, sees the old file or the new one, never half of one;
and named the way the person typed them."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


def temp_files(folder: Path) -> list[Path]:
    """Temporary files a killed build may have left in ``folder``."""
    return sorted(folder.glob(f".*{TEMP_SUFFIX}"))


def remove_stale_temp_files(folder: Path) -> None:
    for path in temp_files(folder):
        path.unlink(missing_ok=True)


class AtomicFile:
    """A file written in pieces that appears at ``path`` whole, or not at all: written to a hidden
    temporary file beside it and renamed by ``commit``; ``discard`` (or an error) removes it.

    The temporary file is named before it is created, so a signal at any moment after (even while it
    is being created) finds the name to remove; mkstemp could create the file and be interrupted
    before returning it."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.temp = path.parent / f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            # as readable as any file the user saves (the umask applies); O_EXCL: never someone else's file
            handle = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # the name was taken (not by us): leave that file alone
            raise
        except BaseException:
            self.temp.unlink(missing_ok=True)
            raise
        self.out = os.fdopen(handle, "wb")

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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the new one, never half."""
    file = AtomicFile(path)
    try:
        file.out.write(data)
    except BaseException:
        file.discard()
        raise
    file.commit()


def publish(source: BinaryIO, path: Path) -> None:
    """Put the content of ``source`` at ``path`` as ``write_atomic`` does. ``source`` is a file without
    a name (``tempfile.TemporaryFile``) written over time: a process ended at once while writing it
    (``build.signals_end_at_once``) leaves nothing behind."""
    import shutil

    source.seek(0)
    file = AtomicFile(path)
    try:
        shutil.copyfileobj(source, file.out, 1 << 20)
    except BaseException:
        file.discard()
        raise
    file.commit()


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
