"""combined.pdf as the build makes it, page by page, put in place only when it is complete.

Started once every brief is checked and good; each briefing's page is added as it is drawn (or read from the
page cache), to a file without a name that ``commit`` puts in place."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..files import publish
from .processes import BuildInterrupted, signals_end_at_once
from .tasks import Checked

if TYPE_CHECKING:
    from ..page.geometry import PageGeometry
    from ..page.render import Body
    from ..source.model import ReportSettings


class CombinedInProgress:
    """combined.pdf, made in this process as the briefs' pages come: started once every brief is checked
    and good, written page by page to a file without a name, and put in place by ``commit``;
    ``discard`` drops it (the old combined.pdf stays)."""

    def __init__(self, target: Path, briefs: list[Path], settings: "ReportSettings", geometry: "PageGeometry",
                 pages: Any, kept: dict[int, str]):
        self.target, self.briefs, self.settings, self.geometry = target, briefs, settings, geometry
        self.pages = pages  # the pagecache.PageCache the kept pages are read from
        self.kept = kept  # pages read from the page cache when the report reaches them: index -> key
        self.early: dict[int, "Body"] = {}  # pages that came before the report started
        self.report: Any = None
        self.file: BinaryIO | None = None  # without a name until ``commit``
        self.inputs = ""
        self.discarded = False

    @property
    def started(self) -> bool:
        return self.report is not None and not self.discarded

    def start(self, checked: dict[int, Checked], inputs: str) -> None:
        from ..report.combined import CombinedReport, Province

        provinces = [Province(path.stem, checked[index].brief_pickle) for index, path in enumerate(self.briefs)]
        with signals_end_at_once():  # ReportLab draws the front matter, sources and 报尾
            self.report = CombinedReport(provinces, self.settings, self.geometry)
        import tempfile

        self.inputs = inputs
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.file = tempfile.TemporaryFile(dir=self.target.parent)
        self.report.start(self.file)
        for index in sorted(self.early):
            self.report.add(index, self.early.pop(index))
        self._add_kept()

    def add(self, index: int, body: "Body") -> None:
        if self.discarded:
            return
        if self.report is None:
            self.early[index] = body
        else:
            self.report.add(index, body)
            self._add_kept()

    def _add_kept(self) -> None:
        """The kept pages the report has reached, read one at a time (never all held at once)."""
        while self.report.next in self.kept:
            index = self.report.next
            stem = self.briefs[index].stem
            found = self.pages.load(stem, self.kept.pop(index))
            if found is None:
                raise BuildInterrupted(f"the kept page of {stem} was removed during the build; build again")
            self.report.add(index, found[1])

    def commit(self) -> None:
        self.report.close()
        publish(self.file, self.target)
        self.file.close()
        self.file = None

    def discard(self) -> None:
        self.discarded = True
        self.early.clear()
        if self.file is not None:
            self.file.close()
            self.file = None

