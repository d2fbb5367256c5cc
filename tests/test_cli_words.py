"""What the command line says, as a person reads it: help that reads whole at 80 columns, results on stdout and
problems on stderr in one form, right plurals, and `briefing new`'s skeleton (quoted, aligned, valid)."""
from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from briefing.author.skeleton import COMMENT_COLUMN, display_width, skeleton, yaml_quoted
from briefing.cli import failed_build_message, main, plural
from briefing.source import yamldoc
from briefing.source.model import Brief, validate


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "error", "COLUMNS": "80"}, timeout=300)


def help_of(*command: str) -> str:
    """``briefing ... --help`` as an 80-column terminal shows it (CliRunner would wrap at 80, not Click's 78)."""
    done = run(Path.cwd(), *command, "--help")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


def columns(text: str) -> int:
    """Terminal columns, counted independently of the code under test: wide and fullwidth characters two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- help -----------------------------------------------------------------------------------------------------

def test_every_command_has_a_summary_that_reads_whole_in_briefing_help_at_80_columns() -> None:
    text = help_of()
    listed = text[text.index("Commands:"):].splitlines()[1:]
    commands = {name: command for name, command in main.commands.items() if not command.hidden}
    assert len(listed) == len(commands), f"one line each, none wrapped:\n{text}"
    for line in listed:
        name, summary = line.split(None, 1)
        assert summary == commands[name].short_help, f"{name}: Click shortened its summary to {summary!r}"
        assert summary.endswith(".") and not summary.endswith("..."), line
        assert columns(line) <= 80, line


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_and_option_help_reads_whole_at_80_columns(command: str) -> None:
    text = help_of(command)
    for line in text.splitlines():
        assert columns(line) <= 80, line
        if not line.startswith("Usage:"):  # [BRIEF]... is how Click writes a repeatable argument
            assert not line.rstrip().endswith("..."), line
    sub = main.commands[command]
    assert sub.help and sub.help.split("\n")[0].strip().endswith("."), "its first line is a whole sentence"
    for param in sub.params:
        if isinstance(param, click.Option):
            assert param.help and param.help.rstrip().endswith((".", "]")), f"{command} {param.opts[0]}"


def test_print_help_says_the_report_prints_two_sided() -> None:
    assert "--duplex / --simplex" in help_of("print")
    assert "one-page briefing" in " ".join(help_of("print").split())


def test_preview_help_says_what_it_makes() -> None:
    text = " ".join(help_of("preview").split())
    assert "contact-sheet.png" in text and "zero-padded" in text and "never overwrites" in text
    assert "- " not in text.replace(" - ", ""), "no word broken at its hyphen"


# --- streams, prefixes, plurals ------------------------------------------------------------------------------

def test_plurals() -> None:
    assert [plural(n, "brief") for n in (0, 1, 2)] == ["0 briefs", "1 brief", "2 briefs"]
    assert plural(1, "PDF") == "1 PDF" and plural(3, "PDF") == "3 PDFs"


def test_check_results_on_stdout_problems_on_stderr_one_form_and_a_last_error_line(project: Path) -> None:
    good = run(project, "check")
    assert good.returncode == 0 and good.stderr == ""
    assert [line.split(", ")[0] for line in good.stdout.splitlines()] == [
        "briefs/anhui.yaml: ok", "briefs/shanghai.yaml: ok", "briefs/zhejiang.yaml: ok"]
    assert " figures verified against their sources, fits one page at " in good.stdout
    brief = project / "briefs" / "anhui.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("value: 37\n", "value: 73\n"), encoding="utf-8")
    bad = run(project, "check")
    assert bad.returncode == 1
    assert [line.split(":")[0] for line in bad.stdout.splitlines()] == ["briefs/shanghai.yaml",
                                                                        "briefs/zhejiang.yaml"]
    problems = bad.stderr.splitlines()
    assert problems[0].startswith("briefs/anhui.yaml:12:5: metrics[0].value: 73亿元 (qualifier 多) is not what")
    assert problems[-1] == f"Error: {plural(len(problems) - 1, 'problem')} in 1 file"
    assert not any(line.lower().startswith(("error: b", "note:")) for line in problems)


def test_build_problems_in_the_form_check_uses_and_a_last_line_that_tells_the_truth(project: Path) -> None:
    assert run(project, "build").returncode == 0
    anhui = project / "briefs" / "anhui.yaml"
    anhui.write_text(anhui.read_text(encoding="utf-8").replace("value: 37\n", "value: 73\n"), encoding="utf-8")
    assert run(project, "new", "jiangsu", "--province", "江苏").returncode == 0
    done = run(project, "build")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    checked = run(project, "check").stderr.splitlines()
    assert sorted(lines[:-2]) == sorted(checked[:-1]), "build and check name each problem alike"
    assert lines[-2:] == ["out/combined.pdf: not rewritten: 2 briefs failed, and a combined report must not silently "
                          "lack a province", "Error: 2 briefs failed (1 keeps its last good PDF; 1 has none yet)"]
    assert all(line.startswith(("briefs/", "out/")) for line in lines[:-1]), "one form: the file first"
    assert done.stdout.splitlines()[-1] == "0 PDFs written, 2 unchanged, in out/"
    (project / "briefs" / "jiangsu.yaml").unlink()
    done = run(project, "build")
    assert done.stderr.splitlines()[-2:] == [
        "out/combined.pdf: not rewritten: 1 brief failed, and a combined report must not silently lack a province",
        "Error: 1 brief failed (its last good PDF is kept)"]


def test_failed_build_message_for_every_mix(tmp_path: Path) -> None:
    paths = [Path(f"{stem}.yaml") for stem in ("a", "b", "c")]
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "b.pdf").write_bytes(b"%PDF")
    assert failed_build_message(paths[:1], tmp_path, []) == "1 brief failed (its last good PDF is kept)"
    assert failed_build_message(paths[:2], tmp_path, []) == "2 briefs failed (their last good PDFs are kept)"
    assert failed_build_message(paths[2:], tmp_path, []) == "1 brief failed (it has no PDF yet)"
    assert failed_build_message(paths, tmp_path, []) == (
        "3 briefs failed (2 keep their last good PDF; 1 has none yet)")
    (tmp_path / "a.pdf").unlink()
    assert failed_build_message(paths, tmp_path, [tmp_path / "b.pdf"]) == "2 briefs failed (none has a PDF yet)"
    assert failed_build_message(paths, tmp_path, []) == "3 briefs failed (1 keeps its last good PDF; 2 have none yet)"


def test_one_pdf_written_is_singular(project: Path) -> None:
    assert run(project, "build").returncode == 0
    brief = project / "briefs" / "shanghai.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    done = run(project, "build", "-v", "--no-combined")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("1 PDF written, 2 unchanged, in out/ in ")


# --- briefing new ----------------------------------------------------------------------------------------------

HOSTILE_PROVINCES = ["*a", "&x", "@", "%x", ">", "|", "!tag", "? x", "- a", "a: b", "a #b", "#", "'", '"', "\\",
                     "\\n", "{x}", "[x]", "`x`", ",", "yes", "null", "~", "1e3", "0x10", " 江苏", "江苏 ", "😀",
                     "e\u0301", "---", "...", "%YAML", "<<"]


@pytest.mark.parametrize("province", HOSTILE_PROVINCES)
def test_new_writes_valid_yaml_for_any_province_and_it_reads_back_as_typed(tmp_path: Path, province: str) -> None:
    result = CliRunner().invoke(main, ["new", "x", "--province", province, "--briefs", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = yamldoc.parse((tmp_path / "x.yaml").read_text(encoding="utf-8"), "x.yaml")
    brief = validate(doc, Brief)
    assert brief.province == province
    assert brief.title.startswith(province) and province in brief.lead


@pytest.mark.parametrize("province, why", [
    ("江苏\n", "has a line break, tab or other invisible character"),
    ("江\t苏", "has a line break, tab or other invisible character"),
    ("江\u2028苏", "has a line break, tab or other invisible character"),
    ("江\u200d苏", "has a line break, tab or other invisible character"),
    ("", "is blank"),
    ("  ", "is blank"),
    ("新疆生产建设兵团第一师阿拉尔市", "String should have at most 10 characters"),
])
def test_new_refuses_a_province_no_brief_may_have_in_one_line(project: Path, province: str, why: str) -> None:
    done = run(project, "new", "x", "--province", province)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"Error: x: --province {province!r}: {why}; give the short province name as printed, "
                           "e.g. 江苏\n")
    assert not (project / "briefs" / "x.yaml").exists()


@given(st.text(max_size=30))
def test_yaml_quoted_reads_back_as_exactly_the_text(text: str) -> None:
    assert yamldoc.parse(f"v: {yaml_quoted(text)}\n", "t").data == {"v": text}


def test_new_says_what_to_do_next_and_check_says_what_is_missing(project: Path) -> None:
    done = run(project, "new", "jiangsu", "--province", "江苏")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.splitlines() == [
        "wrote briefs/jiangsu.yaml",
        "now replace every placeholder (某某, 20XX, 0, the example texts) with what the articles in seeds/ state; "
        "`briefing check briefs/jiangsu.yaml` says what is still missing (`briefing build` fails on this brief "
        "until then)"]
    text = (project / "briefs" / "jiangsu.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[-1] == "# `briefing check` says what is still missing."
    checked = run(project, "check", "briefs/jiangsu.yaml")
    assert checked.returncode == 1 and "briefs/jiangsu.yaml:" in checked.stderr
    assert "not valid YAML" not in checked.stderr
    again = run(project, "new", "jiangsu", "--province", "江苏")
    assert again.returncode == 1 and again.stderr.startswith("Error: briefs/jiangsu.yaml: already exists")
    assert (project / "briefs" / "jiangsu.yaml").read_text(encoding="utf-8") == text


def test_new_into_a_folder_it_cannot_write_is_one_line(project: Path) -> None:
    (project / "file").write_text("not a folder", encoding="utf-8")
    done = run(project, "new", "x", "--province", "江苏", "--briefs", "file/briefs")
    assert done.returncode == 1 and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error: file/briefs/x.yaml: cannot write it (")


@pytest.mark.parametrize("province", ["江苏", "内蒙古", "A", "新疆兵团"])
def test_new_aligns_comments_by_display_width(province: str) -> None:
    text = skeleton(province)
    aligned = 0
    for line in text.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith("#") and indent > 8:  # a comment continued on a line of its own
            assert indent == COMMENT_COLUMN, line
            continue
        at = line.find(" # ", indent + (1 if stripped.startswith("#") else 0))  # past a commented-out field's '#'
        if at < 0:
            continue
        code = line[:at + 1]
        assert code.endswith("  "), line
        if columns(code.rstrip()) + 2 <= COMMENT_COLUMN:
            assert columns(code) == COMMENT_COLUMN, line
            aligned += 1
    assert aligned >= 20


def test_display_width_counts_east_asian_wide_and_fullwidth_as_two() -> None:
    assert display_width("江苏") == 4 and display_width("ab") == 2 and display_width("，。") == 4
    assert display_width("Ａ") == 2 and display_width("e\u0301") == 1 and display_width("…") == 1
