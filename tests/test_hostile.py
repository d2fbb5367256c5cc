"""Hostile input, end to end: each case runs `briefing` on a copy of the project (built once first) and
asserts its exit code, a one-line message naming the file, no traceback, every file that was there before
byte-identical (the build's own bookkeeping aside) and nothing left behind. The stale-output cases build
twice and assert the second build fails or succeeds exactly as `briefing check` does.

``python tests/test_hostile.py`` prints the table of cases (exit code, message, outcome)."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOKKEEPING = {".briefing-manifest.json", ".briefing-pages", ".briefing-lock"}  # out/: the build's own
SHANGHAI_SEED = "003_c86d259adb8c50f8.txt"

# A build with a fault injected, for what a test cannot make for real (root reads any file): the CLI run
# after ``patch``; forked workers inherit it.
INJECTED = """
import errno, os, sys
{patch}
from briefing.cli import main
main(sys.argv[1:], prog_name="briefing")
"""
UNREADABLE = """
_open = os.open
def refusing(path, flags, *args, **kwargs):
    if os.fspath(path).endswith({name!r}){writing}:
        raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
    return _open(path, flags, *args, **kwargs)
os.open = refusing
"""
CRASHING = """
import briefing.page.layout as layout
_lay_out = layout.lay_out
def lay_out(loaded, *args, **kwargs):
    if loaded.stem == "shanghai":
        raise ZeroDivisionError("injected for the test")
    return _lay_out(loaded, *args, **kwargs)
layout.lay_out = lay_out
"""
EDITED_WHILE_READ = """
import briefing.source.inputs as inputs
_read_bytes = inputs.read_bytes
def read_bytes(path, *args, **kwargs):
    data = _read_bytes(path, *args, **kwargs)
    if os.fspath(path).endswith({seed!r}):  # someone saves the seed just after the build read it
        with open(path, "ab") as file:
            file.write("\\n（补记）".encode())
    return data
inputs.read_bytes = read_bytes
"""


def copy_project(to: Path) -> Path:
    (to / "briefs").mkdir(parents=True)
    for path in (ROOT / "briefs").iterdir():
        if path.is_file():
            shutil.copy2(path, to / "briefs" / path.name)
    shutil.copytree(ROOT / "briefs" / "photos", to / "briefs" / "photos")
    shutil.copytree(ROOT / "seeds", to / "seeds")
    return to


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, built once (copied for each case)."""
    project = copy_project(tmp_path_factory.mktemp("built"))
    done = briefing(project, "build")
    assert done.returncode == 0, done.stderr
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "p", symlinks=True)  # as cp -a: times kept
    return tmp_path / "p"


