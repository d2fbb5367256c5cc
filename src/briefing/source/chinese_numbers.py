"""The one reader of figures in Chinese text: numbers, units, qualifiers, percentages, years, dates, periods.

``find_figures(text)`` returns every figure of a text with its value, unit, qualifier, kind and span;
``parse_quantity(value, unit, qualifier)`` reads a tile's figure the same way; ``same_figure`` says whether
two figures state the same fact (a figure in a brief and one in its source). It never raises on any string.

What counts as a figure (README, "What counts as a figure"):

- any number in Arabic digits (34.7, 3,000, 3，000, ３７), with its magnitude (万, 亿, 万亿, 千, …), its unit
  when one of ``UNITS`` follows, and the qualifiers around it (近, 约, 超, 超过, 逾, 不到 before; 多, 余 after
  the number or the magnitude; 以上, 左右, 以下, 上下 after the unit);
- a number in Chinese numerals (九, 二十, 两千, 一万二千, 三点五) only when a unit, a qualifier, 成 or 分之
  follows it, or it is a year or a month; the bare 一 (一个, 一批: an article more than a count) and runs of
  magnitude words alone (千方百计, 万人) are not figures;
- percentages: 90%, 90 ％, 百分之九十, 九成, 三分之一, 半数, 一半, 过半 (kind ``percent``, value in per cent);
- years (2021年, 二〇二一年, 2020—2021年), dates (2019年9月, 2019年9月7日, 9月, 2021年底) and five-year-plan
  periods (“十三五”, 十四五规划; kind ``period``);
- ordinals with a unit (第九批, 第3届; kind ``ordinal``); 第一书记 (no unit) and 一、 headings are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

# --- tables -------------------------------------------------------------------------------------------------

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4,
          "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
SMALL_PLACES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_PLACES = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL = "".join(DIGITS) + "".join(SMALL_PLACES) + "".join(BIG_PLACES)

# magnitude words after a number, longest first: 1.2万, 37亿, 1.5万亿, 5百万
MAGNITUDES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "千万": 10**7, "百万": 10**6,
              "十万": 10**5, "亿": 10**8, "万": 10**4, "千": 10**3, "百": 10**2}

# measure words and units, longest first when matched
UNITS = tuple(sorted("""
元 美元 港元 欧元 人次 人天 人 名 位 户 家 家次 个百分点 百分点 个月 个 项 所 间 台 套 件 件次 条 场次 场 次 批 期 届 轮
天 日 周 小时 分钟 年 年级 岁 吨 公斤 千克 克 斤 亩 公顷 平方米 平方公里 立方米 公里 米 千瓦时 千瓦 瓦时 瓦 度 座 处 栋
幢 层 张 床 辆 头 只 株 棵 本 册 部 篇 份 门 种 类 支 队 班 校 县 乡镇 乡 镇 村 市 省 区 倍 块 笔 单 箱 盒 组 对 双
标段
""".split(), key=len, reverse=True))

# qualifiers: the written form -> its meaning (one canonical form per meaning)
QUALIFIERS_BEFORE = {"超过": "超", "超": "超", "逾": "超", "将近": "近", "接近": "近", "近": "近", "大约": "约",
                     "约": "约", "不到": "不到", "不足": "不到"}
QUALIFIERS_AFTER_NUMBER = {"多": "多", "余": "多"}
QUALIFIERS_AFTER_UNIT = {"以上": "以上", "之多": "多", "有余": "多", "左右": "约", "上下": "约", "以下": "以下"}
QUALIFIERS = {**QUALIFIERS_BEFORE, **QUALIFIERS_AFTER_NUMBER, **QUALIFIERS_AFTER_UNIT}
MORE_THAN = {"多", "以上", "超"}  # a source's 多, 余, 以上, 超过, 逾 may be written 超

# set phrases whose numerals are names, not counts
SET_PHRASES = ("三部曲", "四个全面", "四个意识", "四个自信", "两个维护", "两个确立", "两个确保", "三个代表",
               "一带一路", "五位一体", "两学一做", "三严三实", "一国两制", "三个一批", "十全十美", "三农")

VAGUE_BEFORE = "数几"  # 数十, 几百: not counts (上千, 成千上万: a magnitude word alone is no number)

YEAR_PARTS = {"底": "底", "末": "底", "初": "初"}
RANGE = "—–-~～至到"
LIST = "、和与及"

# full-width digits and signs read as ASCII (one character for one, so spans stay valid)
_WIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")

KINDS = ("number", "percent", "year", "date", "period", "ordinal")


@dataclass(frozen=True)
class Figure:
    """One figure found in a text.

    ``number`` is the number as written before a magnitude word (1.2 of 1.2万人), ``magnitude`` that word's
    factor (10000), ``value`` their product (12000, exact); ``unit`` the unit without its magnitude (人; % for
    a percentage; 年 for a year or date, 五年规划 for a period); ``qualifier`` the canonical qualifier
    (多 for 多/余, 超 for 超/超过/逾, 约 for 约/左右/上下, 近, 不到, 以上, 以下) or None. A date's ``value`` is
    its year (or None), ``month`` and ``day`` and ``part`` (底, 初) say the rest. ``start``/``end`` are
    its span in the text it was found in and ``text`` that span.
    """

    text: str
    start: int
    end: int
    kind: str
    value: Fraction | None
    unit: str = ""
    qualifier: str | None = None
    number: Fraction | None = None
    magnitude: int = 1
    month: int | None = None
    day: int | None = None
    part: str | None = None

    @property
    def key(self) -> tuple:
        """What the figure states, independent of the form it is written in."""
        return (self.kind, self.value, self.unit, self.qualifier, self.month, self.day, self.part)

    def describe(self) -> str:
        """The figure in plain form: 12000人 (多), 90%, 2019年9月."""
        if self.kind in ("year", "date"):
            out = f"{self.value}年" if self.value is not None else ""
            out += f"{self.month}月" if self.month else ""
            out += f"{self.day}日" if self.day else ""
            return out + (self.part or "")
        if self.kind == "period":
            return f"“{self.text}”"
        out = format_number(self.value) + self.unit if self.value is not None else self.text
        if self.kind == "ordinal":
            out = "第" + out
        return out + (f"（{self.qualifier}）" if self.qualifier else "")


def format_number(value: Fraction | int | float | None) -> str:
    """A number in digits without a needless fraction: 12000, 34.7, 33.333333 for a third."""
    if value is None:
        return ""
    value = Fraction(value) if not isinstance(value, Fraction) else value
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


# --- reading numbers ------------------------------------------------------------------------------------------

def chinese_value(numerals: str) -> int | None:
    """The value of a run of Chinese numerals (九, 二十, 一百零五, 两千三百, 一万二千, 三亿五千万); None when
    it is not a well-formed number."""
    if not numerals or any(c not in CHINESE_NUMERAL for c in numerals):
        return None
    total, section, digit, seen_digit = 0, 0, None, False
    last_small = 10**9
    for c in numerals:
        if c in DIGITS and DIGITS[c] == 0 and digit is None and (section or total):
            continue  # 一百零五's 零 holds an empty place
        if c in DIGITS:
            if digit is not None:  # two digits in a row: only digit-by-digit runs (years) do that
                return None
            digit, seen_digit = DIGITS[c], True
        elif c in SMALL_PLACES:
            place = SMALL_PLACES[c]
            if place >= last_small:
                return None
            section += (1 if digit is None else digit) * place
            digit, last_small = None, place
        else:
            place = BIG_PLACES[c]
            if section == 0 and digit is None:
                return None
            section += digit or 0
            if place == 10**4 and total % 10**8 and total < 10**8 and total:
                return None
            total = (total + section) * place if place > 10**4 else total + section * place
            section, digit, last_small = 0, None, 10**9
    if not seen_digit and len(numerals) == 1 and numerals in SMALL_PLACES and numerals != "十" and numerals != "拾":
        return None
    return total + section + (digit or 0)


# at most 24 digits (and 12 decimals, 24 numerals): a longer run is no figure, and stays cheap to read
_ARABIC = re.compile(r"\d{1,3}(?:[,，]\d{3}){1,7}(?![\d])(?:\.\d{1,12})?|\d{1,24}(?:\.\d{1,12})?")
_CHINESE_RUN = re.compile(f"[{CHINESE_NUMERAL}]{{1,24}}(?:点[{''.join(DIGITS)}]{{1,12}})?")
_BARE_PLACES = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_SPACE = re.compile(r"[ \t\u3000\xa0\r\n]*")


def _number_at(text: str, i: int, place_alone: bool = False) -> tuple[Fraction, int, bool] | None:
    """A number starting at ``i``: (value, end, whether a magnitude word may not follow: a run of Chinese
    numerals without a decimal point has taken its 万 and 亿). ``place_alone``: 千 of 逾千人 is 1000."""
    if i > 0 and (text[i - 1].isdigit() or (text[i - 1] in ".," and i > 1 and text[i - 2].isdigit())):
        return None
    match = _ARABIC.match(text, i)
    if match:
        after = text[match.end():match.end() + 2]
        if after[:1].isdigit() or (after[:1] == "." and after[1:].isdigit()):
            return None  # 1.2.3 (a version or section number), or a longer run of digits
        return Fraction(re.sub("[,，]", "", match.group())), match.end(), False
    if i > 0 and (text[i - 1] in CHINESE_NUMERAL or text[i - 1] == "点"):
        return None
    if place_alone and text[i:i + 1] in _BARE_PLACES and (i + 1 == len(text) or text[i + 1] not in CHINESE_NUMERAL):
        return Fraction(_BARE_PLACES[text[i]]), i + 1, True
    match = _CHINESE_RUN.match(text, i)
    if not match:
        return None
    run = match.group()
    whole, _, decimals = run.partition("点")
    if (len(whole) == 24 or len(decimals) == 12) and text[match.end():match.end() + 1] in tuple(CHINESE_NUMERAL):
        return None  # a longer run of numerals than a number has
    value = chinese_value(whole)
    end = match.end()
    while value is None and len(whole) > 1:  # 五日、八日: stop before what does not read as one number
        whole, decimals = whole[:-1], ""
        value = chinese_value(whole)
        end = i + len(whole)
    if value is None:
        return None
    number = Fraction(value)
    if decimals:
        number += Fraction(int("".join(str(DIGITS[d]) for d in decimals)), 10 ** len(decimals))
    return number, end, not decimals


def _year_digits(text: str, i: int) -> tuple[int, int] | None:
    """A four-digit year at ``i`` in Arabic or Chinese digits (二〇二一): (year, end)."""
    if i > 0 and (text[i - 1].isdigit() or text[i - 1] in DIGITS):
        return None
    chunk = text[i:i + 4]
    if len(chunk) == 4 and chunk.isascii() and chunk.isdigit() and not text[i + 4:i + 5].isdigit():
        year = int(chunk)
    elif len(chunk) == 4 and all(c in DIGITS for c in chunk) and text[i + 4:i + 5] not in DIGITS:
        year = int("".join(str(DIGITS[c]) for c in chunk))
    else:
        return None
    return (year, i + 4) if 1000 <= year <= 2999 else None


def _by_first_character(words) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        index.setdefault(word[0], []).append(word)
    return {first: tuple(found) for first, found in index.items()}


_INDEXES = {id(table): _by_first_character(table)
            for table in (MAGNITUDES, UNITS, QUALIFIERS_BEFORE, QUALIFIERS_AFTER_NUMBER, QUALIFIERS_AFTER_UNIT)}


def _longest(text: str, i: int, words) -> str | None:
    """The longest of ``words`` (one of the tables above) that ``text`` has at ``i``."""
    for word in _INDEXES[id(words)].get(text[i:i + 1], ()):
        if text.startswith(word, i):
            return word
    return None


def _skip_space(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()


# --- the forms ----------------------------------------------------------------------------------------------

# a dateline's date in digits: 2019-09-07, 2019/9/7, 2019.09.07 (one separator throughout)
_NUMERIC_DATE = re.compile(r"((?:19|20)\d\d)([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")


def _date(text: str, i: int) -> Figure | None:
    """2021年, 2019年9月, 2019年9月7日, 2021年底, 二〇二一年, 9月, 九月, 9月底; 2020—2021年's 2020; 2019-09-07."""
    numeric = _NUMERIC_DATE.match(text, i)
    if numeric and (i == 0 or not text[i - 1].isdigit()) and 1 <= int(numeric[3]) <= 12 \
            and 1 <= int(numeric[4]) <= 31:
        return Figure(numeric[0], i, numeric.end(), "date", Fraction(int(numeric[1])), "年", month=int(numeric[3]),
                      day=int(numeric[4]))
    year = _year_digits(text, i)
    j = i
    value: int | None = None
    if year:
        value, j = year
        k = _skip_space(text, j)
        if text.startswith("年", k) and not text.startswith("年级", k):
            j = k + 1
        else:  # 2020—2021年, 2020、2021年
            k2 = _skip_space(text, k + 1) if k < len(text) and text[k] in RANGE + LIST else None
            if k2 is not None and _year_digits(text, k2) and text.startswith("年", _skip_space(text, k2 + 4)):
                return Figure(text[i:j], i, j, "year", Fraction(value), "年")
            return None
    month = day = part = None
    k = _skip_space(text, j)
    number = _number_at(text, k) if (year or k == i) else None
    if number and number[0].denominator == 1 and 1 <= number[0] <= 12:
        m_end = _skip_space(text, number[1])
        if text.startswith("月", m_end):
            month, j = int(number[0]), m_end + 1
            k = _skip_space(text, j)
            day_number = _number_at(text, k)
            if day_number and day_number[0].denominator == 1 and 1 <= day_number[0] <= 31:
                d_end = _skip_space(text, day_number[1])
                if text[d_end:d_end + 1] in ("日", "号"):
                    day, j = int(day_number[0]), d_end + 1
    if value is None and month is None:
        return None
    if day is None:
        part = YEAR_PARTS.get(text[j:j + 1])
        if part == "初" and text[j + 1:j + 2] in ("步", "心", "级", "期", "衷"):
            part = None
        if part:
            j += 1
    kind = "year" if month is None and part is None else "date"
    return Figure(text[i:j], i, j, kind, Fraction(value) if value is not None else None, "年",
                  month=month, day=day, part=part)


