"""What the last successful build was made from, so an unchanged brief is not laid out again.

Kept in ``out/.briefing-manifest.json``. Light on purpose: deciding that nothing changed imports
neither ReportLab nor pydantic.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

MANIFEST = ".briefing-manifest.json"
FORMAT = 1


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def environment_digest(options: dict[str, object]) -> str:
    """The code, the fonts and the options: when any changes, every PDF is rebuilt."""
    digest = hashlib.sha256(f"{FORMAT}/{__version__}/{sorted(options.items())}".encode())
    package = Path(__file__).parent
    for source in sorted(package.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    from .fonts import fonts_dir  # light: fonts.py imports ReportLab's font modules only when registering
    sums = fonts_dir() / "SHA256SUMS"
    digest.update(sums.read_bytes() if sums.is_file() else b"no fonts")
    return digest.hexdigest()


def pdf_stamp(path: Path) -> list[int]:
    """Size and modification time: enough to notice a PDF was replaced or deleted since the build."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


@dataclass
class Entry:
    brief: str  # sha256 of the brief file
    deps: dict[str, str]  # every other input (seeds, photo) -> sha256
    body_size: float
    pdf: list[int]

    def fresh(self, brief_digest: str, pdf: Path, digests: "DigestCache") -> bool:
        if brief_digest != self.brief or not pdf.is_file() or pdf_stamp(pdf) != self.pdf:
            return False
        return all(digests.of(Path(dep)) == digest for dep, digest in self.deps.items())


@dataclass
class Manifest:
    settings: str = ""
    environment: str = ""
    briefs: dict[str, Entry] = field(default_factory=dict)
    combined: str = ""  # digest of every input of combined.pdf
    combined_pdf: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, out_dir: Path) -> "Manifest":
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls()
            return cls(data["settings"], data["environment"],
                       {stem: Entry(**entry) for stem, entry in data["briefs"].items()},
                       data.get("combined", ""), data.get("combined_pdf", []))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()  # no or unreadable manifest: build everything

    def write(self, out_dir: Path) -> None:
        from .files import write_atomic

        data = {"format": FORMAT, "settings": self.settings, "environment": self.environment,
                "briefs": {stem: vars(entry) for stem, entry in sorted(self.briefs.items())},
                "combined": self.combined, "combined_pdf": self.combined_pdf}
        write_atomic(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


class DigestCache:
    """sha256 of files, each read once per build (a seed is cited by many briefs)."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def of(self, path: Path) -> str | None:
        key = os.fspath(path)
        if key not in self._known:
            try:
                self._known[key] = file_digest(path)
            except OSError:
                self._known[key] = None
        return self._known[key]


def combined_digest(settings: str, environment: str, entries: list[tuple[str, Entry]]) -> str:
    """Every input of the combined report (a brief's body size follows from these, so is left out: it is
    known only once the brief is laid out, after the report has been started)."""
    digest = hashlib.sha256(f"{settings}/{environment}".encode())
    for stem, entry in entries:
        digest.update(f"{stem}/{entry.brief}/{sorted(entry.deps.items())}".encode())
    return digest.hexdigest()
