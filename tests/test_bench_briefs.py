"""The benchmark's synthetic briefs prove honestly: each states figures its template does not, and its own
seeds state them too, so the figure checker passes them without being weakened."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

from briefing.build.briefs import discover
from briefing.proof.check import check_all
from conftest import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench import make_project, real_briefs  # noqa: E402

COUNT = 24  # more than the 19 provinces: names and seeds of a second round differ too


def _points(brief: dict) -> list[str]:
    return [point["text"] for section in brief["sections"] for point in section["points"]]


def test_synthetic_briefs_state_other_figures_and_prove_them_against_their_own_seeds(tmp_path: Path) -> None:
    project = make_project(ROOT, COUNT, tmp_path / "p")
    briefs = discover(project / "briefs")
    assert len(briefs) == COUNT
    reports = check_all(briefs, project / "seeds", project / "briefs" / "report.yaml")
    assert [(r.file, [str(p) for p in r.problems]) for r in reports if r.problems] == []
    assert all(r.figures_verified > 20 for r in reports)

    templates = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in real_briefs(ROOT)]
    varied = 0
    for path in briefs:
        brief = yaml.safe_load(path.read_text(encoding="utf-8"))
        template = templates[int(path.stem.rsplit("-", 1)[1]) % len(templates)]
        files = {source["file"] for source in brief["sources"]}
        assert not files & {p.name for p in SEEDS.iterdir()}, "each synthetic brief cites seeds of its own"
        mask = [re.sub(r"\d", "#", t) for t in _points(brief)]
        assert mask == [re.sub(r"\d", "#", t) for t in _points(template)], "only digits differ, never the length"
        varied += _points(brief) != _points(template)
    assert varied == COUNT, "every synthetic brief states some figures differently from its template"


def test_a_synthetic_brief_with_its_templates_seeds_is_refused(tmp_path: Path) -> None:
    """The variation is real: the same brief checked against the shipped seeds has unproved figures."""
    project = make_project(ROOT, COUNT, tmp_path / "p")
    path = discover(project / "briefs")[5]
    brief = yaml.safe_load(path.read_text(encoding="utf-8"))
    for source in brief["sources"]:
        shipped = re.sub(r"-[a-z]+-\d{4}(\.txt)$", r"\1", source["file"])
        shutil.copy(SEEDS / shipped, project / "seeds" / source["file"])
    (report,) = check_all([path], project / "seeds", project / "briefs" / "report.yaml")
    assert any("is not in source" in problem.message for problem in report.problems), report.problems
