"""The command line: what it writes, prints and exits with."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from conftest import page_texts


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "error"})


def test_build_writes_every_pdf_and_one_line_each(project: Path) -> None:
    done = run(project, "build")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "wrote out/anhui.pdf (body 12 pt)", "wrote out/shanghai.pdf (body 12 pt)",
        "wrote out/zhejiang.pdf (body 12 pt)", "wrote out/combined.pdf (3 briefings)"]
    assert done.stderr == ""


def test_bad_brief_exit_1_one_line_no_traceback_good_pdf_kept(project: Path) -> None:
    assert run(project, "build").returncode == 0
    before = (project / "out" / "anhui.pdf").read_bytes()
    combined_before = (project / "out" / "combined.pdf").read_bytes()
    brief = project / "briefs" / "anhui.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("value: 37\n", "value: 73\n"), encoding="utf-8")
    done = run(project, "build", "--force")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("briefs/anhui.yaml:12:5: metrics[0].value: 73亿元 (qualifier 多) is not what the "
                               "quote states (37亿多元)")
    assert lines[-2:] == ["out/combined.pdf: not rewritten: 1 brief failed, and a combined report must not silently "
                          "lack a province", "Error: 1 brief failed (its last good PDF is kept)"]
    assert (project / "out" / "anhui.pdf").read_bytes() == before
    assert (project / "out" / "combined.pdf").read_bytes() == combined_before
    assert "wrote out/zhejiang.pdf" in done.stdout, "the good briefs are still built"


def test_bad_usage_exit_2(project: Path) -> None:
    assert CliRunner().invoke(main, ["build", "--no-such-option"]).exit_code == 2
    assert CliRunner().invoke(main, ["build", "missing.yaml"]).exit_code == 2
    assert CliRunner().invoke(main, ["frobnicate"]).exit_code == 2


def test_named_briefs_and_no_combined(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "briefs/shanghai.yaml", "--no-combined", "--out", "elsewhere"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "elsewhere").glob("*.pdf")) == ["shanghai.pdf"]
    assert len(page_texts(project / "elsewhere" / "shanghai.pdf")) == 1


def test_missing_report_settings_is_an_input_error(project: Path) -> None:
    (project / "briefs" / "report.yaml").unlink()
    done = run(project, "build")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("briefs/report.yaml: report settings not found")
    assert not list((project / "out").glob("*.pdf"))


def test_version_and_help() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "briefing" in result.output
    assert "--no-combined" in CliRunner().invoke(main, ["build", "--help"]).output


def test_quiet_and_verbose(project: Path) -> None:
    assert run(project, "build", "-q").stdout == ""
    verbose = run(project, "build", "-v").stdout.splitlines()
    assert "unchanged out/anhui.pdf" in verbose and verbose[-1].startswith("0 PDFs written, 4 unchanged, in out/ in ")
