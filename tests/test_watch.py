"""`briefing watch`: builds, rebuilds on a change, prints problems, keeps the last good PDFs, stops on Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.build.watch import Project, _edited_briefs, build_round, changes
from briefing.page.fonts import fonts_dir
from conftest import ROOT, page_texts, squeeze

sys.path.insert(0, str(ROOT / "benchmarks"))
from watch_latency import stamp  # noqa: E402 - a PDF's (inode, mtime), as the latency benchmark tells a new one

WAIT = 60.0  # seconds: the most any step may take on a loaded machine


def wait_for(what: str, done: Callable[[], bool], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if process.poll() is not None:
            pytest.fail(f"watch ended early (status {process.returncode}) waiting for {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {WAIT:.0f} s:\n{log.read_text()}")
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("how", [[], ["--poll"]], ids=["inotify", "poll"])
def test_watch_rebuilds_reports_keeps_and_stops(project: Path, how: list[str]) -> None:
    out, brief, log = project / "out", project / "briefs" / "anhui.yaml", project / "watch.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "briefing", "watch", *how], cwd=project,
                                   stdout=subprocess.DEVNULL, stderr=stderr,
                                   env={**os.environ, "PYTHONWARNINGS": "error"},
                                   # a shell's background job starts with SIGINT ignored, and Python then
                                   # never raises KeyboardInterrupt: Ctrl-C is what this test sends
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for("first build", lambda: "ok: 4 PDFs written" in log.read_text(), process, log)
        pdfs = {name: stamp(out / name) for name in ("anhui.pdf", "shanghai.pdf", "combined.pdf")}

        edit(brief, "自2010年起，安徽", "自2010年起，安徽省")  # a true change: the page must show it
        wait_for("new anhui.pdf and combined.pdf", lambda: stamp(out / "anhui.pdf") != pdfs["anhui.pdf"]
                 and stamp(out / "combined.pdf") != pdfs["combined.pdf"], process, log)
        wait_for("the round's summary", lambda: log.read_text().count("ok: ") == 2, process, log)
        assert "briefs/anhui.yaml changed" in log.read_text()
        assert "自2010年起，安徽省" in squeeze(page_texts(out / "anhui.pdf")[0])
        assert stamp(out / "shanghai.pdf") == pdfs["shanghai.pdf"], "an unchanged brief is not rebuilt"

        good = {name: (out / name).read_bytes() for name in ("anhui.pdf", "combined.pdf")}
        edit(brief, "value: 37\n", "value: 73\n")
        wait_for("the problem", lambda: "1 problem: the last good PDFs are kept" in log.read_text(), process, log)
        assert "briefs/anhui.yaml:12:5: metrics[0].value: 73亿元 (qualifier 多) is not what the quote states" \
            in log.read_text()
        assert {name: (out / name).read_bytes() for name in good} == good, "the last good PDFs are kept"

        edit(brief, "value: 73\n", "value: 37\n")  # mended: built again
        wait_for("the mended brief built", lambda: log.read_text().count("ok: ") == 3, process, log)

        seed = project / "seeds" / "000_768c86490f61e480.txt"  # a seed is an input too
        edit(seed, "累计拨付援疆资金37亿多元", "累计拨付援疆资金38亿多元")
        wait_for("the seed's problem", lambda: log.read_text().count("the last good PDFs are kept") == 2,
                 process, log)
        assert "seeds/000_768c86490f61e480.txt changed" in log.read_text()
        assert "metrics[0].quote: this phrase is not in source '000'" in log.read_text()

        process.send_signal(signal.SIGINT)
        assert process.wait(WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log.read_text()
    assert "Traceback" not in text and text.rstrip().endswith("stopped"), text
    assert not list(out.glob(".*.tmp")), "no temporary file left"


def test_inputs_are_briefs_photos_seeds_fonts_not_outputs_or_editor_files(project: Path) -> None:
    watched = Project(project / "briefs", project / "seeds", project / "briefs" / "out", fonts_dir())
    assert watched.is_input(project / "briefs" / "anhui.yaml")
    assert watched.is_input(project / "briefs" / "report.yaml")
    assert watched.is_input(project / "briefs" / "photos" / "pishan.jpg")
    assert watched.is_input(project / "seeds" / "000_768c86490f61e480.txt")
    assert watched.is_input(fonts_dir() / "NotoSerifSC-Regular.ttf")
    assert not watched.is_input(project / "briefs" / "notes.txt")
    assert not watched.is_input(project / "briefs" / "out" / "anhui.yaml"), "the out folder is never an input"
    for name in (".anhui.yaml.swp", "anhui.yaml~", ".#anhui.yaml", ".anhui.pdf.1a2b.tmp"):
        assert not watched.is_input(project / "briefs" / name), name
    assert project / "briefs" in [folder for folder in watched.folders()]
    assert len(watched.folders()) == 3


def test_a_few_edited_briefs_are_built_first_in_this_process(project: Path) -> None:
    watched = Project(project / "briefs", project / "seeds", project / "out", fonts_dir())
    brief = project / "briefs" / "anhui.yaml"
    assert _edited_briefs(watched, []) == [], "the first round"
    assert _edited_briefs(watched, [brief]) == [brief]
    assert _edited_briefs(watched, [project / "briefs" / "report.yaml"]) == [], "report.yaml: every brief"
    assert _edited_briefs(watched, [brief, project / "seeds" / "000_768c86490f61e480.txt"]) == []
    assert _edited_briefs(watched, [project / "briefs" / f"b{n}.yaml" for n in range(8)]) == []

    assert build_round(watched, []).problems == []
    combined = (project / "out" / "combined.pdf").read_bytes()
    edit(brief, "自2010年起，安徽", "自2010年起，安徽省")
    done = build_round(watched, [brief], first=[brief])
    assert done.problems == []
    assert [path.name for path in done.result.written] == ["anhui.pdf", "combined.pdf"], "the brief's PDF first"
    assert len(done.result.unchanged) == 2
    assert (project / "out" / "combined.pdf").read_bytes() != combined

    edit(brief, "value: 37\n", "value: 73\n")
    combined = (project / "out" / "combined.pdf").read_bytes()
    done = build_round(watched, [brief], first=[brief])
    assert [p.field for p in done.problems] == ["metrics[0].value"], "each problem once"
    assert done.result.written == [] and (project / "out" / "combined.pdf").read_bytes() == combined


def test_a_round_reports_problems_instead_of_raising(project: Path) -> None:
    missing = project / "briefs" / "gone.yaml"
    watched = Project(project / "briefs", project / "seeds", project / "out", fonts_dir(), (missing,))
    done = build_round(watched, [missing])
    assert [p.message for p in done.problems] == ["not found; it was moved or deleted"]
    empty = project / "empty"
    empty.mkdir()
    done = build_round(Project(empty, project / "seeds", project / "out", fonts_dir()), [])
    assert [p.message for p in done.problems] == ["no briefs found (expected *.yaml files)"]
    (project / "briefs" / "report.yaml").write_text("name: [\n", encoding="utf-8")
    done = build_round(Project(project / "briefs", project / "seeds", project / "out", fonts_dir()), [])
    assert done.problems and done.problems[0].file.endswith("report.yaml")
    assert not list((project / "out").glob("*.pdf")), "no PDF written when report.yaml is bad"


def test_polling_sees_a_change_and_a_new_file(project: Path) -> None:
    watched = Project(project / "briefs", project / "seeds", project / "out", fonts_dir())
    found = changes(watched, poll=True)
    assert next(found) == []
    edit(project / "briefs" / "anhui.yaml", "安徽", "安徽省")
    (project / "briefs" / "new.yaml").write_text("x: 1\n", encoding="utf-8")
    (project / "briefs" / "notes.txt").write_text("not an input\n", encoding="utf-8")
    assert next(found) == sorted([project / "briefs" / "anhui.yaml", project / "briefs" / "new.yaml"])


def test_no_briefs_folder_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "briefing", "watch", "--briefs", "nowhere"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 1
    assert done.stderr == "Error: no folder nowhere/ to watch: run this where briefs/ is, or give --briefs\n"


def test_without_watchfiles_it_polls(project: Path, monkeypatch) -> None:
    import briefing.build.watch

    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import watchfiles now raises ImportError
    polled = []
    real = briefing.build.watch._polled
    monkeypatch.setattr(briefing.build.watch, "_polled", lambda project: polled.append(project) or real(project))
    watched = Project(project / "briefs", project / "seeds", project / "out", fonts_dir())
    found = changes(watched)
    assert next(found) == []
    edit(project / "seeds" / "000_768c86490f61e480.txt", "皮山新城", "皮山新城。")
    assert next(found) == [project / "seeds" / "000_768c86490f61e480.txt"]
    assert polled == [watched]


def test_an_os_error_is_a_problem_of_the_round(project: Path) -> None:
    (project / "out").rmdir()
    (project / "out").write_text("a file where the PDFs go\n", encoding="utf-8")
    done = build_round(Project(project / "briefs", project / "seeds", project / "out", fonts_dir()), [])
    [problem] = done.problems
    assert problem.file.endswith("out") and problem.message.startswith("cannot write: ")
    assert (project / "out").read_text(encoding="utf-8") == "a file where the PDFs go\n"


def test_watching_one_brief_keeps_the_combined_report_whole(project: Path) -> None:
    every = Project(project / "briefs", project / "seeds", project / "out", fonts_dir())
    assert build_round(every, []).problems == []
    brief = project / "briefs" / "anhui.yaml"
    edit(brief, "自2010年起，安徽", "自2010年起，安徽省")
    done = build_round(Project(every.briefs_dir, every.seeds_dir, every.out_dir, every.fonts_dir, (brief,)), [brief])
    assert done.problems == []
    assert sorted(path.name for path in done.result.written) == ["anhui.pdf", "combined.pdf"]
    text = squeeze("".join(page_texts(project / "out" / "combined.pdf")))
    assert "安徽省" in text and all(p in text for p in ("上海", "浙江")), "combined.pdf keeps every province"
