"""Property: any text with figures in any field, and any tile, ends in a pass or a clean BriefError, in
``check`` and in ``build``; never another exception."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.build.plan import build
from briefing.errors import BriefError
from briefing.proof.check import check_all, check_brief, check_settings
from conftest import BRIEFS, SEEDS

BASE = yaml.safe_load((BRIEFS / "anhui.yaml").read_text(encoding="utf-8"))
BASE.pop("photo", None)
SETTINGS = check_settings(BRIEFS / "report.yaml")
PIECES = list("0123456789０３.,，%％万亿千百十零〇一二两三九第近超逾约余多以上左右年月日底分之成半数批人元个所吨“”十三五期间 援疆\n")
FIGURISH = st.lists(st.sampled_from(PIECES + ["百分之", "2021年", "3,000", "37亿多元", "二十所"]), max_size=25).map("".join)
ANY_TEXT = st.one_of(FIGURISH, st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
FIELDS = {
    "title": lambda d, v: d.__setitem__("title", v),
    "period": lambda d, v: d.__setitem__("period", v),
    "lead": lambda d, v: d.__setitem__("lead", v),
    "point": lambda d, v: d["sections"][-1]["points"][0].__setitem__("text", v),
    "heading": lambda d, v: d["sections"][0].__setitem__("heading", v),
    "section period": lambda d, v: d["sections"][0].__setitem__("period", v),
    "label": lambda d, v: d["metrics"][2].__setitem__("label", v),
    "as_of": lambda d, v: d["metrics"][3].__setitem__("as_of", v),
    "unit": lambda d, v: d["metrics"][0].__setitem__("unit", v),
    "qualifier": lambda d, v: d["metrics"][0].__setitem__("qualifier", v),
    "quote": lambda d, v: d["metrics"][0].__setitem__("quote", v),
    "value": lambda d, v: d["metrics"][0].__setitem__("value", v),
}
VALUES = st.one_of(st.integers(-10, 10**13), st.floats(allow_nan=True, allow_infinity=True), ANY_TEXT)
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))


def brief_with(field: str, value: object, folder: str) -> Path:
    data = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    FIELDS[field](data, value)
    path = Path(folder) / "brief.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@settings(max_examples=EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)), text=ANY_TEXT, value=VALUES)
def test_check_passes_or_fails_cleanly(field: str, text: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = brief_with(field, value if field == "value" else text, folder)
        try:
            check_brief(path, SEEDS, SETTINGS)
        except BriefError as error:
            assert all(p.file == str(path) for p in error.problems)
        [report] = check_all([path], SEEDS, BRIEFS / "report.yaml")
        assert all(p.message for p in report.problems)


@settings(max_examples=max(EXAMPLES // 4, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)), text=FIGURISH)
def test_build_passes_or_fails_cleanly(field: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = brief_with(field, text, folder)
        result = build([path], Path(folder) / "out", BRIEFS / "report.yaml", SEEDS, combined=False)
        assert all(isinstance(error, BriefError) for error in result.errors)
        assert result.ok == (Path(folder) / "out" / "brief.pdf").is_file()
