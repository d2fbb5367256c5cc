"""``briefing new``: a commented skeleton brief that explains every field."""
from __future__ import annotations

import re
from pathlib import Path

from .errors import BriefError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")

TEMPLATE = """\
# yaml-language-server: $schema=../schema/brief.schema.json
# A brief: one province's aid work, summarised in your own words from articles in seeds/.
# `briefing check briefs/{slug}.yaml` tells what is still wrong; `briefing build` makes the PDF.
province: {province}                      # 省市简称, as printed (≤ 10 characters)
regions:                                  # 受援地区 (1–6)
  - 某某地区某某县
period: "20XX年至20XX年"                  # 时期 covered
title: "{province}援疆：一句话概括主要成效"  # 标题, ≤ 40 characters
lead: >-                                  # 导语, ≤ 400 characters, your own words
  用两三句话概括{province}援疆的时间、对象、投入和主要做法。
metrics:                                  # 核心数据, 1–6 tiles
  - kind: funding                         # funding, projects, jobs, sales, sales_volume, cadres,
                                          # talent_recruited, trained, enterprises, beneficiaries,
                                          # poverty_exits, facilities, outlets (README: what each counts)
    # scope: "“某某”活动"                 # only when the figure counts part of its kind (one campaign, fund)
    label: 援疆资金                        # ≤ 12 characters
    value: 0                              # the number exactly as the source writes it (37 for 37亿多元)
    unit: 亿元                            # the source's unit: 亿元, 万元, 万吨, 人, 个…
    # qualifier: 多                       # only as the source writes it: 多, 余, 以上, 超, 近, 约, 左右…
    as_of: "20XX年"                       # 截至时间或统计期
    source: "s1"                          # id of an entry under sources
    quote: "从来源原文逐字复制陈述该数字的短语"  # verbatim phrase of that source (≤ 80 characters)
sections:                                 # 1–6 sections, printed 一、二、三、 each as one paragraph
  - heading: 产业与就业                    # ≤ 16 characters
    # period: "2015年"                    # only when this section is of another period
    points:                               # 1–6 points: one sentence each, your own words
      - text: "一句话要点，数字须与来源一致。"
        source: "s1"
sources:                                  # the articles cited, in seeds/
  - id: "s1"                              # short id, cited above
    file: 000_example.txt                 # file name in seeds/
    title: "文章标题"
    # publisher: "发布单位"               # only what the article states
    # date: 2021-06-30                    # only when the article states it
"""


def new_brief(briefs_dir: Path, slug: str, province: str) -> Path:
    """Write ``briefs_dir/<slug>.yaml``; never overwrite an existing brief."""
    if not SLUG.match(slug):
        raise BriefError.single(slug, "a brief's name is lower-case letters, digits and '-' (e.g. jiangsu)")
    if not province or len(province) > 10 or any(ch in province for ch in "\n:#\"'{}[]"):
        raise BriefError.single(slug, f"--province {province!r}: give the short province name, e.g. 江苏")
    path = briefs_dir / f"{slug}.yaml"
    briefs_dir.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(TEMPLATE.format(slug=slug, province=province))
    except FileExistsError:
        raise BriefError.single(str(path), "already exists; not overwritten (choose another name or edit it)") \
            from None
    return path
