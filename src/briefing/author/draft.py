"""``briefing draft``: a brief started from an article, for an editor to finish.

``briefing draft``: a brief started from an article in seeds/ — its source, every figure it states as a
candidate tile (six active, the rest commented out), and its paragraphs as candidate points to rewrite."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from ..errors import BriefError
from ..files import display_path
from ..proof.provenance import MAX_SEED_BYTES, tile_problem
from ..source.chinese_numbers import MAGNITUDES, QUALIFIERS, find_figures
from ..source.figures import format_number, squeeze
from ..source.inputs import decode, read_bytes
from ..source.model import Qualifier
from .skeleton import SLUG, commented, yaml_quoted

ACTIVE = 6  # tiles a page shows
SECTIONS = 3
SENTENCE_END = "。！？!?"
CLAUSE_END = SENTENCE_END + "，,；;：:（()）"
MAX_QUOTE = 80
MAX_LABEL = 12
MAX_AS_OF = 20
RELATIVE = ("今年", "去年", "上半年", "截至目前", "截至今年", "截至去年")  # as-ofs a page cannot place in time

# What a person must write, marked 某某: `briefing check` refuses a brief that still has one.
FILL_IN = "某某"
TITLE_TODO = "援疆：某某（一句话概括主要成效）"  # after the province
LEAD_TODO = "某某（导语：用两三句话概括援疆的时间、对象、投入和主要做法，用自己的话）"
HEADING_TODO = "某某（小标题）"
POINT_TODO = "某某（用自己的话写一句要点，数字须与来源一致）"

# Short names as printed, and the file name a brief of each gets when --slug is not given.
SLUGS = {
    "北京": "beijing", "天津": "tianjin", "河北": "hebei", "山西": "shanxi", "辽宁": "liaoning", "吉林": "jilin",
    "黑龙江": "heilongjiang", "上海": "shanghai", "江苏": "jiangsu", "浙江": "zhejiang", "安徽": "anhui",
    "福建": "fujian", "江西": "jiangxi", "山东": "shandong", "河南": "henan", "湖北": "hubei", "湖南": "hunan",
    "广东": "guangdong", "深圳": "shenzhen",
}

# Xinjiang's prefecture-level areas (and the Corps' divisions), for the paired regions an article names.
_PREFECTURES = ("和田|喀什|阿克苏|克孜勒苏柯尔克孜自治州|克州|伊犁|塔城|阿勒泰|博尔塔拉|博州|昌吉|哈密|吐鲁番|巴音郭楞|"
                "巴州|克拉玛依|乌鲁木齐")
_REGION = re.compile(rf"(?:(?:{_PREFECTURES})(?:地区|市|州|哈萨克自治州|蒙古自治州|回族自治州)?"
                     rf"(?:[\u4e00-\u9fff]{{2,3}}县)?|兵团第[一二三四五六七八九十]+师(?:[\u4e00-\u9fff]{{2,3}}市)?)")

# A figure's kind, guessed from the words before it (nearest clause first): (words, units it applies to, kind)
_KIND_WORDS: list[tuple[tuple[str, ...], tuple[str, ...], str]] = [
    (("销售额", "销售金额", "助销", "销售", "带动农产品销售"), ("元",), "sales"),
    (("助销", "销售"), ("吨",), "sales_volume"),
    (("资金", "投入", "投资", "拨付", "捐助", "捐款", "捐物", "补贴", "援助"), ("元",), "funding"),
    (("项目",), ("个", "项"), "projects"),
    (("培训", "培养", "研学"), ("人", "名", "人次", "场", "场次", "期"), "trained"),
    (("就业", "用工", "务工", "岗位"), ("人",), "jobs"),
    (("选派", "派出", "援疆干部", "援疆教师", "援疆医生", "干部人才"), ("人", "名", "位"), "cadres"),
    (("引进", "招引"), ("人", "名", "位"), "talent_recruited"),
    (("脱贫",), ("人", "户"), "poverty_exits"),
    (("企业", "公司"), ("家", "个"), "enterprises"),
    (("门店", "店铺", "专卖店", "直销店", "专柜"), ("家", "个"), "outlets"),
    (("受益", "患者", "群众", "贫困户", "学生", "孕产妇", "青年", "儿", "户"), ("人", "名", "户", "例", "位", "对"),
     "beneficiaries"),
    (("仓", "车间", "教室", "学校", "卫生院", "设施", "座席", "公交车", "电单车"), ("", ), "facilities"),
]
_KIND_BY_UNIT = {"元": "funding", "吨": "sales_volume", "人": "beneficiaries", "名": "beneficiaries",
                 "家": "enterprises", "个": "projects", "项": "projects", "间": "facilities", "所": "facilities"}

_AS_OF = re.compile(
    r"(?:截至|截止)(?:目前|去年|今年(?:\d{1,2}月底?)?|\d{4}年(?:\d{1,2}月)?[底末]?)"
    r"|自?\d{4}年(?:\d{1,2}月)?(?:以来|开始|起)"
    r"|“?十[一二三四五]五”?(?:期间|以来)"
    r"|\d{4}年(?:—|-|至|、|和)\d{4}年"
    r"|\d{4}年(?:\d{1,2}月)?(?:上半年|下半年|底|末)?"
    r"|今年(?:上半年|\d{1,2}月底?)?|去年|上半年"
    r"|[^，,。；]{0,12}以来")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)年")

_TITLE_LABELS = ("来源", "作者", "摘要", "我的位置", "分享", "收藏", "编辑", "责任编辑", "发布时间", "时间")
_PUBLISHER = re.compile(r"(?:数据来源|来源|发布单位|发布)[:：]\s*([^\s:：|]{2,40})")
_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")


# ---------------------------------------------------------------------------------------------------------
# Figures, read by the one reader of Chinese figures (chinese_numbers), as a tile writes them

_DURATIONS = {"个月", "天", "日", "周", "小时", "分钟", "年", "岁", "年级"}  # 为期1个月: not a result
_MAGNITUDE_WORDS = {factor: word for word, factor in MAGNITUDES.items()}


@dataclass(frozen=True)
class TileFigure:
    """A figure as a tile states it: the number as written, the unit with its magnitude, the qualifier."""

    start: int
    end: int
    value: int | float
    unit: str
    qualifier: str | None
    digits: bool  # written in digits (37), not in Chinese numerals (三十七)


def figures(text: str) -> Iterator[TileFigure]:
    """Every figure of ``text`` that can be a tile: a count or amount with its unit, or a percentage; not
    years, dates, periods, ordinals, durations or numbers inside a quoted name (“十村示范百村”)."""
    for figure in find_figures(text):
        if figure.kind not in ("number", "percent") or not figure.unit or figure.unit in _DURATIONS \
                or figure.number is None or _in_quotes(text, figure.start):
            continue
        number = figure.number
        value = int(number) if number.denominator == 1 else float(number)
        unit = figure.unit if figure.kind == "percent" else _MAGNITUDE_WORDS.get(figure.magnitude, "") + figure.unit
        yield TileFigure(figure.start, figure.end, value, unit, _written_qualifier(figure.text, figure.qualifier),
                         bool(re.search(r"\d", figure.text)))


def _written_qualifier(text: str, meaning: str | None) -> str | None:
    """The qualifier as the source writes it (余, not 多 which means the same), for the quote to match."""
    if meaning is None:
        return None
    return next((word for word in sorted(QUALIFIERS, key=len, reverse=True)
                 if word in text and QUALIFIERS[word] == meaning), meaning)


def _in_quotes(text: str, index: int) -> bool:
    """Whether ``index`` is inside a short quoted name: “十村示范百村”, “369”."""
    opening = text.rfind("“", max(0, index - 12), index)
    return opening >= 0 and "”" in text[index:index + 12] and "”" not in text[opening:index]


# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A figure of the article as a tile: the model's fields, and how telling it is."""

    kind: str
    kind_from_words: bool
    label: str
    value: int | float
    unit: str
    qualifier: str | None
    as_of: str | None
    quote: str
    score: float
    proved: bool  # `briefing check` proves it against its quote as it is
    digits: bool