def briefing(project: Path, *args: str, patch: str = "", env: dict | None = None,
             preexec: Callable[[], None] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", INJECTED.format(patch=patch)] if patch else [sys.executable, "-m", "briefing"]
    return subprocess.run(command + list(args), cwd=project, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec)


def snapshot(project: Path) -> dict[str, bytes | None]:
    """Every file of the project (a folder: None), bookkeeping of out/ aside."""
    found: dict[str, bytes | None] = {}
    for path in sorted(project.rglob("*")):
        if path.name in BOOKKEEPING and path.parent.name == "out":
            continue
        name = str(path.relative_to(project))
        if path.is_symlink():
            found[name] = os.readlink(path).encode()
        elif path.is_dir():
            found[name] = None
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def errors_of(done: subprocess.CompletedProcess) -> list[str]:
    """The problems (``file: ...`` lines) and the last ``Error:`` line a command wrote to stderr."""
    return [line for line in done.stderr.splitlines() if line.strip()]


def problems_of(done: subprocess.CompletedProcess) -> list[str]:
    """The problem lines a command wrote to stderr (``file:line:col: field: message``), not its last line."""
    return [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("Error: ")]


def assert_clean_failure(done: subprocess.CompletedProcess, before: dict, project: Path, names: str) -> str:
    """Exit 1, each error one line naming ``names``, no traceback, nothing changed, nothing left."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    errors = errors_of(done)
    assert errors and any(names in line for line in errors), done.stderr
    assert "build again" not in done.stderr  # a deterministic error: building again changes nothing
    after = snapshot(project)
    assert {name for name in after if name not in before} == set(), "nothing left behind"
    changed = [name for name in before if after.get(name, b"<gone>") != before[name]]
    assert not changed, changed
    return errors[0]


# ------------------------------------------------------------------------------------------------
# Tracebacks and hangs: every bad input or OS error is one clear line, exit 1, nothing touched


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], tuple[str, ...]]  # changes the project; returns the arguments of the build
    names: str  # what the message must name
    patch: str = ""
    preexec: Callable[[], None] | None = None


def _seed_gbk(project: Path) -> tuple[str, ...]:
    seed = project / "seeds" / SHANGHAI_SEED
    seed.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))
    return ("build",)


def _fifo_brief(project: Path) -> tuple[str, ...]:
    os.mkfifo(project / "briefs" / "fifo.yaml")
    return ("build",)


def _dev_zero_seed(project: Path) -> tuple[str, ...]:
    seed = project / "seeds" / SHANGHAI_SEED
    seed.unlink()
    seed.symlink_to("/dev/zero")
    return ("build",)


def _folder_as_seed(project: Path) -> tuple[str, ...]:
    seed = project / "seeds" / SHANGHAI_SEED
    seed.unlink()
    seed.mkdir()
    return ("build",)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _as_of_block(project: Path) -> tuple[str, ...]:
    _replace(project / "briefs" / "shanghai.yaml", 'as_of: "第九批援疆工作开展以来"', "as_of: >\n      第九批援疆工作开展以来")
    return ("build",)


def _tab_in_title(project: Path) -> tuple[str, ...]:
    _replace(project / "briefs" / "shanghai.yaml", "title: \"", "title: \"上海\\t")
    return ("build",)


def _nul_in_file_name(project: Path) -> tuple[str, ...]:
    _replace(project / "briefs" / "shanghai.yaml", f"file: {SHANGHAI_SEED}", f'file: "003\\0.txt"')
    return ("build",)


def _distribution_glyph(project: Path) -> tuple[str, ...]:
    _replace(project / "briefs" / "report.yaml", "送: 各对口援疆省市援疆指挥部", "送: 各对口援疆省市援疆指挥部𠀀")
    return ("build",)


def _watermark_line_break(project: Path) -> tuple[str, ...]:
    return ("build", "--watermark", "内部\n资料")


def _wrong_shape_manifest(project: Path) -> tuple[str, ...]:
    (project / "out" / ".briefing-manifest.json").write_text('{"format": 2, "briefs": {"anhui": 5}}')
    _replace(project / "briefs" / "anhui.yaml", "value: 37\n", "value: 73\n")  # and a bad brief: exit 1
    return ("build",)


def _folder_where_a_pdf_goes(project: Path) -> tuple[str, ...]:
    (project / "out" / "shanghai.pdf").unlink()
    (project / "out" / "shanghai.pdf").mkdir()
    return ("build",)


def _small_file_limit() -> None:
    """As a full disk does: a write fails (EFBIG here, ENOSPC there: one path of the code)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))


def _build(*extra: str) -> Callable[[Path], tuple[str, ...]]:
    return lambda project: ("build", *extra)


def _combined_brief(project: Path) -> tuple[str, ...]:
    shutil.copy(project / "briefs" / "anhui.yaml", project / "briefs" / "combined.yaml")
    return ("build",)


def _two_of_one_name(project: Path) -> tuple[str, ...]:
    (project / "other").mkdir()
    shutil.copy(project / "briefs" / "anhui.yaml", project / "other" / "anhui.yaml")
    return ("build", "briefs/anhui.yaml", "other/anhui.yaml", "--briefs", "briefs")


def _yml_twin(project: Path) -> tuple[str, ...]:
    shutil.copy(project / "briefs" / "anhui.yaml", project / "briefs" / "anhui.yml")
    return ("build",)


