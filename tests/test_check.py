"""`briefing check`, `briefing schema` and `briefing new`."""
from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import main
from briefing.source.model import load_brief
from briefing.source.schema import brief_schema_json
from conftest import ROOT


def invoke(project: Path, monkeypatch, *args: str):
    monkeypatch.chdir(project)
    return CliRunner().invoke(main, list(args))


def test_check_seed_briefs_ok(project: Path, monkeypatch) -> None:
    result = invoke(project, monkeypatch, "check")
    assert result.exit_code == 0, result.output
    counted = re.search(r"briefs/anhui.yaml: ok, (\d+) figures verified against their sources, fits one page at 12 pt",
                        result.output)
    assert counted and int(counted.group(1)) > 6, result.output  # more than its six tiles: the text's figures too
    assert not list((project / "out").iterdir()), "check writes nothing"


def test_check_reports_each_problem_on_its_line(project: Path, monkeypatch) -> None:
    brief = project / "briefs" / "anhui.yaml"
    text = brief.read_text(encoding="utf-8").replace("value: 37\n", "value: 73\n").replace(
        "    label: 实施援建项目\n", "    label: 实施援建项目\n    lable: x\n")
    brief.write_text(text, encoding="utf-8")
    result = invoke(project, monkeypatch, "check", "briefs/anhui.yaml")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("briefs/anhui.yaml:20:5: metrics[1].lable: unknown field")
    result = invoke(project, monkeypatch, "check", "briefs/anhui.yaml", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)  # the last line, Error: ..., is on stderr
    assert problems[0] == {"file": "briefs/anhui.yaml", "line": 20, "column": 5, "field": "metrics[1].lable",
                           "message": "unknown field; check its spelling (see schema/brief.schema.json)"}


def test_check_json_on_good_briefs_is_an_empty_list(project: Path, monkeypatch) -> None:
    result = invoke(project, monkeypatch, "check", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_committed_schema_is_current() -> None:
    assert (ROOT / "schema" / "brief.schema.json").read_text(encoding="utf-8") == brief_schema_json(), \
        "schema/brief.schema.json is stale: run `briefing schema > schema/brief.schema.json`"


def test_schema_describes_fields_in_chinese_and_english() -> None:
    schema = json.loads(brief_schema_json())
    metric = schema["$defs"]["Metric"]
    assert metric["additionalProperties"] is False
    assert "来源原文" in metric["properties"]["quote"]["description"]
    assert "verbatim" in metric["properties"]["quote"]["description"]
    assert set(schema["required"]) >= {"province", "title", "metrics", "sections", "sources"}


def test_briefs_point_editors_at_the_schema() -> None:
    for brief in (ROOT / "briefs").glob("*.yaml"):
        if brief.name != "report.yaml":
            assert brief.read_text(encoding="utf-8").startswith(
                "# yaml-language-server: $schema=../schema/brief.schema.json\n"), brief.name


def test_new_writes_a_skeleton_that_parses_and_refuses_to_overwrite(project: Path, monkeypatch) -> None:
    result = invoke(project, monkeypatch, "new", "jiangsu", "--province", "江苏")
    assert result.exit_code == 0, result.output
    path = project / "briefs" / "jiangsu.yaml"
    assert load_brief(path).brief.province == "江苏"
    before = path.read_bytes()
    again = invoke(project, monkeypatch, "new", "jiangsu", "--province", "江苏")
    assert again.exit_code == 1 and "already exists; not overwritten" in again.output
    assert path.read_bytes() == before
    checked = invoke(project, monkeypatch, "check", "briefs/jiangsu.yaml")
    assert checked.exit_code == 1 and "seed document '000_example.txt' not found" in checked.output
    assert invoke(project, monkeypatch, "new", "Bad Name", "--province", "江苏").exit_code == 1


def test_check_fits_the_paper_asked_for(project: Path, monkeypatch) -> None:
    brief = project / "briefs" / "shanghai.yaml"
    text = brief.read_text(encoding="utf-8")
    start = text.index('- text: "') + len('- text: "')
    # just too long for one A4 page, still one Letter page (its type area is wider and a little taller)
    brief.write_text(text[:start] + "援疆工作持续推进，" * 7 + text[start:], encoding="utf-8")
    a4 = invoke(project, monkeypatch, "check", "briefs/shanghai.yaml")
    letter = invoke(project, monkeypatch, "check", "briefs/shanghai.yaml", "--paper", "letter")
    assert (a4.exit_code, letter.exit_code) == (1, 0), (a4.output, letter.output)
    assert "does not fit on one page" in a4.output
