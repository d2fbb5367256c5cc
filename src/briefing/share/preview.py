"""Preview PDFs as PNG: every page at a chosen resolution, and contact sheets of the one-page briefings.

Memory stays bounded whatever the number of pages: each page is rendered, written and let go before the
next, and a contact sheet holds at most ``SHEET_COLUMNS * SHEET_ROWS`` briefings. The files written are
recorded (name and digest) in ``RECORD``, and a file is removed only when that record proves it was
written here and it has not changed since; a file of the same name that was not is never overwritten.
"""
from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..build.briefs import COMBINED
from ..files import write_atomic
from ..page import fonts
from ..pdf.readback import LoadedPdf, PdfFileError, load_pdf, open_pdf
from ..source.inputs import digest

CONTACT_SHEET = "contact-sheet"  # contact-sheet.png, or contact-sheet-1.png... when there are several
RECORD = ".briefing-preview.json"
POINTS_PER_INCH = 72
MAX_PAGE_PIXELS = 40_000_000  # an A4 or Letter page at the highest --dpi (600) is 35 megapixels
SHEET_COLUMNS = 3  # a sheet ~1400 px wide: a laptop screen's width
SHEET_ROWS = 7  # 21 briefings a sheet, so a sheet stays ~5000 px tall (~21 MB in memory)
THUMB_BOX = (453, 640)  # px; an A4 page fills it: ~55 dpi, the titles readable
MARGIN = 24  # px around the sheet
GAP = 24  # px between pages
CAPTION_HEIGHT = 34  # px under each page for its name
CAPTION_SIZE = 20  # px: about the size of the page's own headings at this scale
BACKGROUND = (255, 255, 255)
FRAME = (150, 150, 150)
CAPTION_INK = (34, 34, 34)


class PreviewError(Exception):
    """A PDF that cannot be previewed, or a file in the way; the message is one line naming the file."""


@dataclass
class PreviewResult:
    pages: list[Path] = field(default_factory=list)
    contact_sheets: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def load(path: Path, dpi: int) -> LoadedPdf:
    """Open a PDF and check every page can be rendered at ``dpi`` within ``MAX_PAGE_PIXELS``; raise
    ``PreviewError`` if it is missing, unreadable, or has a page too large."""
    try:
        pdf = load_pdf(path)
    except PdfFileError as error:
        raise PreviewError(str(error)) from None
    for number, (width, height) in enumerate(pdf.page_sizes, start=1):
        if math.prod(pixel_size(width, height, dpi)) > MAX_PAGE_PIXELS:
            raise PreviewError(too_large(path, number, width, height, dpi))
    return pdf


def pixel_size(width: float, height: float, dpi: float) -> tuple[int, int]:
    """The bitmap size pdfium renders a ``width`` × ``height`` pt page at ``dpi`` (it rounds up)."""
    return math.ceil(width * dpi / POINTS_PER_INCH), math.ceil(height * dpi / POINTS_PER_INCH)


def too_large(path: Path, number: int, width: float, height: float, dpi: int) -> str:
    megapixels = math.prod(pixel_size(width, height, dpi)) / 1e6
    best = math.floor(POINTS_PER_INCH * math.sqrt(MAX_PAGE_PIXELS / (width * height)))
    while best > 0 and math.prod(pixel_size(width, height, best)) > MAX_PAGE_PIXELS:
        best -= 1
    advice = f"preview it with --dpi {best} or less" if best >= 36 else "it is too large to preview at any --dpi"
    return (f"{path}: page {number} is {width / POINTS_PER_INCH * 25.4:.0f} × {height / POINTS_PER_INCH * 25.4:.0f}"
            f" mm, {megapixels:,.0f} megapixels at {dpi} dpi (the limit is {MAX_PAGE_PIXELS // 1_000_000}); "
            f"{advice}")


def rendered_pages(pdf: LoadedPdf, dpi: int) -> Iterator[Image.Image]:
    """Each page as an RGB image at ``dpi`` pixels per inch, one at a time."""
    document = _open(pdf.path)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH)
                image = bitmap.to_pil().convert("RGB")
                bitmap.close()
            finally:
                page.close()
            yield image
    finally:
        document.close()


def _open(path: Path):
    try:
        return open_pdf(path)
    except PdfFileError as error:  # changed since it was checked
        raise PreviewError(str(error)) from None


def thumbnail(pdf: LoadedPdf) -> Image.Image:
    """The first page rendered to fit ``THUMB_BOX``, keeping its proportions."""
    document = _open(pdf.path)
    try:
        page = document[0]
        scale = min(THUMB_BOX[0] / page.get_width(), THUMB_BOX[1] / page.get_height())
        image = page.render(scale=scale).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    # pdfium rounds the bitmap size up, which can add one pixel column or row beyond the box
    return image.crop((0, 0, min(image.width, THUMB_BOX[0]), min(image.height, THUMB_BOX[1])))


