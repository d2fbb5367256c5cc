"""What each PDF of the last builds was proved from, so an unchanged brief is not laid out again.

Kept in ``out/.briefing-manifest.json``. Every input is keyed by its path relative to the output folder
(so a copied project checks its own files, and another ``--seeds`` folder is another input) with the
sha256 of its bytes as the build read them. Light on purpose: deciding that nothing changed imports
neither ReportLab nor pydantic.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__

MANIFEST = ".briefing-manifest.json"
FORMAT = 2


def file_digest(path: str | Path) -> str:
    """sha256 of a regular file's bytes; OSError for anything else (a FIFO is never waited on)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise IsADirectoryError(f"{path} is not a regular file")
        return hashlib.file_digest(file, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
            else hashlib.sha256(file.read()).hexdigest()


class Places:
    """Paths as the manifest keys them, relative to the output folder (lexically, as typed), and back;
    worked out once per folder (a thousand briefs share two folders)."""

    def __init__(self, out_dir: Path):
        self.base = os.path.abspath(out_dir)
        self._relative: dict[str, str] = {}
        self._located: dict[str, str] = {}

    def relative(self, path: str | Path) -> str:
        folder, name = os.path.split(os.fspath(path))
        found = self._relative.get(folder)
        if found is None:
            try:
                found = os.path.relpath(os.path.abspath(folder or "."), self.base)
            except ValueError:  # another drive
                found = os.path.abspath(folder or ".")
            self._relative[folder] = found
        return os.path.join(found, name) if name else found

    def located(self, key: str) -> str:
        """The file a manifest key names, for this output folder."""
        folder, name = os.path.split(key)
        found = self._located.get(folder)
        if found is None:
            found = self._located[folder] = os.path.normpath(os.path.join(self.base, folder))
        return os.path.join(found, name)


def font_digests(files: list[Path], known: dict[str, list]) -> dict[str, list]:
    """sha256 of each font file, read again only when its inode, size or times changed since ``known``
    (the last manifest's): hashing the three faces (9 MB) would cost ~20 ms of every build."""
    found = {}
    for path in files:
        name = os.path.abspath(path)
        try:
            info = os.stat(path)
        except OSError:
            found[name] = ["missing"]
            continue
        stamp = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        before = known.get(name)
        found[name] = before if isinstance(before, list) and before[:-1] == stamp else stamp + [file_digest(path)]
    return found


def environment_digest(options: dict[str, object], fonts: dict[str, list]) -> str:
    """The code, the fonts' bytes and the options: when any changes, every PDF is rebuilt."""
    digest = hashlib.sha256(f"{FORMAT}/{__version__}/{sorted(options.items())}".encode())
    package = Path(__file__).parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + source.read_bytes())
    for name, stamp in sorted(fonts.items()):
        digest.update(f"{os.path.basename(name)}/{stamp[-1]}".encode())
    return digest.hexdigest()


def pdf_stamp(path: Path) -> list[int]:
    """Size and modification time: enough to notice a PDF was replaced or deleted since the build."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


@dataclass
class Entry:
    path: str  # the brief file (relative to the output folder)
    brief: str  # sha256 of its bytes as read
    deps: dict[str, str]  # every other input read (seeds, photo), relative to the output folder -> sha256
    body_size: float
    pdf: list[int]

    def fresh(self, path: str, brief_digest: str | None, pdf: Path, places: Places, digests: "DigestCache") -> bool:
        if (path, brief_digest) != (self.path, self.brief):
            return False
        try:
            if pdf_stamp(pdf) != self.pdf:
                return False
        except OSError:
            return False
        return all(digests.of(places.located(dep)) == digest for dep, digest in self.deps.items())


def _entry(data: object) -> Entry:
    """An entry read back; ValueError unless every field has its type."""
    if not isinstance(data, dict) or set(data) != {"path", "brief", "deps", "body_size", "pdf"}:
        raise ValueError("not an entry")
    entry = Entry(**data)
    if not (isinstance(entry.path, str) and isinstance(entry.brief, str) and isinstance(entry.deps, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in entry.deps.items())
            and isinstance(entry.body_size, (int, float)) and isinstance(entry.pdf, list)
            and all(isinstance(n, int) for n in entry.pdf)):
        raise ValueError("not an entry")
    return entry


@dataclass
class Manifest:
    settings: str = ""
    environment: str = ""
    briefs: dict[str, Entry] = field(default_factory=dict)
    combined: str = ""  # digest of every input of combined.pdf
    combined_pdf: list[int] = field(default_factory=list)
    fonts: dict[str, list] = field(default_factory=dict)  # font file -> [device, inode, size, mtime, ctime, sha256]

    @classmethod
    def read(cls, out_dir: Path) -> "Manifest":
        """The manifest of the last build; an empty one when there is none or it is not one of ours (any
        shape but the one written is ignored: everything is built)."""
        from ..errors import BriefError
        from ..source.inputs import read_bytes

        try:
            data = json.loads(read_bytes(out_dir / MANIFEST, MANIFEST, 1 << 30))  # a regular file only
            if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("briefs"), dict):
                return cls()
            manifest = cls(data["settings"], data["environment"],
                           {stem: _entry(entry) for stem, entry in data["briefs"].items()},
                           data["combined"], data["combined_pdf"], data["fonts"])
            if not (isinstance(manifest.settings, str) and isinstance(manifest.environment, str)
                    and isinstance(manifest.combined, str) and isinstance(manifest.combined_pdf, list)
                    and isinstance(manifest.fonts, dict)):
                return cls()
            return manifest
        except (BriefError, ValueError, KeyError, TypeError):
            return cls()  # no or unreadable manifest: build everything

    def write(self, out_dir: Path) -> None:
        from ..files import write_atomic

        data = {"format": FORMAT, "settings": self.settings, "environment": self.environment,
                "briefs": {stem: vars(entry) for stem, entry in sorted(self.briefs.items())},
                "combined": self.combined, "combined_pdf": self.combined_pdf, "fonts": self.fonts}
        write_atomic(out_dir / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


class DigestCache:
    """sha256 of files, each read once per build (a seed is cited by many briefs)."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def of(self, path: str | Path) -> str | None:
        key = os.fspath(path)
        if key not in self._known:
            try:
                self._known[key] = file_digest(path)
            except (OSError, ValueError):
                self._known[key] = None
        return self._known[key]


def combined_digest(settings: str, environment: str, entries: list[tuple[str, Entry]]) -> str:
    """Every input of the combined report (a brief's body size follows from these, so is left out: it is
    known only once the brief is laid out, after the report has been started)."""
    digest = hashlib.sha256(f"{settings}/{environment}".encode())
    for stem, entry in entries:
        digest.update(f"{stem}/{entry.path}/{entry.brief}/{sorted(entry.deps.items())}".encode())
    return digest.hexdigest()
