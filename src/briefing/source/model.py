"""The brief: its typed model, and loading a YAML file into it with positioned errors.

The model is plain frozen dataclasses. pydantic validates YAML into them, but it is imported only when
something is validated: the annotations are read lazily (``from __future__ import annotations``), so a
process that only lays out and draws checked briefs, or unpickles them, never pays for pydantic's import
and schema building (~0.2 s).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ..errors import BriefError, Problem
from . import yamldoc


class Kind(str, Enum):
    """What a figure counts. Figures of one kind stand side by side in the combined report, so each
    kind means one thing: its printed name (``KIND_NAMES``) must be literally true of every figure of it."""

    funding = "funding"
    projects = "projects"
    jobs = "jobs"
    sales = "sales"
    sales_volume = "sales_volume"
    cadres = "cadres"
    talent_recruited = "talent_recruited"
    trained = "trained"
    enterprises = "enterprises"
    beneficiaries = "beneficiaries"
    poverty_exits = "poverty_exits"
    facilities = "facilities"
    outlets = "outlets"


KIND_NAMES: dict[Kind, str] = {
    Kind.funding: "援疆资金", Kind.projects: "援建项目", Kind.jobs: "带动就业", Kind.sales: "消费帮扶销售额",
    Kind.sales_volume: "消费帮扶销量", Kind.cadres: "选派干部人才", Kind.talent_recruited: "引进人才",
    Kind.trained: "培训人数", Kind.enterprises: "引进企业", Kind.beneficiaries: "受益群众",
    Kind.poverty_exits: "脱贫人口", Kind.facilities: "建成设施", Kind.outlets: "销售门店",
}
# what each kind counts, for the schema and the README: dispatched is not recruited, lifted out of
# poverty is not benefiting in general
KIND_MEANINGS: dict[Kind, str] = {
    Kind.funding: "援疆资金（投入、拨付） / aid funds spent",
    Kind.projects: "援建项目个数 / aid projects",
    Kind.jobs: "带动或新增就业人数 / jobs created",
    Kind.sales: "消费帮扶销售额 / sales of the region's produce",
    Kind.sales_volume: "消费帮扶销量 / quantity of produce sold",
    Kind.cadres: "派出省市选派的援疆干部人才 / cadres and professionals dispatched by the province",
    Kind.talent_recruited: "引进到受援地的专业技术人才 / professionals recruited into the region",
    Kind.trained: "培训人数 / people trained",
    Kind.enterprises: "引进、落地企业 / enterprises brought in",
    Kind.beneficiaries: "受益群众 / people who benefited in general",
    Kind.poverty_exits: "脱贫人口 / people lifted out of poverty",
    Kind.facilities: "建成的设施（车间、学校等） / facilities built",
    Kind.outlets: "设立的销售门店、专柜 / sales outlets opened",
}
KIND_DESCRIPTION = "可比较的指标类别，各省市同类数字并列对照 / what the figure counts: " + "; ".join(
    f"{kind.value} = {KIND_NAMES[kind]}: {KIND_MEANINGS[kind]}" for kind in Kind)
# the kinds a brief of an older format used, and what to write instead
RETIRED_KINDS: dict[str, str] = {
    "talent": "talent was split: write cadres (选派干部人才, dispatched by the province) or talent_recruited "
              "(引进人才, recruited into the region)",
}

Qualifier = Literal["多", "余", "以上", "超", "超过", "逾", "近", "约", "左右", "上下", "不到", "不足", "以下"]


if TYPE_CHECKING:
    from pydantic import TypeAdapter


def Field(**constraints: Any) -> Any:  # noqa: N802 - pydantic's Field, imported when an annotation is read
    from pydantic import Field as pydantic_field

    return pydantic_field(**constraints)


def _strict() -> Any:
    from pydantic import Strict

    return Strict()


def _text(max_length: int, zh: str, en: str) -> object:
    return Field(strict=True, min_length=1, max_length=max_length, pattern=r"\S", description=f"{zh} / {en}")


Text = str

_FORBID_EXTRA = {"extra": "forbid"}  # pydantic's config (a ConfigDict is a dict)
_model = dataclass(frozen=True, kw_only=True)


@_model
class Metric:
    """A headline figure, with the verbatim phrase of the source that states it."""

    __pydantic_config__ = _FORBID_EXTRA
    kind: Annotated[Kind, Field(description=KIND_DESCRIPTION)]
    label: Annotated[Text, _text(12, "指标名称", "label printed on the tile")]
    value: Annotated[Annotated[int, _strict()] | Annotated[float, _strict()],
                     Field(ge=0, lt=1e12, description="数值（按来源原文） / value as the source states it")]
    unit: Annotated[Text, _text(6, "单位，如 亿元、万吨、人", "unit as in the source")]
    qualifier: Annotated[Qualifier | None, Field(description="约数词（按来源原文）：多、余、以上、超、超过、逾、近、约、左右、上下、不到、不足、以下 / qualifier as the source writes it")] = None
    scope: Annotated[Text | None, Field(strict=True, min_length=1, max_length=16, pattern=r"\S", description=(
        "口径：数字只计该类别的一部分时写明哪一部分，如 “双线九进”活动、脱贫攻坚和乡村振兴资金；计全部时不写 / "
        "what part of its kind the figure counts (one campaign, one fund, one park); omit when it counts all"))] = None
    as_of: Annotated[Text, _text(20, "截至时间或统计期", "as-of date or period")]
    source: Annotated[Text, _text(12, "来源编号（sources 中的 id）", "id of a source")]
    quote: Annotated[Text, _text(80, "来源原文中陈述该数字的短语（逐字）", "verbatim phrase of the source stating it")]


@_model
class Point:
    __pydantic_config__ = _FORBID_EXTRA
    text: Annotated[Text, _text(300, "要点（自己的话）", "one point, in your own words")]
    source: Annotated[Text, _text(12, "来源编号", "id of a source")]


@_model
class Section:
    __pydantic_config__ = _FORBID_EXTRA
    heading: Annotated[Text, _text(16, "小标题", "section heading")]
    period: Annotated[Text | None, Field(strict=True, max_length=20,
                                         description="本节时期（与全文不同时） / period, when it differs")] = None
    points: Annotated[list[Point], Field(min_length=1, max_length=6, description="要点 / points")]


@_model
class Source:
    __pydantic_config__ = _FORBID_EXTRA
    id: Annotated[Text, Field(strict=True, pattern=r"^[A-Za-z0-9_-]{1,12}$", description="来源编号 / short id")]
    file: Annotated[Text, Field(strict=True, pattern=r"^[^/\\]{1,120}$", description="seeds/ 中的文件名 / file name in seeds/")]
    title: Annotated[Text, _text(80, "文章标题", "headline")]
    publisher: Annotated[Text | None, Field(strict=True, max_length=40, description="发布者 / publisher")] = None
    date: Annotated[dt.date | None, Field(description="发布日期 / publication date")] = None


@_model
class Photo:
    __pydantic_config__ = _FORBID_EXTRA
    file: Annotated[Text, Field(strict=True, min_length=1, max_length=200,
                                description="照片路径（相对简报所在目录，JPEG 或 PNG） / path relative to the brief's folder")]
    caption: Annotated[Text, _text(40, "图片说明", "caption")]


@_model
class Brief:
    """One province's aid work, summarised from its source articles."""

    __pydantic_config__ = _FORBID_EXTRA
    province: Annotated[Text, _text(10, "省市简称，如 安徽", "province as printed")]
    regions: Annotated[list[Annotated[Text, _text(20, "受援地", "paired region")]],
                       Field(min_length=1, max_length=6, description="受援地区 / paired regions")]
    period: Annotated[Text, _text(30, "时期", "period covered")]
    title: Annotated[Text, _text(40, "标题", "title")]
    lead: Annotated[Text, _text(400, "导语", "lead paragraph")]
    metrics: Annotated[list[Metric], Field(min_length=1, max_length=6, description="核心数据 / headline figures")]
    sections: Annotated[list[Section], Field(min_length=1, max_length=6, description="分节要点 / sections")]
    sources: Annotated[list[Source], Field(min_length=1, max_length=8, description="来源 / source documents")]
    photo: Annotated[Photo | None, Field(description="配图（可选） / optional photo with a caption")] = None

    def source_number(self, source_id: str) -> int:
        """1-based number of a source, as printed in the footnote markers."""
        return source_numbers(self)[source_id]