def png_bytes(image: Image.Image, dpi: int | None = None) -> bytes:
    """PNG bytes with no time stamp or other varying chunk, so the same image always gives the same bytes."""
    buffer = io.BytesIO()
    options = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def label_for(pdf: Path, briefs_dir: Path) -> str:
    """The province of ``briefs_dir/<stem>.yaml`` when that brief exists and names one, else the file's stem."""
    from ..errors import BriefError
    from ..source import yamldoc

    brief = briefs_dir / f"{pdf.stem}.yaml"
    try:
        data = yamldoc.load(brief).data if brief.is_file() else None  # a FIFO of that name would block
    except (BriefError, OSError):
        return pdf.stem
    province = data.get("province") if isinstance(data, dict) else None
    return province.strip() if isinstance(province, str) and province.strip() else pdf.stem


def sheet_size(count: int) -> tuple[int, int]:
    """Pixel size of a contact sheet of ``count`` pages: rows of at most ``SHEET_COLUMNS``."""
    columns = min(count, SHEET_COLUMNS)
    rows = math.ceil(count / SHEET_COLUMNS)
    width = 2 * MARGIN + columns * THUMB_BOX[0] + (columns - 1) * GAP
    height = 2 * MARGIN + rows * (THUMB_BOX[1] + CAPTION_HEIGHT) + (rows - 1) * GAP
    return width, height


def caption_font() -> ImageFont.FreeTypeFont:
    path = fonts.fonts_dir() / fonts.FACE_FILES[fonts.SERIF]
    # the basic layout engine does not depend on whether libraqm is installed: same pixels everywhere
    return ImageFont.truetype(str(path), CAPTION_SIZE, layout_engine=ImageFont.Layout.BASIC)


