"""The 版记 (报尾) of a 简报: 报/送/发 lines, then the compiling unit and the date, between rules (GB/T 9704)."""
from __future__ import annotations

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable
from reportlab.platypus.flowables import HRFlowable

from ..source.model import ReportSettings
from . import fonts
from .geometry import MM
from .textblock import TextBlock, TwoEnds

SIZE = 14.0  # 4号
LEADING = 20.0
THICK, THIN = 0.35 * MM, 0.25 * MM  # first and last rule, the rule between (GB/T 9704 §7.4.1)


def colophon(settings: ReportSettings, ink) -> list[Flowable]:
    """The 版记's flowables, as wide as the type area: 报/送/发 lines one 字 in from the left, a thin
    rule, then 印发机关 at the left and 印发日期 at the right, one 字 in, between thick rules."""
    line = ParagraphStyle("colophon", fontName=fonts.FANGSONG, fontSize=SIZE, leading=LEADING, textColor=ink,
                          leftIndent=SIZE, rightIndent=SIZE, alignment=TA_LEFT)
    dated = ParagraphStyle("colophon_date", parent=line, alignment=TA_RIGHT)
    parts: list[Flowable] = [HRFlowable(width="100%", thickness=THICK, color=ink, spaceAfter=3)]
    distribution = settings.distribution
    for label, value in (("报", distribution and distribution.report_to), ("送", distribution and distribution.send_to),
                         ("发", distribution and distribution.issue_to)):
        if value:
            parts.append(TextBlock(f"{label}：{value}", line))
    parts += [HRFlowable(width="100%", thickness=THIN, color=ink, spaceBefore=3, spaceAfter=3),
              TwoEnds(TextBlock(settings.unit, line), TextBlock(f"{settings.date_label}印发", dated)),
              HRFlowable(width="100%", thickness=THICK, color=ink, spaceBefore=3)]
    return parts


class Reprint(Flowable):
    """A zero-size mark on a briefing's page for a combined report that reprints it (``render.draw_pages``):
    ``FOOT`` where the page's foot (rule and sources) starts, ``END`` where its own 版记 starts. The report
    reprints the page as drawn up to ``END``, its foot moved down into the 版记's place (the report has
    one 版记, its own, on its last page)."""

    FOOT, END = "foot", "end"
    _ZEROSIZE = _SPACETRANSFER = True  # takes no room and passes the space after the flowable above on

    def __init__(self, part: str) -> None:
        super().__init__()
        self.part = part
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 - ReportLab's name
        canvas.reprint_mark(self.part, y)  # and draws nothing, not even the q/cm/Q of Flowable.drawOn
