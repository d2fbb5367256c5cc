"""Property tests: any string in any text field prints exactly or ends in a clean error."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2 as pdfium
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefError
from briefing.page.render import brief_pdf
from briefing.proof.check import check_brief, check_settings
from briefing.source.model import Brief, load_brief, validate
from briefing.source.yamldoc import load
from conftest import BRIEFS, SEEDS, squeeze

BASE = yaml.safe_load((BRIEFS / "anhui.yaml").read_text(encoding="utf-8"))
BASE.pop("photo", None)  # its file is not beside the temporary brief; a missing photo would fail every example
SETTINGS = check_settings(BRIEFS / "report.yaml")
FIELDS = {
    "title": lambda d, v: d.__setitem__("title", v),
    "lead": lambda d, v: d.__setitem__("lead", v),
    "province": lambda d, v: d.__setitem__("province", v),
    "heading": lambda d, v: d["sections"][0].__setitem__("heading", v),
    "point": lambda d, v: d["sections"][1]["points"][0].__setitem__("text", v),
    "label": lambda d, v: d["metrics"][2].__setitem__("label", v),
    "as_of": lambda d, v: d["metrics"][3].__setitem__("as_of", v),
    "source title": lambda d, v: d["sources"][0].__setitem__("title", v),
}
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
MIXED = st.one_of(TEXT, st.text(st.sampled_from("援疆简报，。、“”（）《》<>&;#/ \"'0123456789AZaz\u3000\xa0\t"), max_size=60))
QUICK = settings(max_examples=int(__import__("os").environ.get("PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def extracted_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return doc[0].get_textpage().get_text_range()
    finally:
        doc.close()


@QUICK
@given(field=st.sampled_from(sorted(FIELDS)), value=MIXED)
def test_any_string_prints_exactly_or_fails_cleanly(field: str, value: str) -> None:
    data = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    FIELDS[field](data, value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brief.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            page = check_brief(path, SEEDS, SETTINGS)
        except BriefError as error:
            assert str(error).startswith(str(path)) or str(error).startswith(Path(path).name)
            assert "photo" not in str(error)
            return
        pdf = brief_pdf(page, SETTINGS)
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 1
    doc.close()
    assert squeeze(value) in squeeze(extracted_text(pdf)), f"{value!r} did not come back from the page"


@QUICK
@given(raw=st.one_of(st.binary(max_size=300), TEXT.map(lambda t: t.encode("utf-8")),
                     st.sampled_from([b"a: [", b"- x\n- y", b"a: !!binary aGk=", b"&a [*a]", b"? [a]\n: b",
                                      b"a: 1\na: 2", b"a: *nope", b"\xef\xbb\xbf", b"title: !!python/name:os.system"])))
def test_loader_never_raises_anything_but_brief_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brief.yaml"
        path.write_bytes(raw)
        try:
            validate(load(path), Brief)
        except BriefError:
            pass
        try:
            load_brief(path)
        except BriefError:
            pass