@dataclass(frozen=True)
class Article:
    """What a seed says about itself, and its paragraphs."""

    id: str
    file: str
    title: str
    publisher: str | None
    date: dt.date | None
    paragraphs: list[str]
    headings: list[tuple[int, str]]  # (index of the paragraph it comes before, heading)
    regions: list[str]
    years: list[int]


def read_article(path: Path) -> Article:
    """A seed's source fields and paragraphs; ``BriefError`` when it cannot be read."""
    display = display_path(path)
    text = decode(read_bytes(path, display, MAX_SEED_BYTES, "seed document"), display)
    lines = [line.strip() for line in text.splitlines()]
    head = _head(lines)
    paragraphs, headings = _paragraphs(lines)
    stem = path.stem.split("_")[0]
    source_id = stem if re.fullmatch(r"[A-Za-z0-9_-]{1,12}", stem) else \
        (re.sub(r"[^A-Za-z0-9_-]", "", path.stem)[:12] or "s1")
    body = "".join(paragraphs)
    regions = _regions(_REGION.findall(squeeze(text)))
    return Article(source_id, path.name, _title(head) or path.stem, _publisher(lines), _date(head), paragraphs,
                   headings, regions, sorted({int(year) for year in _YEAR.findall(body)}))


def _head(lines: list[str]) -> list[str]:
    """The lines before the first sentence of the body."""
    head = []
    for line in lines:
        if line and any(mark in line for mark in "。"):
            break
        head.append(line)
    return head


