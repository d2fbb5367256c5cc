"""briefing preview: page images, the contact sheet, determinism and errors; and help text for every option."""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from briefing.cli import main
from briefing.preview import (CAPTION_HEIGHT, GAP, MARGIN, SHEET_COLUMNS, THUMB_BOX, PreviewError, label_for,
                              preview, sheet_size)
from conftest import STEMS

DPI = 110


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})})


@pytest.fixture
def with_pdfs(project: Path, built: Path) -> Path:
    """A project whose out/ holds the three briefings and combined.pdf."""
    for pdf in built.glob("*.pdf"):
        shutil.copy(pdf, project / "out" / pdf.name)
    return project


def page_count(pdf: Path) -> int:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def expected_size(pdf: Path, dpi: int = DPI) -> tuple[int, int]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    return math.ceil(width * dpi / 72), math.ceil(height * dpi / 72)


def red_pixels(image: Image.Image) -> int:
    """Pixels of the red 报头 and rules: strongly red, little green or blue."""
    r, g, b = image.convert("RGB").split()
    mask = ImageChops.multiply(ImageChops.multiply(r.point(lambda v: 255 if v > 170 else 0),
                                                   g.point(lambda v: 255 if v < 90 else 0)),
                               b.point(lambda v: 255 if v < 90 else 0))
    return mask.histogram()[255]


def dark_pixels(image: Image.Image) -> int:
    return sum(image.convert("L").histogram()[:100])


def test_every_page_one_png_of_the_right_size_and_a_contact_sheet(with_pdfs: Path, monkeypatch) -> None:
    monkeypatch.chdir(with_pdfs)
    result = CliRunner().invoke(main, ["preview"])
    assert result.exit_code == 0, result.output
    folder = with_pdfs / "out" / "preview"
    combined_pages = page_count(with_pdfs / "out" / "combined.pdf")
    expected = {f"{stem}-1.png" for stem in STEMS} | {f"combined-{n}.png" for n in range(1, combined_pages + 1)}
    assert {p.name for p in folder.iterdir()} == expected | {"contact-sheet.png"}, "no temporary file is left"
    assert result.output.splitlines()[-1] == "wrote out/preview/contact-sheet.png (3 briefings)"
    assert len(result.output.splitlines()) == len(expected) + 1, "one line per file written"
    for name in expected:
        stem = name.rsplit("-", 1)[0]
        with Image.open(folder / name) as image:
            assert image.format == "PNG" and image.mode == "RGB"
            assert image.size == expected_size(with_pdfs / "out" / f"{stem}.pdf")
            assert round(image.info["dpi"][0]) == DPI
    with Image.open(folder / "anhui-1.png") as image:
        top = image.crop((0, 0, image.width, image.height // 5))
        assert red_pixels(top) > 1000, "the red masthead is drawn"
        assert dark_pixels(image) > 10000, "the body text is drawn"


def test_contact_sheet_places_each_briefing_with_its_caption(with_pdfs: Path, monkeypatch) -> None:
    monkeypatch.chdir(with_pdfs)
    assert CliRunner().invoke(main, ["preview"]).exit_code == 0
    with Image.open(with_pdfs / "out" / "preview" / "contact-sheet.png") as sheet:
        sheet.load()
    assert sheet.size == (2 * MARGIN + 3 * THUMB_BOX[0] + 2 * GAP, 2 * MARGIN + THUMB_BOX[1] + CAPTION_HEIGHT)
    for column in range(3):
        left = MARGIN + column * (THUMB_BOX[0] + GAP)
        page = sheet.crop((left, MARGIN, left + THUMB_BOX[0], MARGIN + THUMB_BOX[1]))
        caption = sheet.crop((left, MARGIN + THUMB_BOX[1], left + THUMB_BOX[0],
                              MARGIN + THUMB_BOX[1] + CAPTION_HEIGHT))
        assert red_pixels(page) > 200, f"page {column + 1} is drawn"
        assert dark_pixels(caption) > 50, f"page {column + 1} has a caption"
    gutter = sheet.crop((MARGIN + THUMB_BOX[0] + 2, 0, MARGIN + THUMB_BOX[0] + GAP - 2, sheet.height))
    assert gutter.getextrema() == ((255, 255), (255, 255), (255, 255)), "pages do not overlap"


def test_sheet_wraps_into_rows_of_four() -> None:
    assert SHEET_COLUMNS == 4
    cell_w, cell_h = THUMB_BOX[0], THUMB_BOX[1] + CAPTION_HEIGHT
    assert sheet_size(1) == (2 * MARGIN + cell_w, 2 * MARGIN + cell_h)
    assert sheet_size(4) == (2 * MARGIN + 4 * cell_w + 3 * GAP, 2 * MARGIN + cell_h)
    assert sheet_size(5) == (2 * MARGIN + 4 * cell_w + 3 * GAP, 2 * MARGIN + 2 * cell_h + GAP)
    assert sheet_size(9)[1] == 2 * MARGIN + 3 * cell_h + 2 * GAP


def test_caption_is_the_briefs_province_else_the_file_stem(tmp_path: Path, project: Path) -> None:
    assert label_for(Path("out/anhui.pdf"), project / "briefs") == "安徽"
    assert label_for(Path("out/henan.pdf"), project / "briefs") == "henan"
    (tmp_path / "broken.yaml").write_text("province: [unclosed\n", encoding="utf-8")
    assert label_for(Path("broken.pdf"), tmp_path) == "broken"


def test_same_pdf_same_png_bytes(built: Path, tmp_path: Path) -> None:
    pdfs = [built / f"{stem}.pdf" for stem in STEMS]
    first = preview(pdfs, tmp_path / "a", dpi=60)
    preview(pdfs, tmp_path / "b", dpi=60)
    assert first.contact_sheet is not None and len(first.pages) == 3
    for path in [*first.pages, first.contact_sheet]:
        again = tmp_path / "b" / path.name
        assert path.read_bytes() == again.read_bytes(), path.name
    assert b"tIME" not in first.contact_sheet.read_bytes()


def test_combined_alone_has_no_contact_sheet_and_stale_pages_go(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    out.mkdir()
    (out / "combined-99.png").write_bytes(b"old")
    (out / "combined-notes.png").write_bytes(b"not ours")
    result = preview([built / "combined.pdf"], out, dpi=40)
    assert result.contact_sheet is None and not (out / "contact-sheet.png").exists()
    assert len(result.pages) == page_count(built / "combined.pdf")
    assert not (out / "combined-99.png").exists(), "a page the PDF no longer has is removed"
    assert (out / "combined-notes.png").read_bytes() == b"not ours"


@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "Error: missing.pdf: no such PDF"),
    ("corrupt.pdf", b"%PDF-1.4\nthis is not a PDF\n", "Error: corrupt.pdf: not a readable PDF (Failed to load"),
])
def test_missing_or_corrupt_pdf_exit_1_one_line_nothing_written(with_pdfs: Path, name: str, content: bytes | None,
                                                                message: str) -> None:
    if content is not None:
        (with_pdfs / name).write_bytes(content)
    done = run(with_pdfs, "preview", "out/anhui.pdf", name)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message), done.stderr
    assert not (with_pdfs / "out" / "preview").exists(), "every PDF is checked before anything is written"


