"""--paper letter, --grayscale, --watermark: still one page each, and what they promise on the page."""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

from briefing.build.briefs import discover
from briefing.build.plan import build
from briefing.errors import BriefError
from briefing.page.geometry import page_setup
from conftest import page_texts


def built_with(project: Path, **setup) -> Path:
    out = project / "out"
    result = build(discover(project / "briefs"), out, project / "briefs" / "report.yaml", project / "seeds",
                   geometry=page_setup(**setup))
    assert result.ok, [str(e) for e in result.errors]
    return out


def render(pdf: Path):
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[0].render(scale=0.8).to_pil().convert("RGB"), doc[0].get_size(), len(doc)
    finally:
        doc.close()


def test_letter_paper_keeps_one_page(project: Path) -> None:
    out = built_with(project, paper="letter")
    for stem in ("anhui", "shanghai", "zhejiang"):
        _, size, pages = render(out / f"{stem}.pdf")
        assert pages == 1 and (round(size[0]), round(size[1])) == (612, 792)


def test_grayscale_has_no_colour(project: Path) -> None:
    out = built_with(project, grayscale=True)
    for stem in ("anhui", "zhejiang"):
        image, _, _ = render(out / f"{stem}.pdf")
        red, green, blue = image.split()
        assert max(ImageChops.difference(red, green).getextrema()[1],
                   ImageChops.difference(green, blue).getextrema()[1]) <= 3, f"{stem} has colour"
    colour, _, _ = render(built_with(project, grayscale=False) / "anhui.pdf")
    red, green, _ = colour.split()
    assert ImageChops.difference(red, green).getextrema()[1] > 100, "the normal page is in colour"


def test_watermark_shows_but_is_no_text(project: Path) -> None:
    out = built_with(project, watermark="内部资料")
    (text,) = page_texts(out / "shanghai.pdf")
    assert "内部" not in text and "资料" not in text.replace("资料来源", ""), "the watermark is drawn, not text"
    marked, _, _ = render(out / "shanghai.pdf")
    plain, _, _ = render(built_with(project) / "shanghai.pdf")
    difference = ImageChops.difference(marked, plain).convert("L")
    changed = sum(difference.point(lambda v: 255 if v > 8 else 0).histogram()[255:])
    assert changed > 5000, "the watermark shows"
    assert max(marked.convert("L").getextrema()[0], 0) < 60, "the text on top stays dark"


@pytest.mark.parametrize("text, message", [("内部资料𠮷", "U+20BB7"), ("很" * 21, "at most 20")])
def test_bad_watermark_is_refused_before_anything_is_written(project: Path, text: str, message: str) -> None:
    with pytest.raises(BriefError) as caught:
        built_with(project, watermark=text)
    assert message in str(caught.value) and str(caught.value).startswith("--watermark")
    assert not list((project / "out").glob("*.pdf"))
