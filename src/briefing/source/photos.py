"""Photos through Pillow: checked, oriented, downsampled to 200 dpi, stored as JPEG within a budget.

Photos through Pillow: a path that stays inside the brief's folder, JPEG or PNG only, bounded pixels,
EXIF orientation applied, downsampled to 200 dpi at its printed size and stored as JPEG within a byte budget."""
from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import BriefError, Problem
from . import inputs
from .yamldoc import YamlDoc

if TYPE_CHECKING:
    from PIL import Image

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # Pillow's decompression-bomb guard, tighter than its default
PRINT_DPI = 200  # at most 300 dpi asked; a 4.7 cm photo halftoned by an office printer shows no more
PHOTO_BUDGET = 14 * 1024  # bytes; keeps a one-page briefing with a photo under 120 KB
JPEG_QUALITIES = (85, 80, 75, 70, 65, 60)  # tried in turn until the photo fits the budget
ORIENTATION = 0x0112  # the EXIF tag
FORMATS = {"JPEG", "PNG"}


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to place: JPEG bytes, its pixel size (for the aspect ratio), the file it came from,
    and whether it is grey (one component) or colour."""

    jpeg: bytes
    width: int
    height: int
    source: Path
    gray: bool = False
    digest: str = ""  # sha256 of the file's bytes as read


def _refusal(doc: Callable[[], YamlDoc]) -> Callable[[str], BriefError]:
    """A photo.file problem, placed in ``doc`` (the brief's YAML, read only when there is a problem)."""

    def refuse(message: str) -> BriefError:
        found = doc()
        line, column = found.position(("photo", "file"))
        return BriefError([Problem(found.file, line, column, "photo.file", message)])
    return refuse


def resolve(brief_dir: Path, relative: str, doc: Callable[[], YamlDoc]) -> Path:
    """The photo's path, refused unless it is a relative path that stays inside the brief's folder."""
    refuse = _refusal(doc)

    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or relative.startswith(("~", "/")) or ":" in relative:
        raise refuse("must be a path relative to the brief's folder, e.g. photos/pishan.jpg")
    if ".." in pure.parts:
        raise refuse("must stay inside the brief's folder ('..' is not allowed)")
    root = brief_dir.resolve()
    path = (brief_dir / pure).resolve()
    if not path.is_relative_to(root):
        raise refuse("resolves outside the brief's folder (a link pointing out?)")
    if not path.exists():
        raise refuse(f"no such file: {relative}")
    if not path.is_file():
        raise refuse(f"{relative} is not a regular file; use a JPEG or PNG photo")
    return path


def prepare(path: Path, printed_width_pt: float, doc: Callable[[], YamlDoc], grayscale: bool = False) -> PreparedPhoto:
    """Decode, check, orient and downsample a photo; a broken or hostile file is a clear error."""
    from PIL import Image, ImageOps  # here: a process that only draws prepared photos never needs Pillow

    refuse = _refusal(doc)
    try:
        data = inputs.read_bytes(path, str(path), MAX_PHOTO_BYTES, "photo")
    except BriefError as error:
        raise refuse(error.problems[0].message) from None
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise refuse(f"is {image.format or 'not an image'}; use a JPEG or PNG photo")
                if image.width * image.height > MAX_PIXELS:
                    raise refuse(f"has {image.width}×{image.height} pixels, over the {MAX_PIXELS:,} limit")
                most = max(1, round(printed_width_pt / 72 * PRINT_DPI))
                turned = image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
                across, down = (image.height, image.width) if turned else (image.width, image.height)
                wanted = (most, math.ceil(most * down / across))
                image.draft("RGB", wanted[::-1] if turned else wanted)  # a JPEG decodes at 1/2, 1/4 or 1/8 size
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # nothing done when there is nothing to turn
                oriented = image
    except BriefError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise refuse(f"refused as a decompression bomb: {error}") from None
    except Image.UnidentifiedImageError:
        raise refuse("cannot be read as an image (not a format Pillow knows); re-save it as JPEG or PNG") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise refuse(f"cannot be read as an image ({error}); re-save it as JPEG or PNG") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    if oriented.mode in ("RGBA", "LA") or (oriented.mode == "P" and "transparency" in oriented.info):
        rgba = oriented.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        oriented = flat
    mode = "L" if grayscale else "RGB"
    picture = oriented if oriented.mode == mode else oriented.convert(mode)
    if picture.width > most:
        picture = picture.resize((most, max(1, round(picture.height * most / picture.width))), Image.Resampling.LANCZOS)
    return PreparedPhoto(_jpeg_within_budget(picture), picture.width, picture.height, path, picture.mode == "L",
                         inputs.digest(data))


def _jpeg_within_budget(picture: "Image.Image") -> bytes:
    """The best quality whose JPEG fits ``PHOTO_BUDGET``; the lowest tried when none does."""
    for quality in JPEG_QUALITIES:
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, optimize=True, subsampling=2)
        if out.tell() <= PHOTO_BUDGET:
            break
    return out.getvalue()