_PERIOD = re.compile(r"十([一二三四五六七八九])五")
_PERIOD_CONTEXT_AFTER = ("”", "\"", "’", "'", "」", "规划", "期间", "时期", "以来", "末", "初", "开局", "收官")


def _period(text: str, i: int) -> Figure | None:
    match = _PERIOD.match(text, i)
    if not match:
        return None
    before = text[i - 1:i] if i else ""
    after = text[match.end():]
    if before in ("“", "\"", "‘", "'", "「") or after.startswith(_PERIOD_CONTEXT_AFTER):
        plan = 10 + DIGITS[match.group(1)]
        return Figure(match.group(), i, match.end(), "period", Fraction(plan), "五年规划")
    return None


def _percent_words(text: str, i: int, qualifier: str | None, q_start: int) -> Figure | None:
    """百分之九十, 三分之一, 九成, 半数, 一半, 过半."""
    for word, value, q in (("半数", 50, None), ("一半", 50, None), ("过半", 50, "超")):
        if text.startswith(word, i):
            return _finish(text, q_start, i + len(word), "percent", Fraction(value), "%", q or qualifier,
                           Fraction(value), 1)
    if text.startswith("百分之", i):
        number = _number_at(text, i + 3)
        if number:
            return _finish(text, q_start, number[1], "percent", number[0], "%", qualifier, number[0], 1)
        return None
    number = _number_at(text, i)
    if not number:
        return None
    value, end, _ = number
    if text.startswith("分之", end):
        numerator = _number_at(text, end + 2)
        if numerator and value:
            percent = numerator[0] / value * 100
            return _finish(text, q_start, numerator[1], "percent", percent, "%", qualifier, percent, 1)
    if text.startswith("成", end) and 0 < value <= 10 and text[end + 1:end + 2] not in tuple("为立功果本员绩就效交长熟品型"):
        return _finish(text, q_start, end + 1, "percent", value * 10, "%", qualifier, value * 10, 1)
    return None