def contact_sheet(pages: list[tuple[LoadedPdf, str]]) -> Image.Image:
    """Thumbnails in rows of ``SHEET_COLUMNS``, each framed and with its caption centred underneath;
    each page is rendered and pasted in turn."""
    sheet = Image.new("RGB", sheet_size(len(pages)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = caption_font()
    for index, (pdf, caption) in enumerate(pages):
        image = thumbnail(pdf)
        row, column = divmod(index, SHEET_COLUMNS)
        left = MARGIN + column * (THUMB_BOX[0] + GAP)
        top = MARGIN + row * (THUMB_BOX[1] + CAPTION_HEIGHT + GAP)
        x = left + (THUMB_BOX[0] - image.width) // 2
        y = top + (THUMB_BOX[1] - image.height) // 2
        sheet.paste(image, (x, y))
        draw.rectangle((x - 1, y - 1, x + image.width, y + image.height), outline=FRAME)
        box = draw.textbbox((0, 0), caption, font=font)
        text_x = left + (THUMB_BOX[0] - (box[2] - box[0])) // 2 - box[0]
        text_y = top + THUMB_BOX[1] + (CAPTION_HEIGHT - (box[3] - box[1])) // 2 - box[1]
        draw.text((text_x, text_y), caption, font=font, fill=CAPTION_INK)
    return sheet


def page_name(stem: str, number: int, count: int) -> str:
    """``<stem>-<number>.png``, the number zero-padded to the width of ``count`` so the names sort as pages."""
    return f"{stem}-{number:0{len(str(count))}d}.png"


def sheet_names(count: int) -> list[str]:
    """The contact sheets for ``count`` briefings: ``contact-sheet.png``, or numbered when several."""
    sheets = math.ceil(count / (SHEET_COLUMNS * SHEET_ROWS))
    if sheets <= 1:
        return [f"{CONTACT_SHEET}.png"] if count else []
    return [page_name(CONTACT_SHEET, number, sheets) for number in range(1, sheets + 1)]


def is_briefing(pdf: LoadedPdf) -> bool:
    """A one-page briefing, as opposed to the combined report (or any other longer PDF)."""
    return pdf.path.name != COMBINED and pdf.page_count == 1


class Record:
    """The files this tool wrote in a preview folder: by name, the digests of the bytes it wrote there
    (two while a file is being replaced, so an interrupted preview leaves either one proved ours)."""

    def __init__(self, folder: Path):
        self.path = folder / RECORD
        try:
            files = json.loads(self.path.read_text(encoding="utf-8")).get("files", {}) if self.path.is_file() else {}
            self.files = {name: [sha for sha in shas if isinstance(sha, str)] for name, shas in files.items()
                          if isinstance(name, str) and isinstance(shas, list) and name == Path(name).name}
        except (OSError, ValueError, AttributeError):
            self.files = {}

    def ours(self, name: str) -> bool:
        """Whether ``name`` holds exactly what this tool wrote there (so it may be replaced or removed)."""
        target = self.path.parent / name
        try:
            return target.is_file() and digest(target.read_bytes()) in self.files.get(name, [])
        except OSError:
            return False

    def in_the_way(self, names: list[str]) -> list[Path]:
        """Those of ``names`` that exist but are not ours: never overwritten."""
        folder = self.path.parent
        return [folder / name for name in names if (folder / name).exists() and not self.ours(name)]

    def write(self, name: str, data: bytes) -> Path:
        target = self.path.parent / name
        new = digest(data)
        self.files[name] = [*self.files.get(name, [])[-1:], new]
        self.save()  # recorded first: a file is never ours on disk without being ours in the record
        write_atomic(target, data)
        self.files[name] = [new]
        return target

    def remove_stale(self, pattern: re.Pattern[str], keep: set[str]) -> list[Path]:
        """Remove the files of ours whose names match ``pattern`` but are not in ``keep``, if unchanged."""
        removed = []
        for name in sorted(self.files):
            if pattern.fullmatch(name) and name not in keep:
                if self.ours(name):
                    (self.path.parent / name).unlink()
                    removed.append(self.path.parent / name)
                del self.files[name]  # gone, or changed by someone: no longer ours either way
        return removed

    def save(self) -> None:
        write_atomic(self.path, json.dumps({"files": self.files}, indent=1, sort_keys=True).encode() + b"\n")


def preview(pdfs: list[Path], out_dir: Path, dpi: int = 110, briefs_dir: Path = Path("briefs"),
            log: Callable[[str], None] = lambda line: None) -> PreviewResult:
    """Write ``<stem>-<page>.png`` for every page of every PDF, and contact sheets of the briefings.

    Every PDF is opened and its page sizes checked, and every file to be written is checked to be free
    (absent, or written here before and unchanged), before anything is written: a missing or corrupt
    PDF, a page too large, or a file in the way changes nothing. Contact sheets are written only when
    at least one one-page briefing is among ``pdfs``.
    """
    loaded = [load(path, dpi) for path in pdfs]
    stems = [pdf.path.stem for pdf in loaded]
    for index, pdf in enumerate(loaded):
        if pdf.path.stem in stems[:index] or pdf.path.stem == CONTACT_SHEET:
            why = ("another PDF of this name is previewed too" if pdf.path.stem != CONTACT_SHEET
                   else "its pages would take the contact sheet's name")
            raise PreviewError(f"{pdf.path}: {why}; preview it separately, into another --out folder")
    briefings = [pdf for pdf in loaded if is_briefing(pdf)]
    names = {pdf.path.stem: [page_name(pdf.path.stem, n, pdf.page_count) for n in range(1, pdf.page_count + 1)]
             for pdf in loaded}
    sheets = sheet_names(len(briefings))
    record = Record(out_dir)
    in_the_way = record.in_the_way([name for stem in names for name in names[stem]] + sheets)
    if in_the_way:
        raise PreviewError(f"{in_the_way[0]}: not written by briefing preview (or changed since), so it is not "
                           "overwritten; move it away or preview into another --out folder")
    try:
        return _write(loaded, names, sheets, briefings, record, out_dir, dpi, briefs_dir, log)
    except OSError as error:
        raise PreviewError(f"{out_dir}: cannot write the preview there ({error.strerror}); choose another --out "
                           "folder (any PNG already written is whole)") from None


def _write(loaded: list[LoadedPdf], names: dict[str, list[str]], sheets: list[str], briefings: list[LoadedPdf],
           record: Record, out_dir: Path, dpi: int, briefs_dir: Path, log: Callable[[str], None]) -> PreviewResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PreviewResult()
    for pdf in loaded:
        for name, image in zip(names[pdf.path.stem], rendered_pages(pdf, dpi)):
            result.pages.append(record.write(name, png_bytes(image, dpi)))
            del image
            log(f"wrote {result.pages[-1]}")
        stale = re.compile(rf"{re.escape(pdf.path.stem)}-\d+\.png")
        result.removed += record.remove_stale(stale, set(names[pdf.path.stem]))
    per_sheet = SHEET_COLUMNS * SHEET_ROWS
    for number, name in enumerate(sheets):
        group = briefings[number * per_sheet:(number + 1) * per_sheet]
        sheet = contact_sheet([(pdf, label_for(pdf.path, briefs_dir)) for pdf in group])
        result.contact_sheets.append(record.write(name, png_bytes(sheet)))
        del sheet
        log(f"wrote {result.contact_sheets[-1]} ({len(group)} briefing{'s' if len(group) != 1 else ''})")
    if sheets:
        result.removed += record.remove_stale(re.compile(rf"{CONTACT_SHEET}(-\d+)?\.png"), set(sheets))
    record.save()
    for path in result.removed:
        log(f"removed {path} (a page or sheet the PDF no longer has)")
    return result
