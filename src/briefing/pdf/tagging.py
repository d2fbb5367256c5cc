"""Tagged PDF while drawing: structure elements, and the marked content that ties a page's content to them.

Tagged PDF while drawing: the structure elements a page's content belongs to, and the marked-content
operators (BDC/EMC) that tie its content to them; anything drawn outside a tagged element is an artifact.

A page's body starts inside ``/Artifact BMC``; ``tagged(canvas, "P")`` closes whatever sequence is open,
opens the element's own (a new MCID) and, when done, reopens the enclosing one, so every drawn operator
is inside exactly one of: an artifact, or the marked content of one structure element. ``structure``
opens an element that only groups others (Table, TR, TD). ``pdf.document`` writes the elements.
"""
from __future__ import annotations

import marshal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

ARTIFACT = "/Artifact BMC"
HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


@dataclass(frozen=True)
class Annot:
    """A kid of a structure element: the page's annotation (a link) of this index."""

    index: int


@dataclass
class Element:
    """A structure element of one page: its role, kids in reading order (an MCID of the page, an element,
    an annotation), alternative text and attributes (a PDF dictionary, as text)."""

    role: str
    kids: list[int | Element | Annot] = field(default_factory=list)
    alt: str | None = None
    attributes: str = ""

    def plain(self) -> tuple:
        """As nested tuples of plain values (for marshal)."""
        return (self.role, self.alt, self.attributes,
                tuple(kid.plain() if isinstance(kid, Element) else ("a", kid.index) if isinstance(kid, Annot)
                      else kid for kid in self.kids))

    @staticmethod
    def from_plain(value: tuple) -> Element:
        role, alt, attributes, kids = value
        return Element(role, [kid if isinstance(kid, int) else Annot(kid[1]) if len(kid) == 2
                              else Element.from_plain(kid) for kid in kids], alt, attributes)


class PageTags:
    """The structure elements drawn on one page so far, and which marked-content sequence is open."""

    def __init__(self) -> None:
        self.top: list[Element] = []
        self.stack: list[tuple[Element, bool]] = []  # open elements: (element, has its own content)
        self.mcids = 0

    def _owner(self) -> Element | None:
        """The element whose content is being drawn (None: an artifact)."""
        for element, content in reversed(self.stack):
            if content:
                return element
        return None

    def _open(self, element: Element | None) -> str:
        if element is None:
            return ARTIFACT
        element.kids.append(self.mcids)
        self.mcids += 1
        return f"/{element.role} <</MCID {element.kids[-1]}>> BDC"

    def begin(self, role: str, content: bool = True, alt: str | None = None,
              attributes: str = "") -> tuple[list[str], list[str], Element]:
        """Open an element (inside the open one): the operators that close the open sequence and those
        that open the element's own (none when it only groups others), and the element."""
        element = Element(role, alt=alt, attributes=attributes)
        (self.stack[-1][0].kids if self.stack else self.top).append(element)
        self.stack.append((element, content))
        if not content:
            return [], [], element
        return ["EMC"], [self._open(element)], element

    def end(self) -> tuple[list[str], list[str]]:
        """Close the innermost element: the operators that close its sequence and those that reopen the
        enclosing one."""
        element, content = self.stack.pop()
        if not content:
            return [], []
        return ["EMC"], [self._open(self._owner())]

    def take(self) -> bytes:
        """The page's elements, packed (``unpack``), for the next page to start afresh."""
        if self.stack:
            raise RuntimeError(f"structure elements left open at the end of a page: {[e.role for e, _ in self.stack]}")
        top, self.top, self.mcids = self.top, [], 0
        return pack(top)


def pack(elements: list[Element] | tuple[Element, ...]) -> bytes:
    """Elements as bytes: a drawn page holds its elements this way until written (a few KB instead of
    tens, for each of 1000 pages that may wait for the combined report)."""
    return marshal.dumps(tuple(element.plain() for element in elements))


def unpack(data: bytes) -> tuple[Element, ...]:
    return tuple(map(Element.from_plain, marshal.loads(data))) if data else ()


def page_content(code: list[str]) -> str:
    """A page body's operators, the parts outside any element marked as artifacts (empty ones dropped)."""
    out = [ARTIFACT]
    for operator in code:
        if operator == "EMC" and out[-1] == ARTIFACT:
            out.pop()
        else:
            out.append(operator)
    if out and out[-1] == ARTIFACT:
        out.pop()
    else:
        out.append("EMC")
    return "\n".join(out) + "\n"


def artifact(code: str, kind: str) -> str:
    """Operators marked as an artifact of a kind (/Pagination /Footer, /Pagination /Watermark ...)."""
    return f"/Artifact <</Type {kind}>> BDC\n{code}EMC\n" if code.strip() else code


@contextmanager
def tagged(canvas, role: str, alt: str | None = None, attributes: str = "") -> Iterator[Element]:
    """What is drawn inside is the content of a new ``role`` element (P, H1, Figure ...)."""
    close, open_, element = canvas.tags.begin(role, True, alt, attributes)
    canvas._code.extend(close + open_)
    yield element
    close, reopen = canvas.tags.end()
    canvas._code.extend(close + reopen)


@contextmanager
def structure(canvas, role: str, attributes: str = "") -> Iterator[Element]:
    """A new ``role`` element grouping the elements drawn inside (Table, TR, TD, Sect); what is drawn
    inside but outside those stays as it was (an artifact, usually)."""
    _, _, element = canvas.tags.begin(role, False, attributes=attributes)
    yield element
    canvas.tags.end()


class TableTags:
    """A ReportLab Table render callback (``Table(..., renderCB=TableTags(...))``) that tags the table
    as it is drawn: ``table`` → ``row`` → ``cell`` (TH for the first ``header_rows`` rows, with a column
    scope, and the first ``header_columns`` columns, with a row scope), the cells' flowables inside;
    backgrounds and rules stay artifacts."""

    def __init__(self, header_rows: int = 0, table: str = "Table", row: str = "TR", cell: str | None = "TD",
                 header_columns: int = 0):
        self.header_rows, self.header_columns, self.roles = header_rows, header_columns, (table, row, cell)

    def __call__(self, table, command: str, *args) -> None:
        tags, (table_role, row_role, cell_role) = table.canv.tags, self.roles
        if command == "startTable":
            tags.begin(table_role, False)
        elif command == "startRow":
            self.row = args[0]
            tags.begin(row_role, False)
        elif command == "startCell" and cell_role:
            scope = "Column" if self.row < self.header_rows else "Row" if args[1] < self.header_columns else None
            tags.begin("TH" if scope else cell_role, False,
                       attributes=f"<< /O /Table /Scope /{scope} >>" if scope else "")
        elif command in ("endRow", "endTable") or command == "endCell" and cell_role:
            tags.end()


def link_annotation(canvas, element: Element) -> None:
    """The link annotation the canvas made last belongs to ``element`` (a Link)."""
    element.kids.append(Annot(len(canvas.links) - 1))


def walk(elements: tuple[Element, ...] | list) -> Iterator[Element]:
    """Every element, depth first in reading order."""
    for element in elements:
        if isinstance(element, Element):
            yield element
            yield from walk(element.kids)