def _finish(text: str, start: int, end: int, kind: str, value: Fraction | None, unit: str,
            qualifier: str | None, number: Fraction | None, magnitude: int) -> Figure:
    """A figure, with a qualifier that follows its unit (以上, 左右, …)."""
    k = _skip_space(text, end)
    after = _longest(text, k, QUALIFIERS_AFTER_UNIT)
    if after and qualifier is None:
        qualifier, end = QUALIFIERS_AFTER_UNIT[after], k + len(after)
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return Figure(text[start:end], start, end, kind, value, unit, qualifier, number, magnitude)


def _quantity(text: str, i: int) -> Figure | None:
    """A number with its qualifiers, magnitude and unit, a percentage, or an ordinal, starting at ``i``."""
    start, qualifier, ordinal = i, None, False
    if text.startswith("第", i):
        ordinal, i = True, _skip_space(text, i + 1)
    else:
        before = _longest(text, i, QUALIFIERS_BEFORE)
        if before:
            k = _skip_space(text, i + len(before))
            if _number_at(text, k, True) or text.startswith(("百分之", "半数", "一半"), k):
                qualifier, i = QUALIFIERS_BEFORE[before], k
    if not ordinal:
        percent = _percent_words(text, i, qualifier, start)
        if percent:
            return percent
    number = _number_at(text, i, qualifier is not None)
    if not number:
        return None
    value, end, chinese = number
    chinese = chinese or text[i] in CHINESE_NUMERAL
    j = _skip_space(text, end)
    if chinese and i > 0 and text[i - 1] in VAGUE_BEFORE and text[i] in "十百千万亿":
        return None  # 数十家, 几百人: not a count
    after_number = _longest(text, j, QUALIFIERS_AFTER_NUMBER)
    if after_number and qualifier is None and not ordinal:
        qualifier, j = QUALIFIERS_AFTER_NUMBER[after_number], _skip_space(text, j + len(after_number))
    magnitude_word = _longest(text, j, MAGNITUDES) if not number[2] or after_number else None
    magnitude = 1
    if magnitude_word and not ordinal:
        magnitude, j = MAGNITUDES[magnitude_word], _skip_space(text, j + len(magnitude_word))
        after_magnitude = _longest(text, j, QUALIFIERS_AFTER_NUMBER)
        if after_magnitude and qualifier is None:
            qualifier, j = QUALIFIERS_AFTER_NUMBER[after_magnitude], _skip_space(text, j + len(after_magnitude))
    if text.startswith(("%", "％"), j) and not ordinal:
        return _finish(text, start, j + 1, "percent", value * magnitude, "%", qualifier, value, magnitude)
    unit = _longest(text, j, UNITS)
    if unit:
        j += len(unit)
    elif magnitude == 1 and (qualifier is None or qualifier == QUALIFIERS_BEFORE.get(text[start:i].strip())):
        j = end  # a bare number: what follows it is not part of it
    if (chinese or ordinal) and unit is None and j == end:
        return None  # 四化, 第一书记: Chinese numerals and ordinals are figures only with a unit
    if chinese and value * magnitude == 1 and not ordinal:
        return None  # 一个, 一批: an article
    return _finish(text, start, j, "ordinal" if ordinal else "number", value * magnitude, unit or "",
                   qualifier, value, magnitude)


