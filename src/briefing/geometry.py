"""Paper and margins: light on purpose (no ReportLab), so deciding what to rebuild stays fast."""
from __future__ import annotations

from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class PageGeometry:
    """Paper and margins (GB/T 9704: 37/28/26/35 mm top/left/right/bottom, type area 156 × 225 mm)."""

    size: tuple[float, float] = A4
    top: float = 37 * MM
    left: float = 28 * MM
    right: float = 26 * MM
    bottom: float = 35 * MM

    @property
    def width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def height(self) -> float:
        return self.size[1] - self.top - self.bottom