def test_library_error_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PreviewError, match="nothing.pdf: no such PDF"):
        preview([tmp_path / "nothing.pdf"], tmp_path)


def test_no_pdfs_to_preview_and_bad_usage(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["preview"])
    assert result.exit_code == 1 and "run `briefing build` first" in result.output
    assert CliRunner().invoke(main, ["preview", "--dpi", "0"]).exit_code == 2
    assert CliRunner().invoke(main, ["preview", "--dpi", "many"]).exit_code == 2


# --- everyday comforts of the whole command line ---------------------------------------------------------------

def walk(command: click.Command, path: str = "briefing"):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, f"{path} {name}")


def test_every_command_and_option_has_help_text() -> None:
    missing = []
    for path, command in walk(main):
        if command.hidden:
            continue
        if not (command.help or command.short_help):
            missing.append(path)
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip():
                missing.append(f"{path} {param.opts[0]}")
    assert not missing, f"no help text: {missing}"
    assert {"build", "preview", "print"} <= set(main.commands)


def test_version_and_shell_completion(project: Path) -> None:
    assert run(project, "--version").stdout.startswith("briefing, version ")
    script = run(project, env={"_BRIEFING_COMPLETE": "bash_source"})
    assert script.returncode == 0 and "_briefing_completion" in script.stdout
    words = run(project, env={"_BRIEFING_COMPLETE": "bash_complete", "COMP_WORDS": "briefing pr", "COMP_CWORD": "1"})
    assert words.stdout.split() == ["plain,preview", "plain,print"]