def _inherit_units(figures: list[Figure], text: str) -> list[Figure]:
    """3至5万元, 9、8家: a bare number before a range or list takes the unit of the figure after it."""
    out = list(figures)
    for index in range(len(out) - 2, -1, -1):
        bare, following = out[index], out[index + 1]
        if bare.kind != "number" or bare.unit or bare.magnitude != 1 or not following.unit \
                or following.kind not in ("number", "percent"):
            continue
        between = text[bare.end:following.start].strip()
        if len(between) == 1 and between in RANGE + LIST:
            number = bare.number if bare.number is not None else bare.value
            out[index] = replace(bare, kind=following.kind, unit=following.unit, magnitude=following.magnitude,
                                 value=number * following.magnitude if number is not None else None)
    return out


_NUMERAL = f"[\\d{CHINESE_NUMERAL}]"
_CANDIDATE = re.compile(f"{_NUMERAL}|第\\s*{_NUMERAL}|半数|一半|过半|百分之|"
                        f"(?:{'|'.join(QUALIFIERS_BEFORE)})\\s*(?:{_NUMERAL}|百分之|半数|一半)")


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order, not overlapping. Never raises."""
    try:
        return _find(text)
    except Exception:  # noqa: BLE001 - a reader of figures must never be the reason a check fails
        return []


def _find(text: str) -> list[Figure]:
    if not isinstance(text, str):
        return []
    plain = text.translate(_WIDTH)
    phrases = [(m.start(), m.end()) for phrase in SET_PHRASES for m in re.finditer(re.escape(phrase), plain)]
    figures: list[Figure] = []
    i = 0
    while True:
        candidate = _CANDIDATE.search(plain, i)
        if candidate is None:
            break
        i = candidate.start()
        found = _period(plain, i) or _date(plain, i) or _quantity(plain, i)
        if found is None or found.end <= i:
            i += 1
            continue
        if not any(s <= found.start < e or s < found.end <= e for s, e in phrases):
            figures.append(replace(found, text=text[found.start:found.end]))
        i = found.end
    return _inherit_units(figures, plain)


# --- one figure given as value, unit and qualifier ----------------------------------------------------------

def parse_quantity(value: int | float | str | Fraction, unit: str, qualifier: str | None = None) -> Figure | None:
    """A figure given as its parts (a tile's value, unit and qualifier): 4.2, 万吨 → 42000 吨; 90, % → 90 %.
    None when the parts do not make a figure (an unknown qualifier, a value that is not a number)."""
    try:
        number = Fraction(str(value)) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    unit = (unit or "").translate(_WIDTH).strip()
    canonical = None
    if qualifier:
        canonical = QUALIFIERS.get(qualifier)
        if canonical is None:
            return None
    if unit in ("%", "百分比"):
        return Figure(f"{format_number(number)}%", 0, 0, "percent", number, "%", canonical, number, 1)
    magnitude_word = _longest(unit, 0, MAGNITUDES) if unit not in UNITS else None
    magnitude = MAGNITUDES[magnitude_word] if magnitude_word else 1
    base = unit[len(magnitude_word):] if magnitude_word else unit
    text = format_number(number) + unit
    return Figure(text, 0, 0, "number", number * magnitude, base, canonical, number, magnitude)


def qualifier_allows(written: str | None, source: str | None) -> bool:
    """Whether a figure qualified ``written`` states what a source qualified ``source`` says: the same
    meaning (多 and 余 are one; 约, 左右 and 上下 are one), or 超 for a source's 多, 余, 以上 or 超过."""
    if written == source:
        return True
    return written == "超" and source in MORE_THAN


def same_figure(written: Figure, source: Figure) -> bool:
    """Whether ``written`` (in a brief) states what ``source`` (in its source) says, in any form."""
    if written.kind in ("year", "date"):
        if source.kind not in ("year", "date"):
            return False
        if written.value is not None and written.value != source.value:
            return False
        if written.month is not None and written.month != source.month:
            return False
        if written.day is not None and written.day != source.day:
            return False
        return written.part is None or written.part == source.part
    if written.kind != source.kind or written.value != source.value:
        return False
    if written.unit and source.unit and written.unit != source.unit:
        return False  # a number the source writes without a unit (受益人数达2295) proves 2295人
    return qualifier_allows(written.qualifier, source.qualifier)


def nearest(written: Figure, candidates: list[Figure]) -> Figure | None:
    """The candidate closest in value to ``written`` among those of its kind and unit, if any."""
    if written.kind in ("year", "date"):
        dates = [c for c in candidates if c.kind in ("year", "date") and c.value is not None]
        if written.value is None or not dates:
            return None
        return min(dates, key=lambda c: (abs(c.value - written.value), abs((c.month or 0) - (written.month or 0)),
                                         c.part != written.part, c.start))
    if written.value is None:
        return None
    same = [c for c in candidates if c.kind == written.kind and c.unit == written.unit and c.value is not None]
    # a number the source writes without a unit, when it is within a tenth of the figure (2295 for 2296人)
    same += [c for c in candidates if c.kind == written.kind and not c.unit and c.value is not None
             and abs(c.value - written.value) * 10 <= abs(written.value)]
    if not same:
        return None
    return min(same, key=lambda c: (abs(c.value - written.value), c.unit != written.unit, c.start))
