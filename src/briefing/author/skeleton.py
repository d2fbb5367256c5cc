"""``briefing new``: a commented skeleton brief that explains every field."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import BriefError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
COMMENT_COLUMN = 42  # display column of the comments' '#', as a CJK terminal or editor shows it
FILL_IN = "replace every placeholder (某某, 20XX, 0, the example texts) with what the articles in seeds/ state"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian Wide and Fullwidth characters two, marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back as exactly ``text``, whatever it holds:
    backslash, quote, and every character that is not plainly printable (control, line or paragraph
    separator, byte-order mark, surrogate, non-character) escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F or (code > 0xA0 and ch.isprintable() and ch not in "\u2028\u2029\ufeff"):
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def skeleton_lines(province: str) -> list[tuple[str, str]]:
    """The skeleton as (YAML, comment) pairs; every value that is text is quoted."""
    p = yaml_quoted(province)
    q = yaml_quoted
    return [
        ("# yaml-language-server: $schema=../schema/brief.schema.json", ""),
        ("# A brief: one province's aid work, summarised in your own words from articles in seeds/.", ""),
        ("# `briefing check` on this file tells what is still wrong; `briefing build` makes the PDF.", ""),
        (f"province: {p}", "省市简称, as printed (≤ 10 characters)"),
        ("regions:", "受援地区 (1–6)"),
        (f"  - {q('某某地区某某县')}", ""),
        (f"period: {q('20XX年至20XX年')}", "时期 covered"),
        (f"title: {q(province + '援疆：一句话概括主要成效')}", "标题, ≤ 40 characters"),
        (f"lead: {q('用两三句话概括' + province + '援疆的时间、对象、投入和主要做法。')}",
         "导语, ≤ 400 characters, your own words"),
        ("metrics:", "核心数据, 1–6 tiles"),
        (f"  - kind: {q('funding')}", "funding, projects, jobs, sales, sales_volume, cadres,"),
        ("", "talent_recruited, trained, enterprises, beneficiaries,"),
        ("", "poverty_exits, facilities, outlets (README: what each counts)"),
        (f"    # scope: {q('“某某”活动')}", "only when the figure counts part of its kind (one campaign, fund)"),
        (f"    label: {q('援疆资金')}", "≤ 12 characters"),
        ("    value: 0", "the number exactly as the source writes it (37 for 37亿多元)"),
        (f"    unit: {q('亿元')}", "the source's unit: 亿元, 万元, 万吨, 人, 个…"),
        (f"    # qualifier: {q('多')}", "only as the source writes it: 多, 余, 以上, 超, 近, 约, 左右…"),
        (f"    as_of: {q('20XX年')}", "截至时间或统计期"),
        (f"    source: {q('s1')}", "id of an entry under sources"),
        (f"    quote: {q('从来源原文逐字复制陈述该数字的短语')}", "verbatim phrase of that source (≤ 80 characters)"),
        ("sections:", "1–6 sections, printed 一、二、三、 each as one paragraph"),
        (f"  - heading: {q('产业与就业')}", "≤ 16 characters"),
        (f"    # period: {q('2015年')}", "only when this section is of another period"),
        ("    points:", "1–6 points: one sentence each, your own words"),
        (f"      - text: {q('一句话要点，数字须与来源一致。')}", ""),
        (f"        source: {q('s1')}", ""),
        ("sources:", "the articles cited, in seeds/"),
        (f"  - id: {q('s1')}", "short id, cited above"),
        (f"    file: {q('000_example.txt')}", "file name in seeds/"),
        (f"    title: {q('文章标题')}", ""),
        (f"    # publisher: {q('发布单位')}", "only what the article states"),
        ("    # date: 2021-06-30", "only when the article states it"),
        (f"# Now {FILL_IN};", ""),
        ("# `briefing check` says what is still missing.", ""),
    ]


def commented(lines: list[tuple[str, str]]) -> str:
    """YAML lines (code, comment), the comments lined up in one column of a CJK display."""
    out = []
    for code, comment in lines:
        if comment:
            code += " " * max(COMMENT_COLUMN - display_width(code), 2) + "# " + comment
        out.append(code)
    return "\n".join(out) + "\n"


def skeleton(province: str) -> str:
    """The text of a new brief for ``province``, its comments lined up in one column of a CJK display."""
    return commented(skeleton_lines(province))


def province_problem(text: str, slug: str, province: str) -> BriefError | None:
    """Why the skeleton for ``province`` would not be a valid brief (a province too long, blank, with a
    line break...), as a one-line error about ``--province``; None when it is valid."""
    from ..source import yamldoc
    from ..source.model import Brief, validate

    def refused(why: str) -> BriefError:
        return BriefError.single(slug, f"--province {province!r}: {why}; give the short province name as "
                                       "printed, e.g. 江苏")

    if not province.strip():
        return refused("is blank")
    if not province.isprintable():
        return refused("has a line break, tab or other invisible character")
    try:
        validate(yamldoc.parse(text, slug), Brief)
    except BriefError as error:
        problem = next((p for p in error.problems if p.field == "province"), error.problems[0])
        return refused(problem.message.split(";")[0])
    return None


def new_brief(briefs_dir: Path, slug: str, province: str) -> Path:
    """Write ``briefs_dir/<slug>.yaml``; never overwrite an existing brief."""
    if not SLUG.match(slug):
        raise BriefError.single(slug, "a brief's name is lower-case letters, digits and '-' (e.g. jiangsu)")
    text = skeleton(province)
    refused = province_problem(text, slug, province)
    if refused:
        raise refused
    path = briefs_dir / f"{slug}.yaml"
    try:
        briefs_dir.mkdir(parents=True, exist_ok=True)
        out = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise BriefError.single(str(path), "already exists; not overwritten (choose another name or edit it)") \
            from None
    except OSError as error:
        raise BriefError.single(str(path), f"cannot write it ({error.strerror}); choose another --briefs folder") \
            from None
    try:
        with out:
            out.write(text)
    except BaseException as error:
        path.unlink(missing_ok=True)  # ours: created just now by open("x")
        if isinstance(error, OSError):
            raise BriefError.single(str(path), f"cannot write it ({error.strerror}); nothing was left") from None
        raise
    return path


def next_step(path: str) -> str:
    """What to do after ``briefing new``: the line the command ends with."""
    import shlex

    return (f"now {FILL_IN}; `briefing check {shlex.quote(path)}` says what is still missing "
            "(`briefing build` fails on this brief until then)")
