"""Strings from a brief are text, never markup: they print literally and read no files."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from briefing.build.plan import build
from conftest import page_texts, squeeze

HOSTILE = [
    '<img src="/etc/hostname"/>',
    "<font size=40>大</font>",
    '<a href="javascript:alert(1)">点我</a>',
    "A & B < C > D &amp; &#x41;",
    "<b>粗</b><br/>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markup_prints_literally(project: Path, hostile: str) -> None:
    brief = project / "briefs" / "shanghai.yaml"  # no photo: any image on the page would come from the markup
    text = brief.read_text(encoding="utf-8")
    literal = hostile.replace('"', '\\"')
    text = text.replace('- text: "', f'- text: "{literal}', 1).replace('lead: >-\n  ', f'lead: >-\n  {hostile}', 1)
    text = text[:text.index("  - heading: 脱贫攻坚")] + text[text.index("sources:"):]  # room for the longer text
    brief.write_text(text, encoding="utf-8")
    seed = project / "seeds" / "003_c86d259adb8c50f8.txt"  # its figures (size=40) are figures: the seed states them
    seed.write_text(seed.read_text(encoding="utf-8") + "\n" + hostile + "\n", encoding="utf-8")
    result = build([brief], project / "out", project / "briefs" / "report.yaml", project / "seeds", combined=False)
    assert result.ok, [str(e) for e in result.errors]
    (page,) = page_texts(project / "out" / "shanghai.pdf")
    assert squeeze(page).count(squeeze(hostile)) == 2
    with pikepdf.open(project / "out" / "shanghai.pdf") as pdf:
        page_obj = pdf.pages[0]
        assert "/XObject" not in page_obj.Resources, "an image was embedded"
        assert not [a for a in page_obj.get("/Annots", []) if "/A" in a], "a link was made"