def _title(head: list[str]) -> str | None:
    """The headline: the longest line of the head that is not a label (来源:, 作者:) or a sentence."""
    candidates = []
    for line in head:
        line = line.lstrip("#").strip()
        if not 6 <= len(line) <= MAX_QUOTE or "，" in line or line.startswith(_TITLE_LABELS) or "://" in line:
            continue
        candidates.append(line)
    return max(candidates, key=len, default=None)


def _publisher(lines: list[str]) -> str | None:
    for line in lines:
        found = _PUBLISHER.search(line)
        if found:
            return found[1][:40]
    return None


def _date(head: list[str]) -> dt.date | None:
    """The article's date, when its head gives it on a line with its source (来源, 发布, 作者)."""
    for line in head:
        found = _DATE.search(line)
        if found and any(label in line for label in ("来源", "发布", "作者", "时间")):
            try:
                return dt.date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                return None
    return None


def _paragraphs(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Paragraphs (lines with a sentence, a line broken after a digit joined to the next: 16 / 个乡镇) and the
    short lines between them that may be the article's subheadings."""
    paragraphs: list[str] = []
    headings: list[tuple[int, str]] = []
    for line in lines:
        if not line:
            continue
        if paragraphs and paragraphs[-1][-1:].isdigit() and not line[0].isdigit():
            paragraphs[-1] += line
        elif len(line) >= 30 and any(mark in line for mark in SENTENCE_END + "，,；;"):
            paragraphs.append(line)
        elif 6 <= len(line) <= 40 and not any(mark in line for mark in SENTENCE_END) and paragraphs:
            headings.append((len(paragraphs), line.lstrip("#").strip()))
    return paragraphs, headings


def _regions(found: list[str]) -> list[str]:
    """The paired regions: of the areas named at least twice, the two named most, each in its fullest form."""
    groups: dict[str, list[str]] = {}
    for name in found:
        groups.setdefault(re.match(r"兵团第.+?师|..", name)[0], []).append(name)
    named = sorted((names for names in groups.values() if len(names) >= 2), key=len, reverse=True)
    return [max(names, key=len)[:20] for names in named[:2]]


def candidates(article: Article) -> list[Candidate]:
    """Every figure of the article as a candidate tile, most telling first."""
    found: list[Candidate] = []
    for paragraph in article.paragraphs:
        text = squeeze(paragraph)
        found += [_candidate(text, figure) for figure in figures(text)]  # 6个市, 6个援疆市: two facts
    return _ranked([c for c in found if c.quote])


def _candidate(text: str, figure: TileFigure) -> Candidate:
    start = max((text.rfind(mark, 0, figure.start) for mark in CLAUSE_END), default=-1) + 1
    end = min((i for i in (text.find(mark, figure.end) for mark in CLAUSE_END) if i >= 0), default=len(text))
    if len(text[start:end]) - (figure.end - figure.start) < 3 and start > 0:  # “，6.2亿元。”: the clause before says what
        start = max((text.rfind(mark, 0, start - 1) for mark in CLAUSE_END), default=-1) + 1
    quote = text[start:end]
    if len(quote) > MAX_QUOTE:
        start = max(start, figure.start - 30)
        quote = text[start:min(end, start + MAX_QUOTE)]
    before = text[start:figure.start]
    sentence_start = max((text.rfind(mark, 0, figure.start) for mark in SENTENCE_END), default=-1) + 1
    opening = _AS_OF.match(text)  # 2020年以来，…: the paragraph's own time
    as_of = _as_of(text[sentence_start:figure.start]) or _as_of(text[figure.end:end]) \
        or (_as_of(opening[0]) if opening and opening.end() < figure.start else None)
    kind, from_words = _kind(before, text[figure.end:end], figure.unit)
    if not from_words:
        kind, from_words = _kind(text[sentence_start:figure.start], "", figure.unit)
    label = _label(before, text[figure.end:end], as_of)
    return Candidate(kind, from_words, label, figure.value, figure.unit, figure.qualifier, as_of, quote,
                     _score(figure, from_words, as_of, before, text[sentence_start:figure.start]), _proved(figure, quote), figure.digits)


def _proved(figure: TileFigure, quote: str) -> bool:
    """Whether `briefing check` proves a tile of this figure against this quote as it stands."""
    if figure.qualifier is not None and figure.qualifier not in get_args(Qualifier):
        return False
    return tile_problem(figure.value, figure.unit, figure.qualifier, quote) is None


def _as_of(text: str) -> str | None:
    """The as-of phrase nearest the end of ``text``: 2020年以来, 截至2021年6月底, “十三五”期间, 今年…"""
    found = [match for match in _AS_OF.finditer(text) if _YEAR.search(match[0]) or not match[0].endswith("以来")
             or len(match[0]) <= MAX_AS_OF]
    for match in reversed(found):
        phrase = match[0].lstrip("自")
        phrase = re.sub(r"(开始|起)$", "以来", phrase).replace("截止", "截至")
        if phrase.endswith("以来") and not re.search(r"\d|年|批|期间", phrase):
            continue  # 近年来, 多年来: no time a reader can place
        if 2 <= len(phrase) <= MAX_AS_OF:
            return phrase
    return None


def _kind(before: str, after: str, unit: str) -> tuple[str, bool]:
    """A figure's kind from the word nearest before it (else just after it), else from its unit."""
    base = unit.lstrip("万亿千")
    fitting = [(word, kind) for words, units, kind in _KIND_WORDS if units == ("",) or base in units for word in words]
    near = before[-20:]
    found = max(fitting, key=lambda pair: (near.rfind(pair[0]), len(pair[0])), default=None)
    if found and near.rfind(found[0]) >= 0:
        return found[1], True
    near = after[:16]
    found = min(fitting, key=lambda pair: (near.find(pair[0]) % 99, -len(pair[0])), default=None)
    if found and found[0] in near:
        return found[1], True
    return _KIND_BY_UNIT.get(base, "facilities"), False


_LABEL_FILLER = re.compile(r"^(?:其中|同时|此外|并|还|已|共|累计共|总计|目前|现在|先后|分别|通过|为|有|和|及|与|占|至少|实现)+")
_LABEL_TAIL = re.compile(r"(?:达到|达|为|有|约|近|超过|共|累计|的|了|实现|完成|占)+$")


def _label(before: str, after: str, as_of: str | None) -> str:
    """A tile's label: the words before the figure (what it counts) since the last other figure, without its
    as-of, at most 12 characters; the words after it when there are none before (27家企业入驻)."""
    words = before.replace(as_of, "") if as_of else before
    while True:  # 4.2万吨、6.2亿元: the words before the figures they share
        words = words.rstrip("、，,“”\"")
        last = list(figures(words))
        if not last or last[-1].end != len(words):
            break
        words = words[:last[-1].start]
    if last:
        words = words[last[-1].end:]
    words = _LABEL_TAIL.sub("", _LABEL_FILLER.sub("", re.sub(_AS_OF, "", words).strip("、，,“”\"")))
    if len(words) < 2:  # 27家企业入驻: what it counts comes after it
        words = re.split(r"[\d.%％]", after.lstrip("、，,“”\""))[0][:MAX_LABEL]
    if len(words) > MAX_LABEL:  # 面向骨干教师以及学科教师的分类培训: the words after the last 的 or 、
        cut = max(words.rfind(mark) for mark in "的、")
        words = words[cut + 1:] if len(words) - cut > 3 else words
    words = words[-MAX_LABEL:]
    return re.sub(r"^[^\u4e00-\u9fffA-Za-z]+", "", words) or "指标"


def _score(figure: TileFigure, from_words: bool, as_of: str | None, before: str, sentence: str) -> float:
    """How telling a figure is on a tile: big cumulative sums of a clear kind first."""
    score = {"亿元": 6.0, "万元": 4.0, "万吨": 4.0, "万人": 4.0, "万户": 3.0}.get(figure.unit, 0.0)
    score += 3 if from_words else 0
    score += (1 if as_of.startswith(RELATIVE) else 2) if as_of else -3
    score += 2 if any(word in before for word in ("累计", "共", "总")) else 0
    score -= 3 if any(word in sentence for word in ("计划", "将", "预计", "力争", "目标")) else 0  # not done yet
    if figure.unit in ("%", "％"):
        score -= 3
    elif isinstance(figure.value, int) and figure.value < 10 and figure.unit[:1] not in "万亿":
        score -= 3
    elif figure.value >= 100 or figure.unit[:1] in "万亿":
        score += 1
    return score


def _ranked(found: list[Candidate]) -> list[Candidate]:
    """Best first; among near equals, a kind not yet chosen first (six tiles of one kind say little)."""
    rest = sorted(found, key=lambda c: -c.score)
    ranked: list[Candidate] = []
    kinds: dict[str, int] = {}
    while rest:
        best = max(rest, key=lambda c: c.score - 6 * kinds.get(c.kind, 0))
        rest.remove(best)
        ranked.append(best)
        kinds[best.kind] = kinds.get(best.kind, 0) + 1
    return ranked


# ---------------------------------------------------------------------------------------------------------
# The brief, as YAML text with comments

Line = tuple[str, str]  # code, comment


def active_and_rest(found: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """The tiles a draft makes active (the most telling proved ones with an as-of), and the rest."""
    # in digits: a tile prints its number from its quote's digits
    active = [c for c in found if c.as_of and c.proved and c.digits][:ACTIVE]
    return active, [c for c in found if c not in active]


def draft_text(article: Article, found: list[Candidate], province: str) -> str:
    """The brief's YAML: the article's source, its figures as tiles and its paragraphs as points to write."""
    active, rest = active_and_rest(found)
    period = _period(article, active)
    lines: list[Line] = [
        ("# yaml-language-server: $schema=../schema/brief.schema.json", ""),
        (f"# Drafted by `briefing draft` from seeds/{article.file}: write the title, lead, headings", ""),
        ("# and points (every 某某) in your own words, check each guess against the article, then run", ""),
        ("# `briefing check`.", ""),
        (f"province: {yaml_quoted(province)}", ""),
        ("regions:", "guessed from the article: check" if article.regions else "受援地区, 1–6"),
        *((f"  - {yaml_quoted(region)}", "") for region in article.regions or [f"{FILL_IN}地区{FILL_IN}县"]),
        (f"period: {yaml_quoted(period)}", "the years of the tiles: check" if period[:2] != "20XX" else "时期"),
        (f"title: {yaml_quoted(province + TITLE_TODO)}", "≤ 40 characters"),
        (f"lead: {yaml_quoted(LEAD_TODO)}", "80–130 characters"),
        ("metrics:", f"{len(found)} figures found; the {len(active)} most telling active"),
    ]
    for candidate in active:
        lines += _metric_lines(candidate, article.id, "  ")
    if rest:
        lines.append(("  # more figures of the article, most telling first: uncomment one to use it", ""))
    for candidate in rest:
        lines += [("  # " + code[2:], comment) for code, comment in _metric_lines(candidate, article.id, "  ")]
    lines += _section_lines(article)
    lines += [
        ("sources:", ""),
        (f"  - id: {yaml_quoted(article.id)}", ""),
        (f"    file: {yaml_quoted(article.file)}", ""),
        (f"    title: {yaml_quoted(article.title)}", "guessed from the article's first lines: check"),
        (f"    publisher: {yaml_quoted(article.publisher)}", "") if article.publisher
        else (f"    # publisher: {yaml_quoted('发布单位')}", "the article does not say"),
        (f"    date: {article.date.isoformat()}", "") if article.date
        else ("    # date: 2021-06-30", "the article does not say"),
    ]
    return commented(lines)


def _metric_lines(candidate: Candidate, source_id: str, indent: str) -> list[Line]:
    notes = [] if candidate.kind_from_words else ["guessed from the unit only"]
    if not candidate.proved:
        notes.append("check cannot prove this form yet")
    lines = [
        (f"- kind: {candidate.kind}", "; ".join(notes)),
        (f"  label: {yaml_quoted(candidate.label)}", ""),
        (f"  value: {format_number(candidate.value)}", ""),
        (f"  unit: {yaml_quoted(candidate.unit)}", ""),
    ]
    if candidate.qualifier:
        lines.append((f"  qualifier: {yaml_quoted(candidate.qualifier)}", ""))
    lines += [
        (f"  as_of: {yaml_quoted(candidate.as_of or '20XX年')}", "" if candidate.as_of else "not in its sentence: fill in"),
        (f"  source: {yaml_quoted(source_id)}", ""),
        (f"  quote: {yaml_quoted(candidate.quote)}", ""),
    ]
    return [(indent + code, comment) for code, comment in lines]


def _section_lines(article: Article) -> list[Line]:
    """Three sections to write, the article's paragraphs spread over them in order as commented points."""
    lines: list[Line] = [("sections:", "3–5 sections; the article's paragraphs under them, to rewrite")]
    paragraphs = article.paragraphs
    per = -(-len(paragraphs) // SECTIONS) if paragraphs else 0
    headings = dict(article.headings)
    for number in range(SECTIONS):
        lines += [
            (f"  - heading: {yaml_quoted(HEADING_TODO)}", "≤ 16 characters"),
            ("    points:", ""),
            (f"      - text: {yaml_quoted(POINT_TODO)}", ""),
            (f"        source: {yaml_quoted(article.id)}", ""),
        ]
        for index in range(number * per, min(len(paragraphs), (number + 1) * per)):
            if index in headings:
                lines.append((f"      # the article's heading: {headings[index]}", ""))
            lines.append((f"      # - text: {yaml_quoted(squeeze(paragraphs[index]))}", ""))
            lines.append((f"      #   source: {yaml_quoted(article.id)}", ""))
    return lines


def _period(article: Article, active: list[Candidate]) -> str:
    years = [int(y) for c in active for y in _YEAR.findall(c.as_of or "")] or article.years
    if article.date:
        years = [year for year in years if year <= article.date.year]
    if not years:
        return "20XX年至20XX年"
    first, last = min(years), max(years)
    return f"{first}年" if first == last else f"{first}年至{last}年"


def draft_brief(seed: Path, briefs_dir: Path, province: str, slug: str | None = None) -> tuple[Path, Article, list[Candidate]]:
    """Write ``briefs_dir/<slug>.yaml`` drafted from ``seed``; never overwrite. ``BriefError`` on bad input."""
    if not province or len(province) > 10 or not province.isprintable():
        raise BriefError.single(f"--province {province!r}", "give the short province name as printed, e.g. 江苏 "
                                "(≤ 10 characters)")
    slug = slug or SLUGS.get(province)
    if not slug:
        raise BriefError.single(f"--province {province!r}", "no file name known for this province: give one "
                                "with --slug (lower-case letters, digits and '-', e.g. jiangsu)")
    if not SLUG.match(slug):
        raise BriefError.single(f"--slug {slug!r}", "a brief's name is lower-case letters, digits and '-' "
                                "(e.g. jiangsu)")
    if not seed.is_file():
        raise BriefError.single(display_path(seed), "no such article; name a file of seeds/")
    article = read_article(seed)
    found = candidates(article)
    if not found:
        raise BriefError.single(display_path(seed), "no figure found in this article; write the brief with "
                                "`briefing new` instead")
    text = draft_text(article, found, province)
    path = briefs_dir / f"{slug}.yaml"
    briefs_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise BriefError.single(display_path(path), "already exists; not overwritten (choose another --slug)") \
            from None
    return path, article, found