CASES = [
    Case("seed not UTF-8 (GB 18030)", _seed_gbk, "GBK"),
    Case("FIFO as a brief", _fifo_brief, "briefs/fifo.yaml"),
    Case("seed a link to /dev/zero", _dev_zero_seed, SHANGHAI_SEED),
    Case("folder as a seed", _folder_as_seed, SHANGHAI_SEED),
    Case("brief unreadable (EACCES)", _build(), "briefs/shanghai.yaml",
         UNREADABLE.format(name="shanghai.yaml", writing="")),
    Case("seed unreadable (EACCES)", _build(), SHANGHAI_SEED, UNREADABLE.format(name=SHANGHAI_SEED, writing="")),
    Case("report.yaml unreadable (EACCES)", _build(), "briefs/report.yaml",
         UNREADABLE.format(name="report.yaml", writing="")),
    Case("out/ read-only (EACCES)", _build("--force"), "out/",
         UNREADABLE.format(name="", writing=" and os.fspath(path).startswith('out') and flags & os.O_CREAT")),
    Case("disk full (file size limit)", _build("--force"), "out/anhui.pdf", preexec=_small_file_limit),
    Case("folder where a PDF goes", _folder_where_a_pdf_goes, "out/shanghai.pdf"),
    Case("as_of: > block (line break)", _as_of_block, "metrics[0].as_of"),
    Case("tab in a title", _tab_in_title, "title"),
    Case("NUL in a seed's file name", _nul_in_file_name, "sources[0].file"),
    Case("report.yaml distribution glyph missing", _distribution_glyph, "distribution.送"),
    Case("--watermark with a line break", _watermark_line_break, "--watermark"),
    Case("manifest of the wrong shape (+ a bad brief)", _wrong_shape_manifest, "briefs/anhui.yaml"),
    Case("brief named combined.yaml", _combined_brief, "briefs/combined.yaml"),
    Case("two briefs named anhui", _two_of_one_name, "other/anhui.yaml"),
    Case("anhui.yaml and anhui.yml", _yml_twin, "briefs/anhui.yml"),
    Case("a bug met by one brief (jobs 1)", _build("--force", "--jobs", "1"), "briefs/shanghai.yaml", CRASHING),
    Case("a bug met by one brief (prover)", _build("--force", "--jobs", "2"), "briefs/shanghai.yaml",
         CRASHING),
]


def run_case(case: Case, project: Path) -> tuple[subprocess.CompletedProcess, dict]:
    args = case.make(project)
    before = snapshot(project)
    return briefing(project, *args, patch=case.patch, preexec=case.preexec, timeout=60), before


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_one_line_and_touches_nothing(case: Case, project: Path) -> None:
    done, before = run_case(case, project)
    line = assert_clean_failure(done, before, project, case.names)
    if case.patch == CRASHING:  # the other briefs are built; the message names the brief, not "build again"
        assert "internal error while drawing this brief (ZeroDivisionError: injected for the test)" in line
        assert "wrote out/anhui.pdf" in done.stdout and "wrote out/zhejiang.pdf" in done.stdout
        assert "out/combined.pdf: not rewritten" in done.stderr


def test_the_same_checks_in_check_and_build(project: Path) -> None:
    """Control characters and report.yaml's glyphs: `check` refuses what `build` refuses, same line."""
    for make in (_as_of_block, _distribution_glyph, _nul_in_file_name, _combined_brief):
        copy = project.parent / f"c-{make.__name__}"
        shutil.copytree(project, copy, symlinks=True)
        make(copy)
        checked, done = briefing(copy, "check"), briefing(copy, "build")
        assert checked.returncode == done.returncode == 1, (make.__name__, checked.stderr, done.stderr)
        for line in problems_of(checked):
            assert line in done.stderr.splitlines(), (line, done.stderr)


def test_a_bug_met_by_one_brief_among_workers(project: Path) -> None:
    """The same in the parallel build (workers): the others are written, the brief is named."""
    for stem in ("anhui", "shanghai", "zhejiang"):
        for n in range(3):
            shutil.copy(project / "briefs" / f"{stem}.yaml", project / "briefs" / f"{stem}-{n}.yaml")
    before = snapshot(project)
    done = briefing(project, "build", "--jobs", "2", "--force", patch=CRASHING)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert errors_of(done)[0].startswith("briefs/shanghai.yaml: internal error while drawing this brief")
    assert "build again" not in done.stderr
    assert done.stdout.count("wrote ") == 11 and "combined.pdf" not in done.stdout
    after = snapshot(project)
    assert all(after[name] == data for name, data in before.items())


# ------------------------------------------------------------------------------------------------
# Stale or wrong output: the second build rebuilds, and fails or succeeds exactly as `check` does


def built_again_as_check_says(project: Path, *options: str, env: dict | None = None) -> subprocess.CompletedProcess:
    checked = briefing(project, "check", *options, env=env)
    done = briefing(project, "build", *options, env=env)
    assert done.returncode == checked.returncode, (checked.stdout, checked.stderr, done.stderr)
    assert "Traceback" not in done.stderr
    for line in problems_of(checked):  # each problem check found, build reports
        assert line in done.stderr.splitlines(), (line, done.stderr)
    return done


