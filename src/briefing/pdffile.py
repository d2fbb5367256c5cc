"""Reading a finished PDF back (for preview and print): present, readable, with pages."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium


class PdfFileError(Exception):
    """A PDF that is missing or unreadable; the message is one line naming the file."""


@dataclass(frozen=True)
class LoadedPdf:
    path: Path
    data: bytes
    page_count: int
    title: str  # the document's /Title, whitespace collapsed ("" if none)


def load_pdf(path: Path) -> LoadedPdf:
    """Read a PDF and check pdfium can open it; raise ``PdfFileError`` if it is missing or unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PdfFileError(f"{path}: no such PDF") from None
    except OSError as error:
        raise PdfFileError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PdfFileError(f"{path}: not a readable PDF ({error})") from None
    try:
        count = len(document)
        title = " ".join(document.get_metadata_value("Title").split())
    finally:
        document.close()
    if count == 0:
        raise PdfFileError(f"{path}: the PDF has no pages")
    return LoadedPdf(path, data, count, title)
