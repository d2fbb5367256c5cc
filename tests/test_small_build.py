"""A small build on two cores: its briefs are proved (pydantic, seeds, photos) by a second process while
the first imports ReportLab and loads the fonts, then writes the PDFs. The
result must be what one process makes: the same bytes, the same problems."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.build.workers import PARALLEL_FROM
from briefing.errors import BriefError

BUILD_AND_SAY_WHAT_WAS_IMPORTED = """
import sys
from pathlib import Path
from briefing.build.briefs import discover
from briefing.build.plan import build
project, out, jobs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
result = build(discover(project / "briefs"), project / out, project / "briefs" / "report.yaml", project / "seeds",
               jobs=jobs)
assert result.ok, [str(error) for error in result.errors]
print("pydantic" in sys.modules, "yaml" in sys.modules)
"""


def build_in_a_new_process(project: Path, out: str, jobs: int) -> str:
    done = subprocess.run([sys.executable, "-c", BUILD_AND_SAY_WHAT_WAS_IMPORTED, str(project), out, str(jobs)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_small_build_is_drawn_without_pydantic_and_matches_one_process(project: Path) -> None:
    assert len(discover(project / "briefs")) < PARALLEL_FROM
    assert build_in_a_new_process(project, "one", jobs=1) == "True True"
    assert build_in_a_new_process(project, "two", jobs=2) == "False False", \
        "the drawing process of a two-core small build imported pydantic or PyYAML"
    one = {p.name: p.read_bytes() for p in (project / "one").glob("*.pdf")}
    two = {p.name: p.read_bytes() for p in (project / "two").glob("*.pdf")}
    assert len(one) == 4 and one == two


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = {
    "a model error": [("anhui.yaml", "    unit: 亿元\n", "    unit: 7\n")],
    "a figure not in its source and a character not in the font, in one brief": [
        ("anhui.yaml", 'quote: "实施援建项目380余个"', 'quote: "实施援建项目381余个"'),
        ("anhui.yaml", 'title: "安徽援疆', 'title: "𠮷安徽援疆')],
    "a photo that is not an image (found where the photo is prepared)": [
        ("anhui.yaml", "sources:\n", 'photo: {file: photos/notes.jpg, caption: 说明}\nsources:\n')],
    "a photo that is not there (found where the path is checked)": [
        ("anhui.yaml", "sources:\n", 'photo: {file: photos/missing.jpg, caption: 说明}\nsources:\n')],
    "two bad briefs": [("anhui.yaml", "    unit: 亿元\n", "    unit: 7\n"),
                       ("shanghai.yaml", "title:", "titel: 拼错\ntitle:")],
}


def problems_of(project: Path, out: str, jobs: int) -> list[str]:
    result = build(discover(project / "briefs"), project / out, project / "briefs" / "report.yaml",
                   project / "seeds", jobs=jobs)
    return [str(problem) for error in result.errors for problem in error.problems]


@pytest.mark.parametrize("case", list(BROKEN))
def test_problems_found_by_the_prover_are_those_of_one_process(project: Path, case: str) -> None:
    (project / "briefs" / "photos" / "notes.jpg").write_text("not a photo", encoding="utf-8")
    for file, old, new in BROKEN[case]:
        edit(project / "briefs" / file, old, new)
    alone = problems_of(project, "one", jobs=1)
    assert alone and problems_of(project, "two", jobs=2) == alone
    assert sorted(p.name for p in (project / "two").glob("*.pdf")) == sorted(p.name for p in (project / "one").glob("*.pdf"))


@pytest.mark.parametrize("old, new", [("unit:", "unknown_field: 1\nunit:"), ("issue: 1", "issue: 0"),
                                      ("unit: ", "unit: 𠮷")], ids=["unknown field", "issue 0", "glyph"])
def test_bad_report_settings_stop_the_build_the_same_way(project: Path, old: str, new: str) -> None:
    edit(project / "briefs" / "report.yaml", old, new)
    raised = []
    for jobs, out in ((1, "one"), (2, "two")):
        with pytest.raises(BriefError) as caught:
            build(discover(project / "briefs"), project / out, project / "briefs" / "report.yaml", project / "seeds",
                  jobs=jobs)
        raised.append([str(problem) for problem in caught.value.problems])
        assert not list(project.glob(f"{out}/*.pdf")), "a PDF was written under bad report settings"
    assert raised[0] and raised[0] == raised[1]


def test_default_jobs_are_the_cpus_this_process_may_use() -> None:
    pinned = subprocess.run([sys.executable, "-c", "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
                             "from briefing.cli import _usable_cpus; print(_usable_cpus())"],
                            capture_output=True, text=True)
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.strip() == "1", "a process pinned to one CPU would start workers for every CPU"
