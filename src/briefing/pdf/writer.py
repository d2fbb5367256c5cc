"""A small PDF writer: objects go to the file as they are made; the same objects give the same file.

A small PDF writer: each object goes to the file as soon as it is made (a 1000-page report never sits
in memory whole), object numbers may be reserved before the object is written, and the file ID is a
digest of the bytes, so the same objects give the same file.

Only what our pages need: dictionaries written as text by the caller, streams (compressed by the
caller), and the cross-references. By default the dictionaries are gathered into compressed object
streams (PDF 1.5) of ``OBJECTS_PER_STREAM`` each and the cross-references written as a stream too, which
makes a briefing about a tenth smaller; ``object_streams=False`` writes a classic table instead.
"""
from __future__ import annotations

import hashlib
import math
import re
from array import array
from struct import pack
from typing import BinaryIO

from reportlab.lib.rl_accel import fp_str

from .flate import deflate

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"  # the binary comment tells transfer programs the file is binary
OBJECTS_PER_STREAM = 200
_PENDING = 0xFFFFFFFF  # in ``stream_of``: an object waiting for its object stream
_NOT_FINITE = re.compile(rb"(?:^|(?<=[\s\[]))[-+]?(?:nan|inf)(?=[\s\]]|$)", re.IGNORECASE)


def number(value: float) -> str:
    """A PDF number, as short as it can be written (ReportLab's formatting, so drawn pages agree);
    a NaN or infinity is refused: PDF has no way to write one."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return fp_str(value)


def check_content(content: bytes) -> bytes:
    """A content stream, refused (ValueError) when it holds a NaN or an infinity where a number goes
    (ReportLab writes them as ``nan``/``inf``, which readers take as operators or zero)."""
    found = _NOT_FINITE.search(content)
    if found:
        start = max(0, found.start() - 40)
        raise ValueError(f"a drawing wrote a number that is not finite: …{content[start:found.end() + 10]!r}")
    return content


def text_string(text: str) -> str:
    """A PDF text string: literal when it is printable ASCII, else UTF-16BE with a byte order mark."""
    if all(" " <= ch <= "~" for ch in text):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def name(text: str) -> str:
    """A PDF name; characters outside ! to ~ and the delimiters are written as #XX."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        out.append(ch if "!" <= ch <= "~" and ch not in "#/()<>[]{}%" else f"#{byte:02X}")
    return "/" + "".join(out)


def ref(number_: int) -> str:
    return f"{number_} 0 R"


class PdfWriter:
    """Writes objects to ``out`` in the order they are given (dictionaries a stream-full at a time);
    ``close`` writes the cross-references."""

    def __init__(self, out: BinaryIO, object_streams: bool = True):
        self.out = out
        self.object_streams = object_streams
        # by object number (arrays: a 1000-page report has 100,000 objects): its offset in the file, or
        # its object stream and index there; 0 where not (yet) written
        self.offsets = array("Q", [0])
        self.stream_of = array("I", [0])
        self.index_in = array("H", [0])
        self.pending: list[tuple[int, bytes]] = []  # dictionaries for the next object stream
        self.position = 0
        self.last = 0  # the highest object number reserved or written
        self.digest = hashlib.sha256()
        self._put(HEADER)

    def _put(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.position += len(data)

    def reserve(self) -> int:
        """A number for an object written later."""
        self.last += 1
        self.offsets.append(0)
        self.stream_of.append(0)
        self.index_in.append(0)
        return self.last

    def write(self, text: str, number_: int | None = None) -> int:
        """An object given as PDF text (a dictionary, an array ...); its number."""
        number_ = self._begin(number_)
        if not self.object_streams:
            self.offsets[number_] = self.position
            self._put(f"{number_} 0 obj\n{text}\nendobj\n".encode("latin-1"))
            return number_
        self.stream_of[number_] = _PENDING  # the stream's number is known when it is written
        self.pending.append((number_, text.encode("latin-1")))
        if len(self.pending) == OBJECTS_PER_STREAM:
            self._write_object_stream()
        return number_

    def write_stream(self, entries: str, data: bytes, number_: int | None = None) -> int:
        """A stream object: ``entries`` are its dictionary's keys but /Length, ``data`` its bytes as they
        are to be stored (already compressed, with the /Filter in ``entries``)."""
        number_ = self._begin(number_)
        self.offsets[number_] = self.position
        self._put(f"{number_} 0 obj\n<< /Length {len(data)} {entries} >>\nstream\n".encode("latin-1"))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")
        return number_

    def _begin(self, number_: int | None) -> int:
        if number_ is None:
            return self.reserve()
        if self.offsets[number_] or self.stream_of[number_]:
            raise ValueError(f"object {number_} written twice")
        return number_

    def _write_object_stream(self) -> None:
        if not self.pending:
            return
        stream = self.reserve()
        heads, bodies, at = [], [], 0
        for index, (number_, text) in enumerate(self.pending):
            heads.append(f"{number_} {at}")
            bodies.append(text)
            at += len(text) + 1
            self.stream_of[number_], self.index_in[number_] = stream, index
        head = " ".join(heads).encode("ascii") + b"\n"
        self.write_stream(f"/Type /ObjStm /N {len(self.pending)} /First {len(head)} /Filter /FlateDecode",
                          deflate(head + b"\n".join(bodies)), stream)
        self.pending = []

    def close(self, root: int, info: int) -> None:
        """The cross-references and trailer; every reserved object must have been written."""
        self._write_object_stream()
        missing = [n for n in range(1, self.last + 1) if not self.offsets[n] and not self.stream_of[n]]
        if missing:
            raise ValueError(f"objects reserved but not written: {missing[:10]}")
        file_id = self.digest.hexdigest()[:32].upper()
        trailer = f"/Root {ref(root)} /Info {ref(info)} /ID [<{file_id}> <{file_id}>]"
        start = self.position
        if not self.object_streams:
            rows = [f"xref\n0 {self.last + 1}\n", "0000000000 65535 f \n"]
            rows += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, self.last + 1)]
            rows.append(f"trailer\n<< /Size {self.last + 1} {trailer} >>\nstartxref\n{start}\n%%EOF\n")
            self._put("".join(rows).encode("latin-1"))
            return
        xref = self.reserve()
        self.offsets[xref] = start
        size = self.last + 1
        width = max(2, (max(start, size).bit_length() + 7) // 8)
        rows = [b"\0" + b"\0" * width + b"\xff\xff"]
        for n in range(1, size):
            if self.offsets[n]:
                rows.append(b"\1" + self.offsets[n].to_bytes(width, "big") + b"\0\0")
            else:
                rows.append(b"\2" + self.stream_of[n].to_bytes(width, "big") + pack(">H", self.index_in[n]))
        # each row stored as its difference from the row above (PNG's Up predictor): the columns change
        # little from one object to the next, so the stream compresses to a sixth
        table = b"".join(rows)
        columns = 3 + width
        above = bytes(columns) + table[:-columns]
        difference = bytes(map(lambda a, b: (a - b) & 0xFF, table, above))
        data = deflate(b"".join(b"\2" + difference[at:at + columns] for at in range(0, len(difference), columns)))
        self._put(f"{xref} 0 obj\n<< /Type /XRef /Size {size} /W [1 {width} 2] {trailer} /Length {len(data)} "
                  f"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns {columns} >> >>\nstream\n"
                  .encode("latin-1"))
        self._put(data)
        self._put(f"\nendstream\nendobj\nstartxref\n{start}\n%%EOF\n".encode("latin-1"))
