"""Bad input: one clear error naming file, line, column and field; nothing half-written."""
from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import BriefError
from briefing.page.layout import PageGeometry
from briefing.proof.check import check_brief, check_settings
from briefing.source.model import load_brief


def edit(project: Path, stem: str, old: str, new: str) -> Path:
    path = project / "briefs" / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def load_problems(path: Path, project: Path) -> list:
    settings = check_settings(project / "briefs" / "report.yaml")
    with pytest.raises(BriefError) as caught:
        check_brief(path, project / "seeds", settings, PageGeometry())
    return caught.value.problems


def first_error(path: Path, project: Path) -> str:
    return str(load_problems(path, project)[0])


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_unknown_key(project: Path) -> None:
    path = edit(project, "anhui", "    label: 实施援建项目\n", "    label: 实施援建项目\n    lable: 错字\n")
    line = line_of(path, "lable:")
    assert first_error(path, project).startswith(f"{path}:{line}:5: metrics[1].lable: unknown field")


def test_wrong_type(project: Path) -> None:
    path = edit(project, "anhui", "    value: 380\n", "    value: 三百八十\n")
    line = line_of(path, "value: 三百八十")
    message = first_error(path, project)
    assert message.startswith(f"{path}:{line}:5: metrics[1].value: expected a number, got str '三百八十'")


def test_missing_field(project: Path) -> None:
    path = edit(project, "anhui", '    as_of: "2010年以来"\n    source: "000"\n    quote: "实施援建项目380余个"\n',
                '    source: "000"\n    quote: "实施援建项目380余个"\n')
    message = first_error(path, project)
    assert ": metrics[1].as_of: this required field is missing" in message
    assert message.startswith(f"{path}:{line_of(path, 'kind: projects')}:")


def test_unquoted_number_where_text_is_expected(project: Path) -> None:
    path = edit(project, "anhui", 'source: "000"', "source: 123")
    assert "expected text, got int 123; put it in quotes" in first_error(path, project)


def test_yes_no_stay_text(project: Path) -> None:
    path = edit(project, "anhui", "province: 安徽", "province: no")
    assert load_brief(path).brief.province == "no"


def test_duplicate_key(project: Path) -> None:
    path = edit(project, "anhui", "province: 安徽\n", "province: 安徽\nprovince: 浙江\n")
    message = first_error(path, project)
    assert message == (f"{path}:3:1: province: duplicate key 'province' (first given on line 2); "
                       "YAML would silently keep only the last")


def test_unknown_source_id(project: Path) -> None:
    path = edit(project, "anhui", '    source: "000"\n    quote: "实施援建项目380余个"',
                '    source: "999"\n    quote: "实施援建项目380余个"')
    assert "metrics[1].source: no source with id '999' (known: 000, 001)" in first_error(path, project)


def test_changed_figure_is_caught_with_both_numbers(project: Path) -> None:
    path = edit(project, "anhui", "    value: 37\n", "    value: 73\n")
    message = first_error(path, project)
    assert message == (f"{path}:{line_of(path, 'value: 73')}:5: metrics[0].value: 73亿元 (qualifier 多) is not what "
                       "the quote states (37亿多元): '累计拨付援疆资金37亿多元'")


def test_quote_not_in_seed(project: Path) -> None:
    path = edit(project, "anhui", '"累计拨付援疆资金37亿多元"', '"累计拨付援疆资金共37亿多元"')
    assert "metrics[0].quote: this phrase is not in source '000'" in first_error(path, project)


def test_missing_seed_file(project: Path) -> None:
    (project / "seeds" / "001_3eb730d52fe9b3a6.txt").unlink()
    path = project / "briefs" / "anhui.yaml"
    assert "sources[1].file: seed document '001_3eb730d52fe9b3a6.txt' not found" in first_error(path, project)


def test_glyph_missing_from_font(project: Path) -> None:
    path = edit(project, "anhui", "title: \"安徽援疆", "title: \"𠮷安徽援疆")
    message = first_error(path, project)
    assert f"{path}:{line_of(path, 'title:')}:9: title: character '𠮷' (U+20BB7) is not in the font " \
           "Noto Serif SC Bold" in message


def test_overlong_brief_says_by_how_much(project: Path) -> None:
    path = project / "briefs" / "anhui.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('。"\n        source:', '。' + "援疆工作持续推进，成效显著。" * 8 + '"\n        source:')
    path.write_text(text, encoding="utf-8")
    message = first_error(path, project)
    assert message.startswith(f"{path}: does not fit on one page even at 12 pt body text: ")
    assert " mm (" in message and "pt) too long" in message


def test_not_utf8_says_how_to_fix(project: Path) -> None:
    path = project / "briefs" / "anhui.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    message = first_error(path, project)
    assert "not valid UTF-8" in message and "GBK" in message and "UTF-8" in message


def test_invalid_yaml_has_position(project: Path) -> None:
    path = edit(project, "anhui", "regions:\n", "regions: [\n")
    message = first_error(path, project)
    assert message.startswith(f"{path}:") and "not valid YAML" in message


def test_empty_file(project: Path) -> None:
    path = project / "briefs" / "anhui.yaml"
    path.write_text("# nothing here\n", encoding="utf-8")
    assert first_error(path, project) == f"{path}:1:1: the file is empty"


def test_python_tags_are_refused(project: Path) -> None:
    path = edit(project, "anhui", "province: 安徽", 'province: !!python/object/apply:os.system ["true"]')
    assert "is not allowed" in first_error(path, project)


def test_impossible_date(project: Path) -> None:
    path = edit(project, "shanghai", "date: \"2019-09-07\"", "date: 2019-13-45")
    message = first_error(path, project)
    assert message.startswith(f"{path}:{line_of(path, 'date: 2019-13-45')}:11: sources[0].date: cannot read")
    assert "month must be in 1..12" in message


@pytest.mark.parametrize("written", ["20190907", '"2019年9月7日"', '"2019/09/07"', '"9月7日"'])
def test_a_date_in_another_form_says_how_to_write_it(project: Path, written: str) -> None:
    path = edit(project, "shanghai", 'date: "2019-09-07"', f"date: {written}")
    line = line_of(path, f"date: {written}")
    problems = [str(p) for p in load_problems(path, project)]
    assert any(p.startswith(f"{path}:{line}:5: sources[0].date: expected a date written year-month-day "
                            "(2019-09-07), got ") for p in problems), problems


def test_a_text_where_a_list_belongs(project: Path) -> None:
    path = edit(project, "anhui", "regions:\n  - 和田地区皮山县\n", "regions: 和田地区皮山县\n")
    assert first_error(path, project) == f"{path}:3:1: regions: expected a list ('- item' lines), got str '和田地区皮山县'"
