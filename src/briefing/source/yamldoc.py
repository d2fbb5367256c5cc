"""Read a YAML file into plain Python values plus the line and column of every value.

Stricter than ``yaml.safe_load``: duplicate keys, non-text keys, merge keys, custom tags and
oversized documents are errors; ``yes/no/on/off`` stay text (only ``true``/``false`` are booleans).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BriefError
from . import inputs

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 256 * 1024
MAX_NODES = 20_000  # far above any brief; stops alias "bombs" before they expand
MAX_DEPTH = 32  # a brief nests 5 deep

Path_ = tuple[str | int, ...]

@cache
def _strict_loader() -> type:
    """SafeLoader (libyaml's when present) whose booleans are YAML 1.2's (true/false only). Made when the
    first file is parsed: importing PyYAML costs ~25 ms that a process that parses nothing need not pay."""
    import yaml

    class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    StrictLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    return StrictLoader


_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document: its value and where each part of it is."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]]
    source: str = ""
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # scalar values: [start, end) in source
    digest: str = ""  # sha256 of the file's bytes as read, when read from a file

    def position(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``path``, or of its nearest parent."""
        while True:
            if path in self.marks:
                return self.marks[path]
            if not path:
                return (None, None)
            path = path[:-1]

    def char_position(self, path: Path_, ch: str) -> tuple[int | None, int | None]:
        """Line and column of the first ``ch`` inside the scalar at ``path`` (else of the field)."""
        span = self.spans.get(path)
        if span:
            index = self.source.find(ch, span[0], span[1])
            if index >= 0:
                line_start = self.source.rfind("\n", 0, index) + 1
                return self.source.count("\n", 0, index) + 1, index - line_start + 1
        return self.position(path)


def field_name(path: Path_) -> str:
    """``("metrics", 2, "value")`` → ``metrics[2].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(text: str, display: str) -> YamlDoc:
    """Parse one YAML document held in ``text``; ``display`` names the file in errors."""
    import yaml

    loader = _strict_loader()(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or error.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise BriefError.single(display, f"not valid YAML: {what}", line, column) from None
    except yaml.YAMLError as error:
        raise BriefError.single(display, f"not valid YAML: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        raise BriefError.single(display, "the file is empty", 1, 1)
    marks: dict[Path_, tuple[int, int]] = {}
    spans: dict[Path_, tuple[int, int]] = {}
    budget = [MAX_NODES]
    data = _construct(loader, node, (), marks, spans, display, budget)
    return YamlDoc(display, data, marks, text, spans)


def load(path: Path, display: str | None = None) -> YamlDoc:
    """Read and parse a YAML file; the document records the sha256 of the bytes read (``digest``)."""
    display = display or str(path)
    data = inputs.read_bytes(path, display, MAX_FILE_BYTES, "file")
    return replace(parse(inputs.decode(data, display), display), digest=inputs.digest(data))


def _construct(loader: Any, node: yaml.Node, path: Path_, marks: dict[Path_, tuple[int, int]],
               spans: dict[Path_, tuple[int, int]], display: str, budget: list[int]) -> Any:
    import yaml

    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    budget[0] -= 1
    if budget[0] < 0:
        raise BriefError.single(display, f"the document has more than {MAX_NODES} values "
                                "(YAML aliases expanding?)", line, column, field_name(path))
    if len(path) > MAX_DEPTH:
        raise BriefError.single(display, f"values nested more than {MAX_DEPTH} deep (a recursive alias?)",
                                line, column, field_name(path[:MAX_DEPTH]))
    marks[path] = (line, column)
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            raise BriefError.single(display, f"tag {node.tag!r} is not allowed; write plain text, numbers "
                                    "or dates", line, column, field_name(path))
        spans[path] = (node.start_mark.index, node.end_mark.index)
        try:
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise BriefError.single(display, f"cannot read this value: {error}", line, column,
                                    field_name(path)) from None
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise BriefError.single(display, f"tag {node.tag!r} is not allowed", line, column, field_name(path))
        return [_construct(loader, item, path + (index,), marks, spans, display, budget)
                for index, item in enumerate(node.value)]
    if node.tag != "tag:yaml.org,2002:map":
        raise BriefError.single(display, f"tag {node.tag!r} is not allowed", line, column, field_name(path))
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_line, key_column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise BriefError.single(display, "merge keys (<<) are not supported; write the fields out",
                                    key_line, key_column, field_name(path))
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            raise BriefError.single(display, "keys must be plain text", key_line, key_column, field_name(path))
        key = key_node.value
        if key in mapping:
            first = marks.get(path + (key,), (None, None))[0]
            raise BriefError.single(display, f"duplicate key {key!r} (first given on line {first}); "
                                    "YAML would silently keep only the last", key_line, key_column,
                                    field_name(path + (key,)))
        mapping[key] = _construct(loader, value_node, path + (key,), marks, spans, display, budget)
        marks[path + (key,)] = (key_line, key_column)  # a field's problems point at its key
    return mapping
