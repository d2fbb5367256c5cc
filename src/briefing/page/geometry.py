"""Page setup (paper, margins, grayscale, watermark), without ReportLab: deciding what to rebuild stays fast."""
from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)
LETTER = (8.5 * 72, 11 * 72)
PHOTO_SHARE = 0.30  # of the type area's width, beside the lead


@dataclass(frozen=True)
class PageGeometry:
    """Paper and margins (GB/T 9704: 37/28/26/35 mm top/left/right/bottom, type area 156 × 225 mm),
    and how the page is printed: in grey only, under a watermark."""

    size: tuple[float, float] = A4
    top: float = 37 * MM
    left: float = 28 * MM
    right: float = 26 * MM
    bottom: float = 35 * MM
    grayscale: bool = False
    watermark: str | None = None

    @property
    def width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def height(self) -> float:
        return self.size[1] - self.top - self.bottom

    @property
    def photo_width(self) -> float:
        """The width a brief's photo is printed at (what it is prepared for)."""
        return self.width * PHOTO_SHARE


def page_setup(paper: str = "a4", grayscale: bool = False, watermark: str | None = None) -> PageGeometry:
    """A4 with GB/T 9704 margins, or US Letter (top and bottom margins 28/25 mm: its type area is wider
    and a little taller than A4's)."""
    if paper == "letter":
        return PageGeometry(LETTER, 28 * MM, 28 * MM, 26 * MM, 25 * MM, grayscale, watermark or None)
    if paper != "a4":
        raise ValueError(f"unknown paper {paper!r}")
    return PageGeometry(grayscale=grayscale, watermark=watermark or None)
