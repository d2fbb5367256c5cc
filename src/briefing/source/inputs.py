"""Reading an input file safely: a regular file, its size bounded, UTF-8; every failure one clear error.

Reading an input file (brief, seed, photo, settings) safely: only a regular file, its size checked on
the opened file, text decoded as UTF-8 (naming the encoding it looks like otherwise); every failure one
``BriefError`` naming the file, what happened and what to do. ``Reads`` records the sha256 of the bytes
read, so a build records what it proved a PDF from, not what the file holds later."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BriefError

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_bytes(path: Path, display: str, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; ``BriefError`` for anything else."""
    def refuse(message: str) -> BriefError:
        return BriefError.single(display, message)

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)  # O_NONBLOCK: opening a FIFO does not wait for a writer
    except ValueError:
        raise refuse(f"the {what}'s name contains a NUL character; rename it") from None
    except FileNotFoundError:
        raise refuse(f"no such {what}; check the name and folder") from None
    except PermissionError:
        raise refuse(f"cannot read the {what}: permission denied; make it readable (chmod u+r)") from None
    except OSError as error:
        raise refuse(f"cannot read the {what}: {error.strerror or error}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise refuse(f"is {kind}, not a regular file; only regular files are read")
        if info.st_size > max_bytes:
            raise refuse(f"the {what} is {_kb(info.st_size)}, over the {_kb(max_bytes)} limit")
        with os.fdopen(handle, "rb") as file:
            handle = -1  # the file closes it
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise refuse(f"cannot read the {what}: {error.strerror or error}") from None
    finally:
        if handle >= 0:
            os.close(handle)
    if len(data) > max_bytes:  # it grew after it was opened
        raise refuse(f"the {what} is over the {_kb(max_bytes)} limit")
    return data


def _kb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 4 * 1024 * 1024 else f"{size // 1024} KB"


def decode(data: bytes, display: str) -> str:
    """UTF-8 text (a leading BOM dropped); ``BriefError`` naming the encoding the bytes look like."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BriefError.single(display, f"the file is not valid UTF-8 (byte {error.start}).{_guess(data)}",
                                line) from None
    return text[1:] if text.startswith("\ufeff") else text


def _guess(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return " It is UTF-16: re-save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)."
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return " Re-save it as UTF-8."
    return " It looks like GBK/GB 18030: re-save it as UTF-8 (e.g. iconv -f GBK -t UTF-8)."


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Reads:
    """Files read for one brief, each with the sha256 of the bytes read: path -> digest."""

    digests: dict[str, str] = field(default_factory=dict)

    def read(self, path: Path, display: str, max_bytes: int, what: str = "file") -> bytes:
        data = read_bytes(path, display, max_bytes, what)
        self.digests[os.fspath(path)] = digest(data)
        return data

    def text(self, path: Path, display: str, max_bytes: int, what: str = "file") -> str:
        return decode(self.read(path, display, max_bytes, what), display)
