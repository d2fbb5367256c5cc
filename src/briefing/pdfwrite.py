"""A small PDF writer: each object goes to the file as soon as it is made (a 1000-page report never sits
in memory whole), object numbers may be reserved before the object is written, and the file ID is a
digest of the bytes, so the same objects give the same file.

Only what our pages need: dictionaries written as text by the caller, streams (compressed by the
caller), a cross-reference table and a trailer.
"""
from __future__ import annotations

import hashlib
from typing import BinaryIO

from reportlab.lib.rl_accel import fp_str

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"  # the binary comment tells transfer programs the file is binary


def number(value: float) -> str:
    """A PDF number, as short as it can be written (ReportLab's formatting, so drawn pages agree)."""
    return fp_str(value)


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
    """Writes objects to ``out`` in the order they are given; ``close`` writes the cross-references."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets: dict[int, int] = {}
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
        return self.last

    def write(self, text: str, number_: int | None = None) -> int:
        """An object given as PDF text (a dictionary, an array ...); its number."""
        number_ = self._begin(number_)
        self._put(f"{number_} 0 obj\n{text}\nendobj\n".encode("latin-1"))
        return number_

    def write_stream(self, entries: str, data: bytes, number_: int | None = None) -> int:
        """A stream object: ``entries`` are its dictionary's keys but /Length, ``data`` its bytes as they
        are to be stored (already compressed, with the /Filter in ``entries``)."""
        number_ = self._begin(number_)
        self._put(f"{number_} 0 obj\n<< /Length {len(data)} {entries} >>\nstream\n".encode("latin-1"))
        self._put(data)
        self._put(b"\nendstream\nendobj\n")
        return number_

    def _begin(self, number_: int | None) -> int:
        if number_ is None:
            number_ = self.reserve()
        if number_ in self.offsets:
            raise ValueError(f"object {number_} written twice")
        self.offsets[number_] = self.position
        return number_

    def close(self, root: int, info: int) -> None:
        """The cross-reference table and trailer; every reserved object must have been written."""
        missing = [n for n in range(1, self.last + 1) if n not in self.offsets]
        if missing:
            raise ValueError(f"objects reserved but not written: {missing[:10]}")
        file_id = self.digest.hexdigest()[:32].upper()
        start = self.position
        rows = [f"xref\n0 {self.last + 1}\n", "0000000000 65535 f \n"]
        rows += [f"{self.offsets[n]:010d} 00000 n \n" for n in range(1, self.last + 1)]
        rows.append(f"trailer\n<< /Size {self.last + 1} /Root {ref(root)} /Info {ref(info)} "
                    f"/ID [<{file_id}> <{file_id}>] >>\nstartxref\n{start}\n%%EOF\n")
        self._put("".join(rows).encode("latin-1"))
