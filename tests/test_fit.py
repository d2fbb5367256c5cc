"""The fit: the largest body size at which the page fits, found whatever the search order."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.errors import BriefError
from briefing.page.layout import BODY_SIZES, lay_out
from briefing.proof.check import check_settings, load_checked
from conftest import BRIEFS, SEEDS, STEMS


def fits_at(loaded, settings, photo, size: float) -> bool:
    try:
        lay_out(loaded, settings, photo=photo, sizes=(size,))
        return True
    except BriefError:
        return False


def shortened(project: Path, stem: str, keep_sections: int) -> Path:
    """The brief with only its first ``keep_sections`` sections (and so room to grow)."""
    path = project / "briefs" / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"(?m)^  - heading: ", text)]
    if keep_sections < len(starts):
        text = text[:starts[keep_sections]] + text[text.index("sources:"):]
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("keep_sections", [1, 2, 3, 9])
def test_the_chosen_size_is_the_largest_that_fits(project: Path, stem: str, keep_sections: int) -> None:
    settings = check_settings(BRIEFS / "report.yaml")
    loaded, photo = load_checked(shortened(project, stem, keep_sections), SEEDS)
    chosen = lay_out(loaded, settings, photo=photo).body_size
    expected = next(size for size in BODY_SIZES if fits_at(loaded, settings, photo, size))
    assert chosen == expected
