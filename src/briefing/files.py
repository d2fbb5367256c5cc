"""Files: written so that a reader, or a crash, sees the old file or the new one, never half of one;
and named the way the person typed them."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_files(folder: Path) -> list[Path]:
    """Temporary files a killed build may have left in ``folder``."""
    return sorted(folder.glob(f".*{TEMP_SUFFIX}"))


def remove_stale_temp_files(folder: Path) -> None:
    for path in temp_files(folder):
        path.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the new one, never half.

    The temporary file is named before it is created, so a signal at any moment after (even while it
    is being created) finds the name to remove; mkstemp could create the file and be interrupted
    before returning it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
    try:
        # as readable as any file the user saves (the umask applies); O_EXCL: never someone else's file
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except FileExistsError:  # the name was taken (not by us): leave that file alone
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
