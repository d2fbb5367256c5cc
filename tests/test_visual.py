"""Pixels against a reference page (also the picture in README); regenerate after a looked-at change:
``python tests/test_visual.py`` (then open tests/reference/anhui.png and look at it)."""
from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageStat

REFERENCE = Path(__file__).parent / "reference" / "anhui.png"


def render(pdf_path: Path) -> Image.Image:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return doc[0].render(scale=1).to_pil().convert("RGB")
    finally:
        doc.close()


def test_anhui_page_matches_the_reference(built: Path) -> None:
    page, reference = render(built / "anhui.pdf"), Image.open(REFERENCE).convert("RGB")
    assert page.size == reference.size
    diff = ImageChops.difference(page, reference).convert("L")
    changed = sum(diff.point(lambda v: 255 if v > 48 else 0).histogram()[255:])
    assert changed / (page.width * page.height) < 0.002, f"{changed} pixels differ; look at the page"
    assert ImageStat.Stat(diff).mean[0] < 1.0


def test_header_is_red_and_body_is_black(built: Path) -> None:
    page = render(built / "anhui.pdf")
    colors = page.getcolors(maxcolors=1 << 20)
    reds = sum(n for n, (r, g, b) in colors if r > 150 and g < 80 and b < 80)
    darks = sum(n for n, (r, g, b) in colors if max(r, g, b) < 140 and abs(r - g) < 12 and abs(g - b) < 12)
    assert reds > 2000 and darks > 10000


if __name__ == "__main__":
    from briefing.build.briefs import discover
    from briefing.build.plan import build
    root = Path(__file__).resolve().parents[1]
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "out"
    result = build(discover(root / "briefs"), out, root / "briefs" / "report.yaml", root / "seeds")
    assert result.ok
    render(out / "anhui.pdf").save(REFERENCE, optimize=True)
    print(f"wrote {REFERENCE}")
