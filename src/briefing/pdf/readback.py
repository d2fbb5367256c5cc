"""Reading a finished PDF back (for preview and print): present, a regular file, readable, with pages."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium


class PdfFileError(Exception):
    """A PDF that is missing or unreadable; the message is one line naming the file."""


@dataclass(frozen=True)
class LoadedPdf:
    path: Path
    page_sizes: tuple[tuple[float, float], ...]  # points
    title: str  # the document's /Title, whitespace collapsed ("" if none)

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF for pdfium, which reads it as it needs (never the whole file into memory at once); raise
    ``PdfFileError`` if it is missing, not a regular file (a FIFO would block), or not a readable PDF."""
    try:
        handle = path.open("rb", buffering=0) if _regular(path) else None
    except FileNotFoundError:
        raise PdfFileError(f"{path}: no such PDF") from None
    except OSError as error:
        raise PdfFileError(f"{path}: cannot read it ({error.strerror})") from None
    if handle is None:
        raise PdfFileError(f"{path}: not a regular file; name a PDF file")
    try:
        return pdfium.PdfDocument(handle, autoclose=True)
    except pdfium.PdfiumError as error:
        handle.close()
        raise PdfFileError(f"{path}: not a readable PDF ({error})") from None


def _regular(path: Path) -> bool:
    return stat.S_ISREG(os.stat(path).st_mode)


def load_pdf(path: Path) -> LoadedPdf:
    """The page sizes and title of a PDF; raise ``PdfFileError`` if it is missing or unreadable."""
    document = open_pdf(path)
    try:
        sizes = tuple(document.get_page_size(i) for i in range(len(document)))
        title = " ".join(document.get_metadata_value("Title").split())
    finally:
        document.close()
    if not sizes:
        raise PdfFileError(f"{path}: the PDF has no pages")
    return LoadedPdf(path, sizes, title)