def source_numbers(brief: Brief) -> dict[str, int]:
    """Each source id's number, as the province page and the combined report's appendix print it: its
    1-based position in the brief's ``sources``."""
    return {source.id: number for number, source in enumerate(brief.sources, 1)}


@dataclass(frozen=True)
class LoadedBrief:
    """A valid brief and the file it came from."""

    stem: str
    path: Path
    doc: yamldoc.YamlDoc
    brief: Brief


@cache
def adapter(model: type) -> TypeAdapter:
    """pydantic's validator (and serializer, and JSON Schema) of one of the model's classes."""
    from pydantic import TypeAdapter

    return TypeAdapter(model)


def brief_json(brief: Brief) -> bytes:
    """The brief as JSON that ``brief_from_json`` reads back."""
    return adapter(Brief).dump_json(brief)


def brief_from_json(data: bytes) -> Brief:
    """A brief that ``brief_json`` wrote; pydantic's ValidationError if it does not fit this model."""
    return adapter(Brief).validate_json(data)


PARAGRAPHS = (("lead",), ("sections", int, "points", int, "text"))  # fields set as paragraphs: may hold \n and \t


def control_character(text: str, paragraph: bool = False) -> str | None:
    """The first control character (or line/paragraph separator) of ``text``; a paragraph may hold line
    breaks and tabs, which are set as spaces."""
    import unicodedata

    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
                 and not (paragraph and ch in "\n\t")), None)


