"""briefing preview: page images, the contact sheet, determinism and errors; and help text for every option."""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from briefing.cli import main
from briefing.share import preview as preview_module
from briefing.share.preview import (CAPTION_HEIGHT, CAPTION_SIZE, FRAME, GAP, MARGIN, MAX_PAGE_PIXELS, RECORD,
                                    SHEET_COLUMNS, SHEET_ROWS, THUMB_BOX, PreviewError, label_for, page_name, preview,
                                    sheet_names, sheet_size)
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


def blank_pdf(path: Path, pages: int, size: tuple[float, float] = (595.28, 841.89)) -> Path:
    """A PDF of ``pages`` pages, each a filled rectangle (cheap to render, full size in memory)."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=size)
        pdf.pages[-1].Contents = pdf.make_stream(f"0 0 1 rg 72 72 {size[0] - 144} {size[1] - 144} re f".encode())
    pdf.save(path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def test_every_page_one_png_of_the_right_size_and_a_contact_sheet(with_pdfs: Path, monkeypatch) -> None:
    monkeypatch.chdir(with_pdfs)
    result = CliRunner().invoke(main, ["preview"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    folder = with_pdfs / "out" / "preview"
    combined_pages = page_count(with_pdfs / "out" / "combined.pdf")
    expected = {f"{stem}-1.png" for stem in STEMS} | {page_name("combined", n, combined_pages)
                                                      for n in range(1, combined_pages + 1)}
    assert {p.name for p in folder.iterdir()} == expected | {"contact-sheet.png", RECORD}, "no temporary file left"
    assert result.stdout.splitlines()[-1] == "wrote out/preview/contact-sheet.png (3 briefings)"
    assert len(result.stdout.splitlines()) == len(expected) + 1, "one line per file written"
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


def test_page_numbers_are_zero_padded_so_names_sort_as_pages(tmp_path: Path) -> None:
    assert [page_name("combined", n, 12) for n in (1, 2, 10, 12)] == [
        "combined-01.png", "combined-02.png", "combined-10.png", "combined-12.png"]
    assert page_name("anhui", 1, 1) == "anhui-1.png" and page_name("big", 7, 400) == "big-007.png"
    result = preview([blank_pdf(tmp_path / "twelve.pdf", 12)], tmp_path / "out", dpi=36)
    assert [p.name for p in result.pages] == sorted(p.name for p in result.pages)
    assert [p.name for p in result.pages][::11] == ["twelve-01.png", "twelve-12.png"]


def test_contact_sheet_thumbnails_are_readable_size_with_captions_at_their_scale(with_pdfs: Path,
                                                                                   monkeypatch) -> None:
    monkeypatch.chdir(with_pdfs)
    assert CliRunner().invoke(main, ["preview"]).exit_code == 0
    with Image.open(with_pdfs / "out" / "preview" / "contact-sheet.png") as sheet:
        sheet.load()
    assert sheet.size == (2 * MARGIN + 3 * THUMB_BOX[0] + 2 * GAP, 2 * MARGIN + THUMB_BOX[1] + CAPTION_HEIGHT)
    assert sheet.width <= 1500, "a row fits a laptop screen's width"
    for column in range(3):
        left = MARGIN + column * (THUMB_BOX[0] + GAP)
        page = sheet.crop((left, MARGIN, left + THUMB_BOX[0], MARGIN + THUMB_BOX[1]))
        caption = sheet.crop((left, MARGIN + THUMB_BOX[1], left + THUMB_BOX[0],
                              MARGIN + THUMB_BOX[1] + CAPTION_HEIGHT))
        assert red_pixels(page) > 1000, f"page {column + 1} is drawn"
        # the page as drawn, measured by its grey frame's left edge: at least 600 px tall
        framed = sheet.crop((left - 2, MARGIN - 2, left + THUMB_BOX[0] + 2, MARGIN + THUMB_BOX[1] + 2))
        frame_x = next(x for x in range(framed.width) if framed.getpixel((x, framed.height // 2)) == FRAME)
        rows = [y for y in range(framed.height) if framed.getpixel((frame_x, y)) == FRAME]
        assert rows[-1] - rows[0] - 1 >= 600, f"page {column + 1} is {rows[-1] - rows[0] - 1} px tall"
        ink = caption.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink is not None, f"page {column + 1} has a caption"
        # the province name is set about as large as the page's own headings at this scale, not larger
        assert 12 <= ink[3] - ink[1] <= THUMB_BOX[1] / 25
    gutter = sheet.crop((MARGIN + THUMB_BOX[0] + 2, 0, MARGIN + THUMB_BOX[0] + GAP - 2, sheet.height))
    assert gutter.getextrema() == ((255, 255), (255, 255), (255, 255)), "pages do not overlap"


def test_sheet_wraps_into_rows_and_several_sheets() -> None:
    assert THUMB_BOX[1] >= 600 and CAPTION_SIZE < THUMB_BOX[1] / 25
    cell_w, cell_h = THUMB_BOX[0], THUMB_BOX[1] + CAPTION_HEIGHT
    assert sheet_size(1) == (2 * MARGIN + cell_w, 2 * MARGIN + cell_h)
    columns = SHEET_COLUMNS
    assert sheet_size(columns) == (2 * MARGIN + columns * cell_w + (columns - 1) * GAP, 2 * MARGIN + cell_h)
    assert sheet_size(columns + 1)[1] == 2 * MARGIN + 2 * cell_h + GAP
    per_sheet = SHEET_COLUMNS * SHEET_ROWS
    assert sheet_names(0) == [] and sheet_names(1) == sheet_names(per_sheet) == ["contact-sheet.png"]
    assert sheet_names(per_sheet + 1) == ["contact-sheet-1.png", "contact-sheet-2.png"]


def test_more_briefings_than_a_sheet_holds_make_numbered_sheets_and_fewer_make_one(built: Path, tmp_path: Path,
                                                                                   monkeypatch) -> None:
    monkeypatch.setattr(preview_module, "SHEET_ROWS", 1)
    pdfs = [built / f"{stem}.pdf" for stem in STEMS]
    extra = tmp_path / "fourth.pdf"
    shutil.copy(built / "anhui.pdf", extra)
    out = tmp_path / "preview"
    first = preview([*pdfs, extra], out, dpi=36)
    assert [p.name for p in first.contact_sheets] == ["contact-sheet-1.png", "contact-sheet-2.png"]
    with Image.open(first.contact_sheets[1]) as second:
        assert second.size == sheet_size(1)
    again = preview(pdfs, out, dpi=36)
    assert [p.name for p in again.contact_sheets] == ["contact-sheet.png"]
    assert sorted(p.name for p in again.removed) == ["contact-sheet-1.png", "contact-sheet-2.png"]
    assert not (out / "contact-sheet-1.png").exists(), "the sheets this tool wrote before are replaced"


def test_caption_is_the_briefs_province_else_the_file_stem(tmp_path: Path, project: Path) -> None:
    assert label_for(Path("out/anhui.pdf"), project / "briefs") == "安徽"
    assert label_for(Path("out/henan.pdf"), project / "briefs") == "henan"
    (tmp_path / "broken.yaml").write_text("province: [unclosed\n", encoding="utf-8")
    assert label_for(Path("broken.pdf"), tmp_path) == "broken"
    os.mkfifo(tmp_path / "fifo.yaml")
    assert label_for(Path("fifo.pdf"), tmp_path) == "fifo", "a FIFO is not read (it would block)"


def test_same_pdf_same_png_bytes(built: Path, tmp_path: Path) -> None:
    pdfs = [built / f"{stem}.pdf" for stem in STEMS]
    first = preview(pdfs, tmp_path / "a", dpi=60)
    preview(pdfs, tmp_path / "b", dpi=60)
    assert len(first.contact_sheets) == 1 and len(first.pages) == 3
    for path in [*first.pages, *first.contact_sheets]:
        again = tmp_path / "b" / path.name
        assert path.read_bytes() == again.read_bytes(), path.name
    assert b"tIME" not in first.contact_sheets[0].read_bytes()


def test_removes_only_the_pages_it_wrote_and_nobody_changed(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    out.mkdir()
    (out / "report-99.png").write_bytes(b"not ours, though named like a page")
    (out / "report-notes.png").write_bytes(b"not ours")
    preview([blank_pdf(tmp_path / "report.pdf", 5)], out, dpi=36)
    (out / "report-4.png").write_bytes(b"ours once, then edited by someone")
    result = preview([blank_pdf(tmp_path / "report.pdf", 2)], out, dpi=36)
    assert [p.name for p in result.removed] == ["report-3.png", "report-5.png"], "stale pages it wrote go"
    assert (out / "report-4.png").read_bytes() == b"ours once, then edited by someone"
    assert (out / "report-99.png").read_bytes() == b"not ours, though named like a page"
    assert (out / "report-notes.png").read_bytes() == b"not ours"
    assert result.contact_sheets == [] and not (out / "contact-sheet.png").exists(), "no briefing, no sheet"


@pytest.mark.parametrize("name", ["anhui-1.png", "contact-sheet.png"])
def test_a_file_it_did_not_write_is_never_overwritten(with_pdfs: Path, name: str) -> None:
    folder = with_pdfs / "out" / "preview"
    folder.mkdir()
    (folder / name).write_bytes(b"someone's own picture")
    before = snapshot(folder)
    done = run(with_pdfs, "preview")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (f"Error: {Path('out/preview') / name}: not written by briefing preview (or changed "
                           "since), so it is not overwritten; move it away or preview into another --out folder\n")
    assert snapshot(folder) == before, "nothing is written or removed"
    # a page it wrote and nobody changed since is replaced without a word
    (folder / name).unlink()
    assert run(with_pdfs, "preview").returncode == 0
    assert run(with_pdfs, "preview").returncode == 0


def test_an_interrupted_preview_leaves_its_files_proved_its_own(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "preview"
    pdf = blank_pdf(tmp_path / "one.pdf", 1)
    preview([pdf], out, dpi=36)
    original = preview_module.write_atomic

    def interrupted(path: Path, data: bytes) -> None:
        if path.name == "one-1.png":
            raise KeyboardInterrupt
        original(path, data)

    monkeypatch.setattr(preview_module, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        preview([pdf], out, dpi=40)  # a new page (another dpi), interrupted before it is put in place
    monkeypatch.undo()
    assert preview_module.Record(out).ours("one-1.png"), "the old page is still proved its own"
    preview([pdf], out, dpi=40)
    written = preview_module.digest((out / "one-1.png").read_bytes())
    assert preview_module.Record(out).files["one-1.png"] == [written]


@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "Error: missing.pdf: no such PDF"),
    ("corrupt.pdf", b"%PDF-1.4\nthis is not a PDF\n", "Error: corrupt.pdf: not a readable PDF (Failed to load"),
    ("fifo.pdf", "fifo", "Error: fifo.pdf: not a regular file; name a PDF file"),
])
def test_missing_or_corrupt_pdf_exit_1_one_line_nothing_written(with_pdfs: Path, name: str,
                                                                content: bytes | str | None, message: str) -> None:
    if content == "fifo":
        os.mkfifo(with_pdfs / name)
    elif content is not None:
        (with_pdfs / name).write_bytes(content)
    done = run(with_pdfs, "preview", "out/anhui.pdf", name)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message), done.stderr
    assert not (with_pdfs / "out" / "preview").exists(), "every PDF is checked before anything is written"


def test_two_pdfs_of_one_name_are_refused(with_pdfs: Path) -> None:
    (with_pdfs / "other").mkdir()
    shutil.copy(with_pdfs / "out" / "anhui.pdf", with_pdfs / "other" / "anhui.pdf")
    done = run(with_pdfs, "preview", "out/anhui.pdf", "other/anhui.pdf")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("Error: other/anhui.pdf: another PDF of this name is previewed too; preview it "
                           "separately, into another --out folder\n")
    assert not (with_pdfs / "out" / "preview").exists()


def test_a_page_too_large_at_the_chosen_dpi_is_refused_in_one_line(tmp_path: Path) -> None:
    a0 = blank_pdf(tmp_path / "poster.pdf", 1, (2384, 3370))  # A0: 841 × 1189 mm
    done = run(tmp_path, "preview", "poster.pdf", "--dpi", "600")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("Error: poster.pdf: page 1 is 841 × 1189 mm, 558 megapixels at 600 dpi (the limit is "
                           f"{MAX_PAGE_PIXELS // 1_000_000}); preview it with --dpi 160 or less\n")
    assert not (tmp_path / "out").exists()
    assert run(tmp_path, "preview", "poster.pdf", "--dpi", "160", "--out", "ok").returncode == 0
    with Image.open(tmp_path / "ok" / "poster-1.png") as image:
        assert image.width * image.height <= MAX_PAGE_PIXELS
    huge = blank_pdf(tmp_path / "huge.pdf", 1, (14400, 14400))  # 200 × 200 inches, the largest PDF page
    done = run(tmp_path, "preview", a0.name, huge.name)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == ("Error: huge.pdf: page 1 is 5080 × 5080 mm, 484 megapixels at 110 dpi (the limit is "
                           f"{MAX_PAGE_PIXELS // 1_000_000}); it is too large to preview at any --dpi\n")
    assert not (tmp_path / "out").exists()


PEAK_RSS = """\
import re, sys
from briefing.cli import main
try:
    main(sys.argv[1:])
