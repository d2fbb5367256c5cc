"""Files: written so that a reader, or a crash, sees the old file or the new one, never half of one;
and named the way the person typed them."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)
os.umask(_UMASK)

TEMP_SUFFIX = ".tmp"


def temp_files(folder: Path) -> list[Path]:
    """Temporary files a killed build may have left in ``folder``."""
    return sorted(folder.glob(f".*{TEMP_SUFFIX}"))


def remove_stale_temp_files(folder: Path) -> None:
    for path in temp_files(folder):
        path.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.chmod(temp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a PDF is as readable as any file the user saves
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def display_path(path: Path) -> str:
    """The path as a person typed it: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
