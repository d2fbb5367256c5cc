"""Preview PDFs as PNG: every page at a chosen resolution, and a contact sheet of the one-page briefings."""
from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import yaml
from PIL import Image, ImageDraw, ImageFont

from . import fonts
from .build import COMBINED
from .files import write_atomic
from .pdffile import LoadedPdf, PdfFileError, load_pdf

CONTACT_SHEET = "contact-sheet.png"
POINTS_PER_INCH = 72
SHEET_COLUMNS = 4
THUMB_BOX = (300, 425)  # px; an A4 page fills it
MARGIN = 24  # px around the sheet
GAP = 24  # px between pages
CAPTION_HEIGHT = 44  # px under each page for its name
CAPTION_SIZE = 24  # px
BACKGROUND = (255, 255, 255)
FRAME = (150, 150, 150)
CAPTION_INK = (34, 34, 34)


class PreviewError(Exception):
    """A PDF that cannot be previewed; the message is one line naming the file."""


@dataclass
class PreviewResult:
    pages: list[Path] = field(default_factory=list)
    contact_sheet: Path | None = None


def load(path: Path) -> LoadedPdf:
    """Read a PDF and check pdfium can open it; raise ``PreviewError`` if it is missing or unreadable."""
    try:
        return load_pdf(path)
    except PdfFileError as error:
        raise PreviewError(str(error)) from None


def render_pages(pdf: LoadedPdf, dpi: int) -> list[Image.Image]:
    """Every page as an RGB image at ``dpi`` pixels per inch."""
    document = pdfium.PdfDocument(pdf.data)
    try:
        return [document[i].render(scale=dpi / POINTS_PER_INCH).to_pil().convert("RGB") for i in range(len(document))]
    finally:
        document.close()


def thumbnail(pdf: LoadedPdf) -> Image.Image:
    """The first page rendered to fit ``THUMB_BOX``, keeping its proportions."""
    document = pdfium.PdfDocument(pdf.data)
    try:
        page = document[0]
        scale = min(THUMB_BOX[0] / page.get_width(), THUMB_BOX[1] / page.get_height())
        image = page.render(scale=scale).to_pil().convert("RGB")
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
    try:
        data = yaml.safe_load((briefs_dir / f"{pdf.stem}.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
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


def contact_sheet(pages: list[tuple[Image.Image, str]]) -> Image.Image:
    """Thumbnails side by side, four to a row, each framed and with its caption centred underneath."""
    sheet = Image.new("RGB", sheet_size(len(pages)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = caption_font()
    for index, (image, caption) in enumerate(pages):
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


def page_png(out_dir: Path, stem: str, number: int) -> Path:
    return out_dir / f"{stem}-{number}.png"


def remove_stale_pages(out_dir: Path, stem: str, count: int) -> None:
    """Delete ``<stem>-<n>.png`` left by an earlier, longer version of the PDF (n > count)."""
    pattern = re.compile(rf"{re.escape(stem)}-(\d+)\.png")
    for path in out_dir.iterdir():
        match = pattern.fullmatch(path.name)
        if match and int(match.group(1)) > count:
            path.unlink()


def is_briefing(pdf: LoadedPdf) -> bool:
    """A one-page briefing, as opposed to the combined report (or any other longer PDF)."""
    return pdf.path.name != COMBINED and pdf.page_count == 1


def preview(pdfs: list[Path], out_dir: Path, dpi: int = 110, briefs_dir: Path = Path("briefs"),
            log: Callable[[str], None] = lambda line: None) -> PreviewResult:
    """Write ``<stem>-<page>.png`` for every page of every PDF, and ``contact-sheet.png`` of the briefings.

    Every PDF is opened before anything is written, so a missing or corrupt one changes nothing.
    The contact sheet is written only when at least one one-page briefing is among ``pdfs``.
    """
    loaded = [load(path) for path in pdfs]
    result = PreviewResult()
    for pdf in loaded:
        for number, image in enumerate(render_pages(pdf, dpi), start=1):
            target = page_png(out_dir, pdf.path.stem, number)
            write_atomic(target, png_bytes(image, dpi))
            result.pages.append(target)
            log(f"wrote {target}")
        remove_stale_pages(out_dir, pdf.path.stem, pdf.page_count)
    briefings = [pdf for pdf in loaded if is_briefing(pdf)]
    if briefings:
        target = out_dir / CONTACT_SHEET
        sheet = contact_sheet([(thumbnail(pdf), label_for(pdf.path, briefs_dir)) for pdf in briefings])
        write_atomic(target, png_bytes(sheet))
        result.contact_sheet = target
        log(f"wrote {target} ({len(briefings)} briefing{'s' if len(briefings) > 1 else ''})")
    return result