def test_a_copied_project_checks_its_own_seeds(project: Path) -> None:
    copy = project.parent / "copy"
    shutil.copytree(project, copy, symlinks=True)  # cp -a: the manifest comes along
    _replace(copy / "seeds" / SHANGHAI_SEED, "79.37亿元", "79.73亿元")
    done = built_again_as_check_says(copy)
    assert done.returncode == 1 and "shanghai.yaml" in done.stderr and "metrics[0].quote" in done.stderr
    assert "0 PDFs written, 4 unchanged" in briefing(project, "build").stdout  # the original is still current


def test_another_seeds_folder_is_another_input(project: Path) -> None:
    shutil.copytree(project / "seeds", project / "other")
    _replace(project / "other" / SHANGHAI_SEED, "79.37亿元", "79.73亿元")
    done = built_again_as_check_says(project, "--seeds", "other")
    assert done.returncode == 1 and "metrics[0].quote" in done.stderr
    same = project.parent / "same"
    shutil.copytree(project / "seeds", same)  # the same text in another folder: rebuilt, and good
    done = built_again_as_check_says(project, "--seeds", str(same))
    assert done.returncode == 0 and done.stdout.count("wrote ") == 4


def test_other_font_files_rebuild_every_pdf(project: Path, tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    shutil.copytree(ROOT / "fonts", fonts)
    # the same names and SHA256SUMS, other bytes: a subset cut differently (the bold face as the regular)
    shutil.copy(fonts / "NotoSerifSC-Bold.ttf", fonts / "NotoSerifSC-Regular.ttf")
    done = built_again_as_check_says(project, env={"BRIEFING_FONTS": str(fonts)})
    # wider digits and Latin (Noto Serif SC sets them beside the 仿宋): zhejiang no longer fits (as check says),
    # the other two are drawn with the new face
    assert done.returncode == 1 and "briefs/zhejiang.yaml: does not fit on one page" in done.stderr
    assert done.stdout.splitlines() == ["wrote out/anhui.pdf (body 12 pt)", "wrote out/shanghai.pdf (body 12 pt)"]


def test_a_seed_saved_while_the_build_reads_it(project: Path) -> None:
    """The manifest records the bytes the PDF was proved from, so the next build sees the change."""
    first = briefing(project, "build", "--force", patch=EDITED_WHILE_READ.format(seed=SHANGHAI_SEED))
    assert first.returncode == 0, first.stderr
    done = built_again_as_check_says(project)
    assert "wrote out/shanghai.pdf" in done.stdout and "wrote out/anhui.pdf" not in done.stdout


def test_building_one_brief_keeps_the_combined_report_whole(project: Path) -> None:
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(project / "out" / "combined.pdf"))
    _replace(project / "briefs" / "anhui.yaml", "助力皮山巩固", "助推皮山巩固")
    done = briefing(project, "build", "briefs/anhui.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["wrote out/anhui.pdf (body 12 pt)", "wrote out/combined.pdf (3 briefings)"]
    assert len(pdfium.PdfDocument(project / "out" / "combined.pdf")) == pages
    assert briefing(project, "build", "--force", "--out", "full").returncode == 0
    assert (project / "full" / "combined.pdf").read_bytes() == (project / "out" / "combined.pdf").read_bytes()
    assert "0 PDFs written, 4 unchanged" in briefing(project, "build").stdout  # the manifest kept the others
    # another brief changed but not named: combined.pdf is not made from a stale page, and says so
    _replace(project / "briefs" / "zhejiang.yaml", "打造产业协作", "推进产业协作")
    before = (project / "out" / "combined.pdf").read_bytes()
    done = briefing(project, "build", "briefs/anhui.yaml")
    assert done.returncode == 0 and "out/combined.pdf: not rewritten: briefs/zhejiang.yaml not built from its inputs as they are now" in done.stderr
    assert (project / "out" / "combined.pdf").read_bytes() == before
    assert briefing(project, "build").stdout.splitlines()[:2] == [
        "wrote out/zhejiang.pdf (body 12 pt)", "wrote out/combined.pdf (3 briefings)"]


def test_hidden_and_editor_files_are_skipped_and_yml_built(project: Path) -> None:
    for name in (".anhui.yaml", ".#anhui.yaml", "._anhui.yaml", "anhui.yaml~", "report.yml"):
        (project / "briefs" / name).write_text("not: a brief\n")
    (project / "briefs" / "zhejiang.yaml").rename(project / "briefs" / "zhejiang.yml")
    done = briefing(project, "build")
    assert done.returncode == 0, done.stderr
    for name in (".anhui.yaml", ".#anhui.yaml", "._anhui.yaml", "anhui.yaml~", "report.yml"):
        assert f"briefs/{name}: skipped" in done.stderr
    assert "wrote out/zhejiang.pdf" in done.stdout  # its path changed: built again


# ------------------------------------------------------------------------------------------------
# Only its own files; builds at once


@pytest.mark.parametrize("text", ["[]", '{"format": 2, "briefs": []}', '{"format": 2, "briefs": {"anhui": 5}}',
                                  '{"format": 2, "settings": 1, "environment": "", "briefs": {}, "combined": "", '
                                  '"combined_pdf": [], "fonts": {}}', "null", '"text"'])
def test_a_manifest_of_another_shape_is_no_manifest(tmp_path: Path, text: str) -> None:
    from briefing.build.manifest import MANIFEST, Manifest

    (tmp_path / MANIFEST).write_text(text)
    assert Manifest.read(tmp_path) == Manifest()


def test_bookkeeping_files_replaced_by_fifos_are_not_waited_on(project: Path) -> None:
    for name in (".briefing-manifest.json", ".briefing-pages"):
        (project / "out" / name).unlink()
        os.mkfifo(project / "out" / name)
    done = briefing(project, "build", timeout=60)
    assert done.returncode == 0 and done.stdout.count("wrote ") == 4, done.stderr


def test_os_errors_say_what_to_do() -> None:
    import errno

    from briefing.files import os_error_line

    full = OSError(errno.ENOSPC, "No space left on device", "out/anhui.pdf")
    assert os_error_line(full, "write") == ("out/anhui.pdf: cannot write: No space left on device; the disk is full: "
                                            "free some space and build again")


def test_files_of_others_in_out_are_never_removed(project: Path) -> None:
    theirs = [".notes.tmp", ".anhui.pdf.0123456789ab.tmp", ".x.briefing-0123456789ab-00000000.tmp"]
    for name in theirs:
        (project / "out" / name).write_text("mine")
    before = snapshot(project)
    for args in (("build",), ("build", "--force")):
        assert briefing(project, *args).returncode == 0
    after = snapshot(project)
    assert all(after[f"out/{name}"] == b"mine" for name in theirs)
    assert set(after) == set(before)


def test_what_a_killed_build_left_is_swept(project: Path) -> None:
    from briefing.files import temp_name

    left = project / "out" / temp_name("anhui.pdf")
    left.write_bytes(b"%PDF half")
    assert briefing(project, "build").returncode == 0
    assert not left.exists()


def test_a_build_waits_for_the_one_writing_to_out(project: Path) -> None:
    import fcntl

    with open(project / "out" / ".briefing-lock", "a") as held:  # as a build under way holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = subprocess.Popen([sys.executable, "-m", "briefing", "build", "--force"], cwd=project,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        note = waiting.stderr.readline()
        assert note == "out/.briefing-lock: held by another build writing to out/; waiting for it to finish\n"
        time.sleep(0.3)
        assert waiting.poll() is None and not list((project / "out").glob(".*.tmp")), "it waits, writing nothing"
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and out.count("wrote ") == 4, err


def test_two_builds_at_once_on_one_out(project: Path) -> None:
    _replace(project / "briefs" / "report.yaml", "issue: 1", "issue: 2")
    command = [sys.executable, "-m", "briefing", "build"]
    first = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.05)
    second = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert all("Traceback" not in err for _, err in outs)
    assert not list((project / "out").glob(".*.tmp"))
    assert "0 PDFs written, 4 unchanged" in briefing(project, "build").stdout


if __name__ == "__main__":  # the table of cases, for the closing note
    import tempfile

    def first_line(done: subprocess.CompletedProcess) -> str:
        return (errors_of(done) or [""])[0].replace("|", "\\|")

    with tempfile.TemporaryDirectory() as folder:
        base = copy_project(Path(folder) / "built")
        assert briefing(base, "build").returncode == 0
        print("| case | exit | message (first line) | outcome |\n|---|--:|---|---|")
        for case in CASES:
            copy = Path(folder) / case.name.replace(" ", "_").replace("/", "_")
            shutil.copytree(base, copy, symlinks=True)
            done, before = run_case(case, copy)
            try:
                assert_clean_failure(done, before, copy, case.names)
                outcome = "no traceback, files byte-identical, nothing left"
            except AssertionError as error:
                outcome = f"FAILED: {error}"
            print(f"| {case.name} | {done.returncode} | {first_line(done)} | {outcome} |")