except SystemExit as end:
    status = open("/proc/self/status", encoding="ascii").read()
    print(end.code, re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
"""


def peak_rss_mb(cwd: Path, *args: str) -> float:
    """Run ``briefing`` in a fresh process; its peak resident memory in MB (VmHWM: that of this program only,
    where getrusage's ru_maxrss may start from the forking parent's, pytest's)."""
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    code, kilobytes = done.stdout.split()[-2:]
    assert code == "0", done.stderr
    return int(kilobytes) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc (Linux)")
def test_memory_stays_bounded_for_a_400_page_pdf(tmp_path: Path) -> None:
    """Each page is let go once written: 400 pages take about the memory of 10 (all kept: ~600 MB more)."""
    blank_pdf(tmp_path / "ten.pdf", 10)
    blank_pdf(tmp_path / "many.pdf", 400)
    ten = peak_rss_mb(tmp_path, "preview", "ten.pdf", "--dpi", "72", "--out", "a")
    many = peak_rss_mb(tmp_path, "preview", "many.pdf", "--dpi", "72", "--out", "b")
    assert len(list((tmp_path / "b").glob("many-*.png"))) == 400
    assert many - ten < 40, f"peak {many:.0f} MB for 400 pages, {ten:.0f} MB for 10"
    assert many < 200


def test_a_folder_it_cannot_write_is_one_line(with_pdfs: Path) -> None:
    (with_pdfs / "afile").write_text("not a folder", encoding="utf-8")
    done = run(with_pdfs, "preview", "out/anhui.pdf", "--out", "afile/preview")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("Error: afile/preview: cannot write the preview there (Not a directory); choose another "
                           "--out folder (any PNG already written is whole)\n")


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
