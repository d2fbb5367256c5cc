"""The package's imports run one way, down the pipeline: cli → share, author → build → report → proof →
page → source → pdf → errors, files; and every module sits in a package of that order."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import briefing

PACKAGE = Path(briefing.__file__).parent

# highest first; a module may import its own package and any package of a later line, never an earlier one
# or another of its own line
LAYERS = [
    {"__main__"},
    {"cli"},
    {"share", "author"},
    {"build"},
    {"report"},
    {"proof"},
    {"page"},
    {"source"},
    {"pdf"},
    {"errors", "files", "__init__"},
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def unit_of(dotted: str) -> str:
    """The package (``page``) or top-level module (``cli``) a module of briefing belongs to."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_module(root: Path, dotted: str) -> bool:
    where = root.joinpath(*dotted.split(".")[1:])
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def imported_modules(root: Path, path: Path, module: str) -> list[tuple[int, str]]:
    """(line, dotted name under briefing) of every import of briefing's own modules in a file, wherever it
    is (top level, a function, ``if TYPE_CHECKING``)."""
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "briefing"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "briefing":
                base = node.module.split(".")
            else:
                continue
            for alias in node.names:  # from .x import y: the module .x.y if there is one, else .x
                named = ".".join(base + [alias.name])
                found.append((node.lineno, named if is_module(root, named) else ".".join(base)))
    return found


def modules(root: Path) -> list[tuple[Path, str]]:
    return [(path, ".".join(("briefing", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__"))
            for path in sorted(root.rglob("*.py"))]


def layering_problems(root: Path) -> list[str]:
    """Every import that runs up the pipeline or sideways between packages, and every module outside the
    known packages."""
    problems = []
    for path, module in modules(root):
        unit = unit_of(module)
        if unit not in RANK:
            problems.append(f"{module}: {unit} is in no layer of LAYERS")
            continue
        for line, target in imported_modules(root, path, module):
            other = unit_of(target)
            if other == unit:
                continue
            if other not in RANK or RANK[other] <= RANK[unit]:
                problems.append(f"{path.relative_to(root)}:{line}: {module} ({unit}) imports {target} ({other})")
    return problems


def test_imports_run_down_the_pipeline() -> None:
    assert layering_problems(PACKAGE) == []


def test_every_package_is_named_in_a_layer() -> None:
    units = {unit_of(module) for _, module in modules(PACKAGE)}
    assert units == set(RANK), "LAYERS and the package's folders name the same packages"


def test_pdf_knows_nothing_of_briefs_or_pages() -> None:
    pdf = [(path, module) for path, module in modules(PACKAGE) if unit_of(module) == "pdf"]
    assert len(pdf) > 5
    for path, module in pdf:
        for _, target in imported_modules(PACKAGE, path, module):
            assert unit_of(target) == "pdf", (path, target)


def _planted(tmp_path: Path, relative: str, line: str) -> list[str]:
    copy = tmp_path / "briefing"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / relative
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _planted():\n    {line}\n", encoding="utf-8")
    return layering_problems(copy)


def test_an_import_up_the_pipeline_is_caught(tmp_path: Path) -> None:
    problems = _planted(tmp_path, "source/model.py", "from ..page import fonts")
    assert len(problems) == 1 and "briefing.source.model (source) imports briefing.page.fonts (page)" in problems[0]


def test_an_absolute_import_up_the_pipeline_is_caught(tmp_path: Path) -> None:
    problems = _planted(tmp_path, "pdf/writer.py", "import briefing.build.plan")
    assert len(problems) == 1 and "(pdf) imports briefing.build.plan (build)" in problems[0]


def test_an_import_between_packages_of_one_layer_is_caught(tmp_path: Path) -> None:
    problems = _planted(tmp_path, "share/preview.py", "from ..author import draft")
    assert len(problems) == 1 and "(share) imports briefing.author.draft (author)" in problems[0]


def test_a_module_outside_the_layers_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "briefing"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "misc").mkdir()
    (copy / "misc" / "__init__.py").write_text('"""Odds and ends."""\n', encoding="utf-8")
    assert layering_problems(copy) == ["briefing.misc: misc is in no layer of LAYERS"]


def test_every_module_and_package_says_what_it_is_in_one_line() -> None:
    for path, module in modules(PACKAGE):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring, f"{module} has no docstring"
        first, _, rest = docstring.partition("\n")
        assert first.strip() and len('"""' + first) <= 120 and (not rest or rest.startswith("\n")), \
            f"{module}: its docstring's first line is not a summary of its own: {first!r}"
