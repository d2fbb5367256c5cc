"""Photos: inside the brief's folder, JPEG/PNG only, bomb-guarded, oriented, downsampled, a clear error else."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from briefing.errors import BriefError
from briefing.page.layout import PageGeometry
from briefing.page.render import brief_pdf
from briefing.proof.check import check_brief, check_settings
from briefing.source.photos import JPEG_QUALITIES, PHOTO_BUDGET, PRINT_DPI, prepare
from sample_photo import draw_sample


def use_photo(project: Path, file: str, make_room: bool = False) -> Path:
    """The Anhui brief with a photo beside its lead (no shipped brief has one: they show real photographs
    only), with one section left to make room; ``make_room`` also drops a point, for a portrait photo."""
    brief = project / "briefs" / "anhui.yaml"
    text = brief.read_text(encoding="utf-8")
    if "\nphoto:" in text:  # a photo given already: another file
        brief.write_text(re.sub(r"(?m)^  file: photos/.*$", f"  file: {file}", text), encoding="utf-8")
        return brief
    text = text[:text.index("  - heading: 产业与就业")] + text[text.index("sources:"):]
    if make_room:
        text = text[:text.index('      - text: "2020年累计助销')] + text[text.index("sources:"):]
    text += f'photo:\n  file: {file}\n  caption: "测试用图（tests/sample_photo.py 绘制）"\n'
    brief.write_text(text, encoding="utf-8")
    return brief


def checked(project: Path, brief: Path):
    return check_brief(brief, project / "seeds", check_settings(project / "briefs" / "report.yaml"))


def error_of(project: Path, brief: Path) -> str:
    with pytest.raises(BriefError) as caught:
        checked(project, brief)
    message = str(caught.value.problems[0])
    assert message.startswith(f"{brief}:") and "photo.file" in message
    return message


def embedded_images(pdf_bytes: bytes) -> list[pikepdf.Object]:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [(int(x.Width), int(x.Height), str(x.Filter)) for _, x in pdf.pages[0].Resources.XObject.items()
                if x.Subtype == "/Image"]


def test_sample_photo_is_embedded_as_jpeg_at_most_300_dpi(project: Path) -> None:
    page = checked(project, use_photo(project, "photos/pishan.jpg"))
    pdf = brief_pdf(page, check_settings(project / "briefs" / "report.yaml"))
    (width, height, codec), = embedded_images(pdf)
    assert "/DCTDecode" in codec
    assert width <= round(PageGeometry().photo_width / 72 * PRINT_DPI) < 1600, "downsampled from 1600 px"
    assert len(pdf) <= 120_000, "a briefing with a photo stays within 120 KB"


def test_a_photo_is_stored_within_its_byte_budget_lowering_quality_only_as_needed(project: Path) -> None:
    from briefing.source.yamldoc import YamlDoc

    doc = YamlDoc("brief.yaml", None, {})
    smooth = prepare(project / "briefs" / "photos" / "pishan.jpg", 140, lambda: doc)
    assert len(smooth.jpeg) <= PHOTO_BUDGET
    noise = project / "noise.png"
    Image.effect_noise((1200, 800), 120).convert("RGB").save(noise)
    noisy = prepare(noise, 140, lambda: doc)
    best = io.BytesIO()
    Image.open(io.BytesIO(noisy.jpeg)).save(best, "JPEG", quality=JPEG_QUALITIES[0])
    assert len(noisy.jpeg) < len(best.getvalue()), "a photo over the budget is stored at a lower quality"
    assert Image.open(io.BytesIO(noisy.jpeg)).size == (noisy.width, noisy.height)


@pytest.mark.parametrize("file, message", [
    ("../seeds/000_768c86490f61e480.txt", "'..' is not allowed"),
    ("/etc/hostname", "relative to the brief's folder"),
    ("photos/missing.jpg", "no such file"),
])
def test_paths_outside_or_missing_are_refused(project: Path, file: str, message: str) -> None:
    assert message in error_of(project, use_photo(project, file))


def test_a_link_pointing_out_is_refused(project: Path) -> None:
    os.symlink("/etc/hostname", project / "briefs" / "photos" / "out.jpg")
    assert "outside the brief's folder" in error_of(project, use_photo(project, "photos/out.jpg"))


def test_not_an_image_gif_truncated(project: Path) -> None:
    photos = project / "briefs" / "photos"
    (photos / "text.jpg").write_text("not a picture", encoding="utf-8")
    assert "cannot be read as an image" in error_of(project, use_photo(project, "photos/text.jpg"))
    Image.new("RGB", (20, 20), "red").save(photos / "anim.gif")
    assert "is GIF; use a JPEG or PNG photo" in error_of(project, use_photo(project, "photos/anim.gif"))
    whole = (photos / "pishan.jpg").read_bytes()
    (photos / "cut.jpg").write_bytes(whole[: len(whole) // 3])
    assert "cannot be read as an image" in error_of(project, use_photo(project, "photos/cut.jpg"))


def test_decompression_bomb_is_refused(project: Path) -> None:
    bomb = project / "briefs" / "photos" / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(bomb, optimize=True)
    assert bomb.stat().st_size < 100_000
    assert "decompression bomb" in error_of(project, use_photo(project, "photos/bomb.png"))


def test_exif_orientation_is_applied(project: Path) -> None:
    image = draw_sample(800, 400)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    image.save(project / "briefs" / "photos" / "turned.jpg", exif=exif)
    page = checked(project, use_photo(project, "photos/turned.jpg", make_room=True))
    (width, height, _), = embedded_images(brief_pdf(page, check_settings(project / "briefs" / "report.yaml")))
    assert height > width, "a portrait photo stays portrait"


def test_png_with_transparency_is_flattened(project: Path) -> None:
    Image.new("RGBA", (400, 300), (200, 30, 30, 128)).save(project / "briefs" / "photos" / "clear.png")
    page = checked(project, use_photo(project, "photos/clear.png", make_room=True))
    assert "/DCTDecode" in embedded_images(brief_pdf(page, check_settings(project / "briefs" / "report.yaml")))[0][2]
