"""Briefs' drawn pages kept between builds, so a combined report is made again without redrawing them.

Briefs' drawn pages kept between builds (``out/.briefing-pages``), so that a combined report made
again after one brief of 1000 changed does not check and draw the other 999 again.

An entry holds what the combined report needs of one brief: the brief (as JSON), and its drawn page
(``render.Body``, as the report reprints it). It is used only when it was made from the very inputs the build finds (the brief,
its seeds and photo, the settings, the fonts, the version and options, its body size: ``key``). An
entry that is missing, torn, of another format or of other inputs is not used: the brief is checked
and drawn again.

Every entry lives in one file: each build writes a new one (the pages it drew, and the kept pages of
the briefs it did not draw again, copied as they are) into a file without a name, then puts it in
place of the old one. One file rather than one a brief: creating a thousand files took the main
process about a second. The file is records (a CRC-32, then marshalled plain values: reading a planted file cannot run code, as unpickling
could), then an index of them, then where the index starts and its CRC-32.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import struct
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

from ..files import publish
from .manifest import Entry
from ..pdf.document import Image, Link
from ..page.render import Body, Mark

FILE = ".briefing-pages"
FORMAT = 3  # 3: a page as the report reprints it, without its 版记
MAGIC = b"briefing pages 1\n"
TRAILER = struct.Struct(">QI")  # where the index starts, its CRC-32


def key(settings: str, environment: str, entry: Entry) -> str:
    """Every input of a brief's page and summary (its PDF's stamp aside)."""
    inputs = [FORMAT, settings, environment, entry.brief, sorted(entry.deps.items()), entry.body_size]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _record(entry_key: str, brief_json: bytes, body: Body) -> bytes:
    images = tuple((i.name, i.width, i.height, i.color_space, i.bits, i.filters, i.data) for i in body.images)
    payload = marshal.dumps((entry_key, brief_json, body.stream, body.characters, images,
                             tuple((link.target, link.rect) for link in body.links),
                             tuple((mark.key, mark.title, mark.level) for mark in body.marks),
                             body.tags))
    return zlib.crc32(payload).to_bytes(4, "big") + payload


def _read_record(data: bytes, entry_key: str) -> tuple[bytes, Body] | None:
    if len(data) < 4 or zlib.crc32(data[4:]).to_bytes(4, "big") != data[:4]:
        return None
    try:
        kept_key, brief_json, stream, characters, images, links, marks, tags = marshal.loads(data[4:])
        if kept_key != entry_key:
            return None
        return brief_json, Body(stream, characters, tuple(Image(*image) for image in images),
                                tuple(Link(target, tuple(rect)) for target, rect in links),
                                tuple(Mark(*mark) for mark in marks), tags)
    except (EOFError, ValueError, TypeError):
        return None


class PageCache:
    """The kept pages of the last build (``load``) and those of this one (``save``, then ``finish``)."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / FILE
        self._old, self._old_index = self._open_old()
        self._new: BinaryIO | None = None
        self._new_index: dict[str, tuple[int, int]] = {}
        self._position = 0

    def _open_old(self) -> tuple[BinaryIO | None, dict[str, tuple[int, int]]]:
        try:  # O_NONBLOCK: a FIFO put in its place is not waited on
            handle = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return None, {}
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            return None, {}
        file = os.fdopen(handle, "rb")
        try:
            size = os.fstat(file.fileno()).st_size
            if size < len(MAGIC) + TRAILER.size or file.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a page file")
            file.seek(size - TRAILER.size)
            start, crc = TRAILER.unpack(file.read(TRAILER.size))
            if not len(MAGIC) <= start <= size - TRAILER.size:
                raise ValueError("index out of the file")
            file.seek(start)
            index = file.read(size - TRAILER.size - start)
            if zlib.crc32(index) != crc:
                raise ValueError("torn index")
            entries = marshal.loads(index)
            if not isinstance(entries, dict):
                raise ValueError("not an index")
            return file, entries
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            file.close()
            return None, {}

    @property
    def entries(self) -> dict[str, tuple[int, int]]:
        """Where each page the last build kept lies in the file: stem → (offset, length)."""
        return dict(self._old_index)

    def _old_record(self, stem: str) -> bytes | None:
        where = self._old_index.get(stem)
        if self._old is None or not (isinstance(where, tuple) and len(where) == 2):
            return None
        offset, length = where
        try:
            self._old.seek(offset)
            data = self._old.read(length)
        except (OSError, TypeError, ValueError, OverflowError):
            return None
        return data if len(data) == length else None

    def load(self, stem: str, entry_key: str) -> tuple[bytes, Body] | None:
        """The brief (JSON) and page kept for these inputs by the last build, or None."""
        data = self._old_record(stem)
        return _read_record(data, entry_key) if data is not None else None

    def save(self, stem: str, entry_key: str, brief_json: bytes, body: Body) -> None:
        """Keep a brief's page for the next build."""
        self._append(stem, _record(entry_key, brief_json, body))

    def _append(self, stem: str, record: bytes) -> None:
        if self._new is None:
            # a file without a name until ``finish``: a build ended at once (a signal while ReportLab
            # draws, see build.signals_end_at_once) leaves nothing behind
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._new = tempfile.TemporaryFile(dir=self.out_dir)
            self._new.write(MAGIC)
            self._position = len(MAGIC)
        self._new.write(record)
        self._new_index[stem] = (self._position, len(record))
        self._position += len(record)

    def finish(self, keys: dict[str, str]) -> None:
        """Put this build's pages in place: those it saved, and the kept pages of the briefs in ``keys``
        (stem → the key of its current inputs) it did not draw again, if still theirs. A cache: a
        failure to write it only means pages will be drawn again."""
        try:
            for stem, entry_key in keys.items():
                if stem not in self._new_index:
                    data = self._old_record(stem)
                    if data is not None and _read_record(data, entry_key) is not None:
                        self._append(stem, data)
            if self._new is None:
                if self._old is not None and not keys:
                    self.close()
                    self.path.unlink(missing_ok=True)
                return
            index = marshal.dumps({stem: where for stem, where in self._new_index.items() if stem in keys})
            self._new.write(index + TRAILER.pack(self._position, zlib.crc32(index)))
            publish(self._new, self.path)
            self.discard()
        except OSError:
            self.discard()
        finally:
            self.close()

    def discard(self) -> None:
        """Drop this build's pages (the last build's stay)."""
        if self._new is not None:
            self._new.close()
            self._new = None
        self.close()

    def close(self) -> None:
        if self._old is not None:
            self._old.close()
            self._old = None