def control_problems(doc: yamldoc.YamlDoc) -> list[Problem]:
    """A problem for every text value holding a control character: a line break or tab in a one-line
    field (``as_of: >`` ends with a line break), a NUL anywhere. The same for ``check`` and ``build``."""
    problems = []

    def visit(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                visit(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, path + (index,))
        elif isinstance(value, str):
            paragraph = any(len(shape) == len(path) and all(part == step or (step is int and isinstance(part, int))
                                                            for part, step in zip(path, shape)) for shape in PARAGRAPHS)
            ch = control_character(value, paragraph)
            if ch is not None:
                line, column = doc.char_position(path, ch)
                what = "a line break" if ch in "\n\r\u2028\u2029" else "a tab" if ch == "\t" else "a control character"
                problems.append(Problem(doc.file, line, column, yamldoc.field_name(path),
                                        f"contains {what} (U+{ord(ch):04X}); this field takes one line of plain "
                                        "text: write it on one line (a '>' or '|' block ends with a line break; "
                                        "use '>-' or quotes)"))

    visit(doc.data, ())
    return problems


def validate(doc: yamldoc.YamlDoc, model: type) -> Any:
    """Validate parsed YAML into ``model``; every problem names file, line, column and field."""
    from pydantic import ValidationError

    if not isinstance(doc.data, dict):
        raise BriefError.single(doc.file, "the file must be a mapping of fields (key: value)", 1, 1)
    controls = control_problems(doc)
    try:
        value = adapter(model).validate_python(doc.data)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            loc = tuple(item["loc"])
            # a union reports each branch as an extra path part (e.g. "int", "float"): drop it
            while loc and isinstance(loc[-1], str) and loc[:-1] in doc.marks and loc not in doc.marks \
                    and item["type"] not in ("unexpected_keyword_argument", "missing"):
                loc = loc[:-1]
            line, column = doc.position(loc)
            problems.append(Problem(doc.file, line, column, yamldoc.field_name(loc), _message(item)))
        raise BriefError(_unique(controls + problems)) from None
    if controls:
        raise BriefError(controls)
    return value


def _message(item: dict) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "unexpected_keyword_argument":
        return "unknown field; check its spelling (see schema/brief.schema.json)"
    if kind == "missing":
        return "this required field is missing"
    if kind == "enum" and item["input"] in RETIRED_KINDS:
        return RETIRED_KINDS[item["input"]]
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        return f"expected a number, got {type(item['input']).__name__} {item['input']!r}"
    if kind == "string_pattern_mismatch" and item["ctx"].get("pattern") == r"\S":
        return "is blank; write some text or remove the field"
    if kind == "list_type":
        return f"expected a list ('- item' lines), got {type(item['input']).__name__} {item['input']!r}"
    if kind in ("dataclass_type", "dict_type"):
        return f"expected fields ('key: value' lines), got {type(item['input']).__name__} {item['input']!r}"
    if kind == "string_type":
        found = type(item["input"]).__name__
        return f"expected text, got {found} {item['input']!r}; put it in quotes"
    if kind.startswith(("date_", "datetime_")):
        return f"expected a date written year-month-day (2019-09-07), got {item['input']!r}"
    return message


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for problem in problems:
        key = (problem.line, problem.column, problem.field)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def cross_check(doc: yamldoc.YamlDoc, brief: Brief) -> list[Problem]:
    """References inside a brief: source ids are unique and every cited id exists."""
    problems = []

    def problem(path: tuple, message: str) -> None:
        line, column = doc.position(path)
        problems.append(Problem(doc.file, line, column, yamldoc.field_name(path), message))

    ids = [source.id for source in brief.sources]
    for index, source in enumerate(brief.sources):
        if ids.index(source.id) != index:
            problem(("sources", index, "id"), f"source id {source.id!r} is used twice")
    known = ", ".join(ids)
    for index, metric in enumerate(brief.metrics):
        if metric.source not in ids:
            problem(("metrics", index, "source"), f"no source with id {metric.source!r} (known: {known})")
    for s_index, section in enumerate(brief.sections):
        for p_index, point in enumerate(section.points):
            if point.source not in ids:
                problem(("sections", s_index, "points", p_index, "source"),
                        f"no source with id {point.source!r} (known: {known})")
    return problems


def load_brief(path: Path, display: str | None = None) -> LoadedBrief:
    """Read, parse and validate one brief file; raise ``BriefError`` on any problem."""
    doc = yamldoc.load(path, display)
    brief = validate(doc, Brief)
    assert isinstance(brief, Brief)
    problems = cross_check(doc, brief)
    if problems:
        raise BriefError(problems)
    return LoadedBrief(path.stem, path, doc, brief)


@_model
class Distribution:
    """The 报/送/发 lines of a 简报's 报尾."""

    __pydantic_config__ = _FORBID_EXTRA
    report_to: Annotated[Text | None, Field(strict=True, alias="报", max_length=120, description="报：上级机关")] = None
    send_to: Annotated[Text | None, Field(strict=True, alias="送", max_length=120, description="送：平级单位")] = None
    issue_to: Annotated[Text | None, Field(strict=True, alias="发", max_length=120, description="发：下级单位")] = None


@_model
class ReportSettings:
    """What every page of one issue shares: the red header's name, issue, unit and date."""

    __pydantic_config__ = _FORBID_EXTRA
    name: Annotated[Text, _text(16, "简报名称（红色报头）", "briefing name in the red header")] = "对口援疆工作简报"
    title: Annotated[Text, _text(30, "汇编标题", "title of the combined report")] = "对口援疆工作简报汇编"
    unit: Annotated[Text, _text(30, "编印单位", "compiling unit")]
    issue: Annotated[int, Field(strict=True, ge=1, le=999, description="期号 / issue number")]
    date: Annotated[dt.date, Field(strict=False, description="印发日期，也是 PDF 的日期 / date printed and in the PDF")]
    distribution: Annotated[Distribution | None, Field(description="报尾：报、送、发 / distribution lines")] = None

    @property
    def issue_label(self) -> str:
        return f"{self.date.year}年第{self.issue}期"

    @property
    def date_label(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"


def load_settings(path: Path, display: str | None = None) -> tuple[ReportSettings, yamldoc.YamlDoc]:
    doc = yamldoc.load(path, display)
    settings = validate(doc, ReportSettings)
    assert isinstance(settings, ReportSettings)
    return settings, doc
