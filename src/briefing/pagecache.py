"""Briefs' drawn pages kept between builds (``out/.briefing-pages/``), so that a combined report made
again after one brief of 1000 changed does not check and draw the other 999 again.

An entry holds what the combined report needs of one brief: the brief (as JSON), its body size and
its drawn page (``render.Body``). It is written when the brief is drawn, and used only when it was
made from the very inputs the build finds (the brief, its seeds and photo, the settings, the fonts,
the version and options: ``key``). A file that is missing, torn, of another format or of other inputs
is not used: the brief is checked and drawn again. Entries are marshalled plain values behind a CRC-32
of them, so reading a planted file cannot run code (as unpickling could) and a torn one is noticed.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import zlib
from pathlib import Path

from .manifest import Entry
from .pdfdocument import Image, Link
from .render import Body, Mark

FOLDER = ".briefing-pages"
FORMAT = 1


def key(settings: str, environment: str, entry: Entry) -> str:
    """Every input of a brief's page and summary (its PDF's stamp aside)."""
    inputs = [FORMAT, settings, environment, entry.brief, sorted(entry.deps.items()), entry.body_size]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _path(out_dir: Path, stem: str) -> Path:
    return out_dir / FOLDER / f"{stem}.page"


def save(out_dir: Path, stem: str, entry_key: str, brief_json: bytes, body: Body) -> None:
    """Keep a brief's page (replacing the one kept before). A cache, written in place: a write cut
    short leaves a file whose checksum fails, so it is not used; a write that fails only means the
    page will be drawn again."""
    images = tuple((i.name, i.width, i.height, i.color_space, i.bits, i.filters, i.data) for i in body.images)
    payload = marshal.dumps((FORMAT, entry_key, brief_json, body.stream, body.characters, images,
                             tuple((link.target, link.rect) for link in body.links),
                             tuple((mark.key, mark.title, mark.level) for mark in body.marks)))
    data = zlib.crc32(payload).to_bytes(4, "big") + payload
    path = _path(out_dir, stem)
    try:
        try:
            path.write_bytes(data)
        except FileNotFoundError:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
    except OSError:
        path.unlink(missing_ok=True)


def load(out_dir: Path, stem: str, entry_key: str) -> tuple[bytes, Body] | None:
    """The brief (JSON) and page kept for these inputs, or None."""
    try:
        data = _path(out_dir, stem).read_bytes()
        if len(data) < 4 or zlib.crc32(data[4:]).to_bytes(4, "big") != data[:4]:
            return None
        values = marshal.loads(data[4:])
        version, kept_key, brief_json, stream, characters, images, links, marks = values
        if version != FORMAT or kept_key != entry_key:
            return None
        return brief_json, Body(stream, characters, tuple(Image(*image) for image in images),
                                tuple(Link(target, tuple(rect)) for target, rect in links),
                                tuple(Mark(*mark) for mark in marks))
    except (OSError, EOFError, ValueError, TypeError):
        return None


def keep_only(out_dir: Path, stems: set[str]) -> None:
    """Drop the pages of briefs that are gone."""
    folder = out_dir / FOLDER
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.suffix != ".page" or path.stem not in stems:
            path.unlink(missing_ok=True)
