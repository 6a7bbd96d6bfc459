"""Draft extraction rows from a plan's prose ("到2025年，全市规上工业亩均税收达到30万元，…").

:func:`draft_extraction` reads a document's text and proposes rows in the curated-extraction
format (``data/raw/*_extraction.csv``) with ``review`` = ``drafted``. Each row carries a
verbatim ``quote`` (a substring of the text) and a ``value_text`` (a substring of the quote)
from which :func:`helpers.values.parse_value_text` reads the value, so the build's quote
checks apply to drafted rows unchanged.

How it reads: the text is viewed without soft line breaks and spaces (each character keeps
its offset, so quotes are cut from the original); sentences end at 。！？ or a paragraph
break and clauses at ，；. A year stated in a clause (到2023年, 2025年前, "十四五"末) holds for
the rest of its sentence; brackets with a value or year are read as clauses of their own. In
a clause a value is a number with a unit in a target position — at the end of an item
("亩均税收达到30万元", "…（43.2万元/亩）") or after a verb with its counted object after it
("培育20家管理标杆企业"); other numbers are thresholds inside a name ("总投资超50亿元").

The extractor prefers skipping to guessing: a clause whose number has no unit, a unit the kit
does not know, no year, a number it cannot place (a threshold such as "超50亿元" inside a name),
or any wording it does not understand is listed in ``Draft.skipped`` with its reason and line,
never drafted. A person reviews the drafted rows and changes ``review`` to ``reviewed``.
"""
from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from .catalogue import CATALOGUE_COLUMNS, load_aliases, load_catalogue
from .errors import UnknownUnitError
from .parsing.curated import CURATED_COLUMNS
from .values import name_key, name_without_unit, normalise_unit, parse_value_text

DRAFT_COLUMNS = CURATED_COLUMNS + ["review"]
SECTION = "正文"


class Skipped(NamedTuple):
    """A clause with a number that was not drafted, and why."""
    line: int
    clause: str
    reason: str


@dataclass
class Draft:
    """Drafted rows (DRAFT_COLUMNS), skipped clauses and proposed catalogue rows."""
    rows: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    proposed_ids: list[dict] = field(default_factory=list)

    def csv_text(self) -> str:
        """The rows as an extraction file (UTF-8 with BOM, like data/raw/*_extraction.csv;
        values printed as the document prints them: 30, not 30.0)."""
        return _csv_text(DRAFT_COLUMNS, [{**r, "value": _plain(r["value"])} for r in self.rows])

    def proposed_csv_text(self) -> str:
        """The proposed catalogue rows with the catalogue's columns (UTF-8 with BOM)."""
        return _csv_text(CATALOGUE_COLUMNS, self.proposed_ids)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    return "\ufeff" + buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Text view: the document with soft line breaks and spaces removed, mapped back to offsets.

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|——|附件|表\d)")
_TERMINATORS = set("。！？；：!?;:")


@dataclass
class _View:
    """Logical text (soft breaks and whitespace dropped; hard breaks kept as newline)."""
    chars: str
    offsets: list[int]  # offsets[i] = offset in the original text of chars[i]
    source: str

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original [start, end) of logical [i, j)."""
        return self.offsets[i], self.offsets[j - 1] + 1

    def original(self, i: int, j: int) -> str:
        a, b = self.span(i, j)
        return self.source[a:b]


_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]+\s*\d+\s*[-—–－]+|第\s*\d+\s*页(?:\s*[/，,]\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


def _normal_char(ch: str) -> str:
    """Full-width digits, letters and ％ read as ASCII; Chinese punctuation stays as printed
    (names keep their （）, and every rule knows both bracket and comma forms)."""
    n = unicodedata.normalize("NFKC", ch)
    return n if n.isascii() and (n.isalnum() or n in "%./+-~") and len(n) == 1 else ch


def _build_view(text: str) -> _View:
    lines = text.split("\n")
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for n, line in enumerate(lines):
        if _PAGE_NUMBER.match(line):
            pos += len(line) + 1
            continue  # "— 3 —" between the halves of a sentence: not text
        for k, ch in enumerate(line):
            if ch == "\t" and chars and chars[-1] != "\n":
                chars.append("\n")  # a table cell boundary
                offsets.append(pos + k)
                continue
            if ch.isspace():
                continue
            chars.append(_normal_char(ch))
            offsets.append(pos + k)
        pos += len(line) + 1
        # Decide whether the break after this line ends a paragraph.
        stripped = line.strip()
        if not stripped:
            continue
        nxt = next((l for l in lines[n + 1:] if l.strip()), "")
        hard = (stripped[-1] in _TERMINATORS
                or _HEADING.match(nxt) is not None
                or nxt.startswith("\t")               # one table cell per line
                or re.fullmatch(r"\d+", stripped) is not None  # a row number (序号)
                or (_HEADING.match(stripped) is not None and "。" not in stripped
                    and len(stripped) < 40))
        if hard and chars and chars[-1] != "\n":
            chars.append("\n")
            offsets.append(pos - 1)
    return _View("".join(chars), offsets, text)


# ---------------------------------------------------------------------------------------------
# Vocabulary

#: Printed units after a number, longest first. Known ones map through values.normalise_unit;
#: the others are recognised only so the clause can be skipped with the unit named.
_OTHER_UNITS = ["个百分点", "百分点", "个月", "个工作日", "个点", "周", "万平方米", "平方米", "万千瓦时", "万千瓦", "千瓦", "亿千瓦时",
                "吨标煤", "吨标准煤", "万吨二氧化碳", "吨", "万人次", "人", "名", "倍", "辆", "套", "座",
                "条", "所", "批", "户", "次", "千万元", "百万元", "万美元", "亿元/年", "公里", "千米",
                "万亩", "平方公里", "公顷", "km²", "km2", "万tce", "tce", "万t", "天", "年", "月", "小时", "元",
                "万", "千"]


def _unit_vocabulary() -> list[str]:
    from .values import UNIT_ALIASES
    known = [unicodedata.normalize("NFKC", u) for u in UNIT_ALIASES]
    return sorted(set(known) | set(_OTHER_UNITS), key=len, reverse=True)


_QUALIFIER_AFTER = ("及以上", "以上", "左右", "以内", "以下")
_LOWER_WORDS = ("下降", "降低", "减少", "压减", "控制在", "以内", "以下")

#: Words between a name and its number ("亩均税收达到30万元").
_LINK_VERBS = ["累计达到", "力争达到", "达到", "达", "突破", "超过", "超", "不少于", "不低于", "不超过",
               "保持在", "稳定在", "控制在", "提高到", "提升到", "提高至", "提升至", "增加到", "增长到",
               "下降到", "降低到", "降至", "下降", "降低", "减少", "增长", "提高", "提升", "为", "约",
               "实现", "累计"]
#: Verbs that take a counted object after the number ("培育20家管理标杆企业").
_OBJECT_VERBS = ["新增培育", "累计完成", "累计培育", "累计创建", "累计实施", "培育", "建设", "打造",
                 "实施", "创建", "完成", "新建", "建成", "推动", "引进", "招引", "攻克", "评选",
                 "促成", "储备", "推广", "认定", "新增", "谋划", "开展", "整治", "淘汰", "腾出",
                 "改造", "培训", "引育", "组建", "落地", "提取", "实现", "保有", "等", "的"]
#: Verbs dropped from the start of a name ("建设“未来工厂”" → "“未来工厂”"); 新增, 累计,
#: 淘汰, 整治 … stay, they say what is counted.
_NAME_VERBS = ["建设", "培育", "打造", "实施", "创建", "完成", "建成", "推动", "引进",
               "招引", "攻克", "评选", "促成", "储备", "推广", "认定", "谋划", "开展", "实现"]
_LEADING_NOISE = ["其中", "原则上", "即", "使", "并", "和", "及", "与", "以及", "同时", "力争", "确保", "计划", "争取",
                  "全面", "努力", "进一步"]

_QUALIFIER_WORDS = ["以上", "突破", "不少于", "不低于", "超过", "累计", "每年", "年均", "力争", "约",
                    "多", "左右", "保持在", "新增", "下降", "降低", "提高到", "增长"]

_YEAR_EXPR = re.compile(
    r"(?P<pre>到|至|在|于|力争到|争取到|计划到|确保到)?(?P<year>20\d\d)年(?P<post>底|末|前|内)?")
_RESPECTIVELY = re.compile(r"分别(?:达到|为|达|突破|超过|不低于|不少于|增长|下降|降低|提高到|提升到|控制在)?")
_WORD_NUMBER = re.compile(
    r"(?:达到|突破|超过|不少于|不低于|培育|建设|新增|实现|打造)[一二三四五六七八九十两百千]+(?:家|个|项|件|亿元|万元|亩)"
    r"|[一二三四五六七八九十]分之[一二三四五六七八九十]|翻一番|翻一倍|翻两番|翻番")
_PAST_HEADING = re.compile(r"(?:发展|现实|工作|产业|良好)基础|现状|基本情况|成效|回顾|形势|背景|成绩")
_PAST_WORDS = re.compile(r"十三五”?(?:期间|时期|以来)|已经|已累计|已建成|已培育|已完成|已有|现有|"
                         r"同比|比上年|较上年|上年|去年|位居|居全[省市国]|列全[省市国]|排名|以来")
_PROJECTION = re.compile(r"建成后|投产后|达产后|预计|可实现|可达|有望")
_SUBSIDY = re.compile(r"奖励|补助|补贴|资助|奖补|最高给予|给予最高")
_PERIOD_YEARS = {"十四五": 2025, "十五五": 2030, "十三五": 2020}
_PERIOD_EXPR = re.compile(r"[“\"]?(十[三四五]五)[”\"]?(?:期)?末")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)")


# ---------------------------------------------------------------------------------------------
# Catalogue matching

def _strip_name(name: str) -> str:
    """Trim separators and unbalanced brackets: "数字化车间（智能工厂）" keeps its brackets."""
    name = name.strip("，,、；;：: ")
    while name and name[-1] in "（(":
        name = name[:-1].rstrip("，,、；;：: ")
    while name and name[0] in "）)":
        name = name[1:].lstrip("，,、；;：: ")
    if name and name[-1] in "）)" and not re.search(r"[（(]", name):
        name = name[:-1]
    return name


_SCOPE_PREFIX = re.compile(r"^(?:全区|全市|全县|全大区|区本级|县本级|市本级|全区域|[\u4e00-\u9fff]{2}[区县市](?=[\u4e00-\u9fff]{4}))")


def _match_key(name: str) -> str:
    """A printed name reduced for comparison: no quotes, scope prefix, span words or notes."""
    k = name_key(name_without_unit(name))
    k = re.sub(r"[“”\"'‘’]", "", k)
    k = re.sub(r"[（(](?:每年|个|家|项|件|亿元|万元|%)[）)]$", "", k)
    k = _SCOPE_PREFIX.sub("", k)
    # 亩均 figures and 全员劳动生产率 are 规上工业 figures by definition; other 规上 names
    # (规上高新技术企业) differ in scope from the unqualified name
    k = re.sub(r"^(?:规模以上工业|规上工业)(?=亩均|全员劳动生产率)", "", k)
    k = re.sub(r"^(?:[一二三四五两]年(?:内)?)", "", k)
    k = re.sub(r"(?<=.{3})(?:数量|总量|总数|个数)$", "", k)
    return k


def _levels(key: str) -> frozenset[str]:
    """Administrative levels a name counts (国家级, 省级以上 …)."""
    return frozenset(re.findall(r"(国家|省|市|区|县)级", key))


def _similarity(a: str, b: str) -> float:
    """The larger of sequence similarity and bigram overlap (word order differs in prose);
    a name of 4+ characters wholly inside the other ("上市企业" in "全区上市企业") counts at
    least 0.8, more the more of the other it covers."""
    seq = difflib.SequenceMatcher(None, a, b).ratio()
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and short in long_:
        seq = max(seq, 0.8 + 0.2 * len(short) / len(long_))
    ga = {a[i:i + 2] for i in range(len(a) - 1)}
    gb = {b[i:i + 2] for i in range(len(b) - 1)}
    dice = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
    return max(seq, dice)


def _catalogue_names() -> list[tuple[str, str, str]]:
    """(match key, full name key, indicator_id) for every catalogue name and alias."""
    names = [(_match_key(e["name_zh"]), name_key(e["name_zh"]), iid)
             for iid, e in load_catalogue().items()]
    for row in load_aliases().values():
        names.append((_match_key(row["printed_name"]), name_key(row["printed_name"]),
                      row["indicator_id"]))
    return names


def _compatible_unit(printed: str, catalogue_unit: str, name: str) -> str | None:
    """The catalogue unit when the printed unit means it in this context, else None."""
    if printed == catalogue_unit:
        return catalogue_unit
    if printed == "万元" and catalogue_unit == "万元/亩" and "亩均" in name:
        return catalogue_unit
    if printed == "万元" and catalogue_unit == "万元/人" and ("劳动生产率" in name or "人均" in name):
        return catalogue_unit
    if {printed, catalogue_unit} <= {"家", "个"}:
        return catalogue_unit
    if printed == "%" and catalogue_unit == "指数" and "指数" in name:
        return catalogue_unit
    return None


def _context_unit(printed: str, name: str) -> str:
    """The unit a printed unit stands for when no catalogue entry says more."""
    if printed == "万元" and "亩均" in name:
        return "万元/亩"
    if printed == "万元" and ("劳动生产率" in name or "人均" in name):
        return "万元/人"
    return printed


def _measure_of(name: str, unit: str, clause: str) -> str:
    """The measure the wording says; ``clause`` is the item's own text plus any 每年 the
    clause opens with ("每年新增培育…5家以上，推广…10项": both are per year)."""
    if "年均" in clause and unit == "%":
        return "growth_rate"
    if unit == "%" and any(w in clause for w in ("下降", "降低", "减少")):
        return "reduction_rate"
    if unit == "%":
        return "share"
    if unit == "指数":
        return "index"
    if "每年" in clause or "年均新增" in clause:
        return "flow"
    if "累计" in clause or "新增" in name or re.search(r"(?<![\d.])(?:[一二三四五两]|\d)年(?:内|累计|间)", clause):
        return "cumulative"
    if unit in ("家", "个", "项", "件", "台", "人次", "万人"):
        return "stock"
    return "level"


def _match_id(district: str, name: str, unit: str, measure: str) -> tuple[str | None, str]:
    """(indicator_id, unit) from the aliases (this district's first), then name similarity."""
    key = name_key(name)
    aliases = load_aliases()
    catalogue = load_catalogue()
    hits = [row for (d, k, _u), row in aliases.items() if k == key and d == district] + \
           [row for (d, k, _u), row in aliases.items() if k == key and d != district]
    for row in hits:
        entry = catalogue.get(row["indicator_id"])
        if entry:
            u = _compatible_unit(unit, entry["unit"], name)
            if u:
                return row["indicator_id"], u
    best: tuple[float, str] | None = None
    mkey, fkey = _match_key(name), name_key(name)
    for cand_key, cand_full, iid in _catalogue_names():
        entry = catalogue.get(iid)
        if not entry or _compatible_unit(unit, entry["unit"], name) is None:
            continue
        sim = _similarity(mkey, cand_key)
        if _measure_family(entry["measure"]) != _measure_family(measure):
            continue  # 每年 vs 累计: another series even under the same name
        if _levels(mkey) != _levels(cand_key) and _levels(mkey) and _levels(cand_key):
            continue  # 国家级 vs 市级以上: another indicator
        # a printed 家 takes the catalogue's 个 (the kit's rows carry the id's unit), with a
        # small penalty so an entry in the printed unit wins a tie
        score = sim - (0.05 if entry["unit"] != unit else 0.0) \
            - (0.1 if "新增" in name and entry["measure"] == "stock" else 0.0)
        # ties (规上高新技术企业 vs 高新技术企业 for 全区高新技术企业) go to the closer full name
        score += 0.01 * _similarity(fkey, cand_full)
        if best is None or score > best[0]:
            best = (score, iid)
    if best and best[0] >= (MATCH_THRESHOLD if len(mkey) >= 8 else SHORT_MATCH_THRESHOLD):
        iid = best[1]
        return iid, _compatible_unit(unit, catalogue[iid]["unit"], name)
    return None, unit


#: Similarity (0–1) a printed name needs to a catalogue name or alias to take its id.
MATCH_THRESHOLD = 0.75
#: … and for names under 8 characters, where one character weighs more (新增规上企业 is not
#: 新增上市企业, 0.83)
SHORT_MATCH_THRESHOLD = 0.86


def _measure_family(measure: str) -> str:
    return {"stock": "count", "cumulative": "count", "level": "level"}.get(measure, measure)


# ---------------------------------------------------------------------------------------------
# Clause reading

@dataclass
class _Value:
    start: int           # logical index of the number
    num_end: int
    unit_end: int        # logical index after the printed unit
    end: int             # after qualifiers (以上…)
    number: str
    printed_unit: str
    known_unit: str | None
    range: bool = False  # the second number of "1-2项"
    negative: bool = False
    thousands: bool = False  # printed with a thousands separator (1,000)


def _find_values(s: str, units: list[str]) -> list[_Value]:
    out = []
    for m in _NUMBER.finditer(s):
        a, b = m.span()
        extra = 1 if s[b:b + 1] in ("多", "余") else 0
        rest = s[b + extra:]
        unit = next((u for u in units if rest.startswith(u)), "")
        if unit in ("年", "月") or (unit == "" and rest[:1] in ("年", "月", "日", "号", "G", "次")):
            continue  # years, dates, 5G, ordinals
        if s[a - 1:a] in ("第", "前") or (a and s[a - 1].isascii() and s[a - 1].isalpha()
                                           and not unit):
            continue  # 第3批, PM2.5, R2 (but "工业APP30个" is a count)
        if s[a - 1:a] == "," and s[a - 2:a - 1].isdigit():
            continue  # the 000 of 1,000: reported with its first group
        if re.match(r",\d{3}", s[b:]):
            out.append(_Value(a, b, b, b, m.group(1), "", None, thousands=True))
            continue
        is_range = bool(re.search(r"\d[-—~～]$", s[max(0, a - 12):a]))
        negative = s[a - 1:a] in ("-", "−", "－") and not is_range
        if re.match(r"[-—~～]\d", s[b:]):
            continue  # the first number of a range: the second one carries the unit
        known = None
        if unit:
            try:
                known = normalise_unit(unit)
            except UnknownUnitError:
                known = None
        end = b + extra + len(unit)
        for q in _QUALIFIER_AFTER:
            if s.startswith(q, end):
                end += len(q)
                break
        if is_range and (unit in ("年", "月") or not unit):
            continue
        out.append(_Value(a, b, b + extra + len(unit), end, m.group(1), unit, known, is_range,
                          negative))
    return out


_CLOSE = {"（": "）", "(": ")", "“": "”", "《": "》", "[": "]", "【": "】"}


def _split_clauses(s: str, start: int, end: int) -> list[tuple[int, int]]:
    """Logical [a, b) clauses of a sentence, split on ，；, outside brackets and quotes."""
    spans, depth, a = [], [], start
    for i in range(start, end):
        ch = s[i]
        if ch in _CLOSE:
            depth.append(_CLOSE[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
        elif not depth and ch in "，；,;" and not (ch == "," and s[i - 1:i].isdigit()
                                                  and s[i + 1:i + 2].isdigit()):
            if i > a:
                spans.append((a, i))
            a = i + 1
    if end > a:
        spans.append((a, end))
    return spans


def _sentences(s: str) -> list[tuple[int, int]]:
    spans, a = [], 0
    for i, ch in enumerate(s):
        if ch in "。！？!?\n":
            if i > a:
                spans.append((a, i))
            a = i + 1
    if len(s) > a:
        spans.append((a, len(s)))
    return spans


def _year_in(clause: str, base_year: int | None, end_year: int | None) -> int | None:
    """The target year a clause states, if any (到2025年, 2025年前, "十四五"末, 五年内)."""
    for m in _YEAR_EXPR.finditer(clause):
        if clause[:m.start()].count("《") > clause[:m.start()].count("》"):
            continue  # a title's years: 《…方案（2021—2023年）》
        before = clause[max(0, m.start() - 1):m.start()]
        if before in ("-", "—", "~", "～") and clause[m.start() - 2:m.start() - 1].isdigit():
            return int(m.group("year"))  # 2021—2023年累计: by the end of the range
        if before in ("较", "比", "于", "从", "由", "-", "—", "~", "～") and not m.group("pre"):
            continue  # 较2020年: a comparison base, not the clause's year
        if clause[m.end():m.end() + 1] in ("-", "—", "至", "~") and not m.group("post"):
            continue
        if clause.startswith(("以来", "以前", "以后", "起"), m.end()):
            continue  # 2018年以来: a period, not a target year
        return int(m.group("year"))
    m = _PERIOD_EXPR.search(clause)
    if m:
        return _PERIOD_YEARS[m.group(1)]
    return None


def _span_year(clause: str, base_year: int | None) -> int | None:
    """五年内 / 三年累计 → base year + N (None when the base year is unknown)."""
    m = re.search(r"(?<![\d.])([一二三四五两]|\d)年(?:内|累计|间|时间)", clause) or \
        re.match(r"([一二三四五两])年", clause)
    if not m or base_year is None:
        return None
    n = _CN_DIGITS.get(m.group(1)) or int(m.group(1))
    return base_year + n


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:\d+[.．、]|[（(]\d+[）)]|[①-⑳])", "", name)  # list markers
    name = re.sub(r"^(?:其中|并|同时)", "", name)
    if re.search(r"[：:]", name):
        # "企业培育：新增…企业10家" → the words after the label; "亩均税收：达到30万元" → before
        head, tail = re.split(r"[：:]", name, maxsplit=1)[0], re.split(r"[：:]", name)[-1]
        after = _clean_name(tail)
        return after if after and not _is_link_only(after) else _clean_name(head)
    name = re.sub(r"(?:较|比)20\d\d年(?:底|末)?", "", name)  # 能耗较2020年下降: the base year
    name = re.sub(r"^(?:力争|争取|计划|确保)?(?:到|至)?(?:20\d\d[-—~～])?20\d\d年(?:底|末|前)?", "", name)
    name = re.sub(r"^(?:[“\"]?十[三四五]五[”\"]?期?末)", "", name)
    changed = True
    while changed:
        changed = False
        for w in _LEADING_NOISE:
            if name.startswith(w) and len(name) > len(w):
                name, changed = name[len(w):], True
    for w in _NAME_VERBS:
        if name.startswith(w) and len(name) > len(w) + 1:
            name = name[len(w):]
            break
    for v in sorted(_LINK_VERBS, key=len, reverse=True):
        if name.endswith(v) and len(name) > len(v):
            name = name[: -len(v)]
            break
    name = _strip_name(name)
    if name.endswith("年均") and len(name) > 2:
        name += "增速"  # "规上工业增加值年均增长8%" → 规上工业增加值年均增速
    return name


def _strip_object_verb(text: str) -> tuple[str, bool]:
    for v in sorted(_OBJECT_VERBS, key=len, reverse=True):
        if text.endswith(v):
            return text[: -len(v)], True
    return text, False


def draft_extraction(text: str, *, district: str, source_file: str, base_year: int | None,
                     end_year: int | None) -> Draft:
    """Draft extraction rows for the numeric targets printed in a plan's prose.

    ``text`` is the whole document; ``district`` the slug written in each row; ``source_file``
    the raw file name; ``base_year`` / ``end_year`` the plan's years (a clause with no year of
    its own takes the plan's end year; ``五年内`` counts from the base year; a value for the
    base year is a ``baseline``). Rows follow :data:`DRAFT_COLUMNS`; clauses with a number that
    is not drafted are in ``Draft.skipped`` with the reason.
    """
    return _Drafter(text, district, source_file, base_year, end_year).run()


def _line_index(text: str):
    import bisect
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return lambda off: bisect.bisect_right(starts, off)


_VALUE_ONLY = re.compile(r"^(?:约)?\d+(?:\.\d+)?(?:多|余)?[^\d]{0,8}$")
_GROWTH_NAMES = ("年均", "年均增长", "年均增速", "年均增幅", "年均增长率")
_COUNT_UNITS = ("家", "个", "项", "件", "台", "人次", "亩", "万人")


def _bracket_groups(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Top-level （…） / (…) groups in s[a:b] as (open index, close index)."""
    groups, depth, start = [], 0, None
    for i in range(a, b):
        if s[i] in "（(":
            if depth == 0:
                start = i
            depth += 1
        elif s[i] in "）)" and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    return groups


class _Drafter:
    def __init__(self, text, district, source_file, base_year, end_year):
        self.view = _build_view(text)
        self.s = self.view.chars
        self.district, self.source_file = district, source_file
        self.base_year, self.end_year = base_year, end_year
        self.units = _unit_vocabulary()
        self.draft = Draft()
        self.proposed: dict[tuple[str, str], dict] = {}
        self.line_of = _line_index(text)
        self.past: str | None = None
        self.events = 0  # rows drafted + clauses skipped so far
        self._cells: tuple[Skipped, int, int, int] | None = None  # the current run of table cells
        self.previous: tuple[str, int] | None = None  # last name drafted in this sentence

    def run(self) -> Draft:
        past_section = False
        for sa, sb in _sentences(self.s):
            sentence = self.s[sa:sb]
            if _HEADING.match(sentence) and len(sentence) < 40:
                # "一、发展基础" … the next heading: what happened, not what is planned
                past_section = _PAST_HEADING.search(sentence) is not None and \
                    not re.search(r"目标|预期|任务|举措|措施", sentence)
            self.past = "section" if past_section else (
                "sentence" if _PAST_WORDS.search(sentence) else None)
            year, self.previous = None, None
            for ca, cb in _split_clauses(self.s, sa, sb):
                year = self.items(ca, cb, year, outer=None)
        self.draft.proposed_ids = list(self.proposed.values())
        return self.draft

    def skip(self, i: int, j: int, reason: str) -> None:
        self.events += 1
        a, _b = self.view.span(i, j)
        entry = Skipped(self.line_of(a), self.view.original(i, j), reason)
        if reason == _TABLE_CELL and self._cells and self._cells[2] == len(self.draft.rows) \
                and self._cells[3] == len(self.draft.skipped):
            # a run of table cells with nothing drafted or skipped between: one entry
            first, n = self._cells[0], self._cells[1] + 1
            entry = Skipped(first.line, f"{first.clause} … {entry.clause}",
                            f"{n} bare numbers in a table (lines {first.line}–{entry.line}): "
                            f"tables are read by the table readers")
            self.draft.skipped[-1] = entry
            self._cells = (first, n, len(self.draft.rows), len(self.draft.skipped))
            return
        self.draft.skipped.append(entry)
        self._cells = (entry, 1, len(self.draft.rows), len(self.draft.skipped)) \
            if reason == _TABLE_CELL else None

    def items(self, a: int, b: int, year: int | None, outer: tuple[str, int] | None) -> int | None:
        """Draft the values of s[a:b]; returns the year context for the clauses that follow.

        ``outer`` is (name, name start) of the value a bracket belongs to, for 40.82亿元 in
        "产值突破100亿元（2022年40.82亿元，年均约20%）".
        """
        s = self.s
        # brackets holding a value or a year are read on their own; "（2）", "（含）" stay text
        groups = [g for g in _bracket_groups(s, a, b)
                  if any(v.printed_unit for v in _find_values(s[g[0] + 1:g[1]], self.units))
                  or _YEAR_EXPR.search(s[g[0] + 1:g[1]])]
        masked = list(s[a:b])
        for o, c in groups:
            for i in range(o + 1, c):
                masked[i - a] = "□"
        masked = "".join(masked)
        own = _year_in(masked, self.base_year, self.end_year)
        if own is not None:
            year = own
        values = _find_values(masked, self.units)
        resp = _RESPECTIVELY.search(masked)
        if resp and values:
            self.respectively(a, b, resp, values, year, groups)
            return year
        events = [("v", v.start + a, v) for v in values] + [("g", o, (o, c)) for o, c in groups]
        events.sort(key=lambda e: e[1])
        n_before = self.events
        seg = a            # start of the current segment (name text starts here)
        verb_list = False  # inside "促成5个…、10个…" (a verb's list of counted objects)
        last_name: tuple[str, int] | None = outer
        consumed: set[int] = set()
        deferred: list[tuple[_Value, str, int]] = []
        for kind, pos, item in events:
            if kind == "g":
                o, c = item
                content = s[o + 1:c]
                if _VALUE_ONLY.match(content) and _find_values(content, self.units):
                    v = _find_values(content, self.units)[0]
                    v = _shift(v, o + 1)
                    name = _clean_name(self.text_without_groups(seg, o, groups))
                    if not name:
                        self.skip(seg, c + 1, "no indicator name before the bracketed value")
                    else:
                        self.emit(v, name, seg, c + 1, year, a, b)
                        last_name = (name, seg)
                    seg = c + 1 + (s[c + 1:c + 2] in "、和及")
                else:
                    if last_name is None:
                        pre = _clean_name(self.text_without_groups(seg, o, groups))
                        inner_outer = (pre, seg) if pre else None
                    else:
                        inner_outer = last_name
                    if inner_outer and s.startswith("其中", o + 1):
                        # "…技术中心10家（其中国家级2家）": a part of the outer indicator
                        inner_outer = (inner_outer[0] + "（其中", inner_outer[1])
                    for ia, ib in _split_clauses(s, o + 1, c):
                        self.items(ia, ib, year, inner_outer)
                continue
            v = _shift(item, a)
            if v.start in consumed:
                continue
            if v.range or v.negative or v.thousands:
                self.skip(seg, min(b, v.end + 8) if v.thousands else v.end,
                          "a range of values (such as 1-2项), not one target" if v.range else
                          "a number with a thousands separator (1,000): read it by hand"
                          if v.thousands else "a negative number: read it by hand")
                seg = v.end
                continue
            after = s[v.end:v.end + 1] if v.end < b else ""
            if not v.printed_unit and re.search(r"[\u4e00-\u9fff]", s[a:b]):
                before = self.text_without_groups(seg, v.start, groups)
                if re.fullmatch(r"(?:附件|附表|表)[:：]?", before):
                    seg = v.end
                    continue  # 附件 1, 表2: a heading's number
                # "达到30." at the end of the text or of a line: the number may be cut off
                if v.end >= len(s) or s[v.end:v.end + 2] in (".", ".\n") or \
                        s[v.end:v.end + 1] == "\n" and v.end == b:
                    self.skip(seg, v.end + (s[v.end:v.end + 1] == "."),
                              f"the text stops at the number {v.number} (cut off mid-number?)")
                    seg = v.end
                    continue
                if (after in ("", "、", "，", "。", "（", "(") or before.endswith(tuple(_LINK_VERBS))) \
                        and _clean_name(before).endswith("指数"):
                    # an index is printed without a unit: "两化融合指数达到110"
                    v = dataclasses.replace(v, known_unit="指数")
                elif after in ("", "、", "，", "。", "（", "(") or before.endswith(tuple(_LINK_VERBS)):
                    self.skip(seg, v.end, f"number {v.number} without a unit")
                    seg = v.end
                    continue
            if after in ("（", "("):
                # "90亿元以上（研发投入占GDP比重…）" ends the item; "3亩（含）以上的…" does not
                close = next((c for o, c in _bracket_groups(s, v.end, b) if o == v.end), None)
                nxt = s[close + 1:close + 2] if close is not None and close + 1 < b else ""
                if close is None or nxt not in ("", "、"):
                    after = "x"
            before = self.text_without_groups(seg, v.start, groups)
            pre, by_verb = _strip_object_verb(before)
            starts_segment = not before or before in ("、", "和", "及")
            if after in ("", "、", "（", "(") and not (verb_list and starts_segment):
                name = _clean_name(before)
                if outer is None and not re.search(r"[\u4e00-\u9fff]", s[a:v.start] + s[v.end:b]):
                    self.skip(v.start, v.end, _TABLE_CELL)
                elif not name or name in _GROWTH_NAMES or _is_link_only(name):
                    if outer is not None:
                        base = outer[0].removesuffix("（其中")
                        oname = base + "年均增速" if name in _GROWTH_NAMES and name else base
                        if name in _GROWTH_NAMES and name:
                            self.emit(v, oname, seg, v.end, year if own is None else own, a, b,
                                      growth=True)
                        else:
                            self.emit(v, oname, seg, v.end, year, a, b)
                    elif name in _GROWTH_NAMES and self.previous is not None:
                        # "规上工业增加值突破1000亿元，年均增长8%": the rate of the name before
                        self.emit(v, self.previous[0] + "年均增速", seg, v.end, year, a, b,
                                  growth=True)
                    else:
                        self.skip(seg, v.end, "no indicator name before the number")
                elif _only_verbs(name) and after == "、":
                    # "每年实施2项、谋划2项产业链协同创新项目": the object comes with the next item
                    deferred.append((v, name, seg))
                else:
                    for each in _each_names(name):
                        if outer is not None and outer[0].endswith("（其中"):
                            each = f"{outer[0]}{each}）"
                        self.emit(v, each, seg, v.end, year, a, b)
                    last_name = (name, seg)
                seg = v.end + (s[v.end:v.end + 1] in "、和及")
                verb_list = False
            elif (by_verb or (verb_list and starts_segment)) and (
                    v.known_unit in _COUNT_UNITS or v.known_unit == "%" and before.endswith("实现")):
                # verb + N + unit + object: the object runs to the next 、 or the clause end
                stop = b
                for k in range(v.end, b):
                    if (s[k] == "、" or s[k] in "和及" and s[k + 1:k + 2].isdigit()) \
                            and not _inside(groups, k):
                        stop = k
                        break
                obj = self.text_without_groups(v.end, stop, groups)
                inner = [w for w in _find_values(obj, self.units)]
                if any(not _is_threshold(obj, w) for w in inner):
                    self.skip(seg, stop, "counted object has a number of its own")
                else:
                    for w in inner:
                        consumed.add(v.end + w.start)
                    name = _strip_name(obj)
                    if v.known_unit == "%":
                        name = _strip_name(_clean_name(pre) + name)
                    if not name:
                        self.skip(seg, stop, "no indicator name after the number")
                    else:
                        for dv, dname, dseg in deferred:
                            if dv.known_unit == v.known_unit:
                                self.emit(dv, dname + name, dseg, dv.end, year, a, b)
                            else:
                                self.skip(dseg, dv.end, "no indicator name before the number")
                        deferred = []
                        self.emit(v, name, seg, stop, year, a, b)
                        last_name = (name, seg)
                seg = stop + 1
                verb_list = True
            # else: a threshold inside a name (超50亿元…): part of the next value's name
        for dv, _dname, dseg in deferred:
            self.skip(dseg, dv.end, "no indicator name before the number")
        if outer is None:
            self.previous = last_name
        m = _WORD_NUMBER.search(masked)
        if m and self.events == n_before:
            self.skip(a, b, f"a target written in words ({m.group(0)}): read it by hand")
        if any(v.printed_unit for v in values) and \
                self.events == n_before:
            self.skip(a, b, "numbers read as part of a name (a threshold such as 超50亿元), "
                            "no value in a target position")
        return year

    def respectively(self, a: int, b: int, m: re.Match, values: list["_Value"], year, groups) -> None:
        """"亩均税收、亩均增加值分别达到35万元、170万元": names and values paired in order."""
        s = self.s
        names = [n for n in (_clean_name(p) for p in re.split(
            r"、|和|及|与", _clean_name(self.text_without_groups(a, a + m.start(), groups)))) if n]
        vals = [_shift(v, a) for v in values if v.start >= m.end()]
        between = [s[x.end:y.start] for x, y in zip(vals, vals[1:])]
        if len(vals) != len(names) or len(vals) < 2 or any(g not in ("、", "和", "及", "，", ",")
                                                             for g in between) \
                or any(v.start < m.start() for v in values):
            self.skip(a, b, f"分别 pairs {len(names)} names with {len(vals)} values: read it by hand")
            return
        for name, v in zip(names, vals):
            self.emit(v, name, a, b, year, a, b)

    def text_without_groups(self, i: int, j: int, groups) -> str:
        """s[i:j] without bracket groups that hold numbers (they are handled on their own)."""
        out = []
        for k in range(i, j):
            if not _inside(groups, k, inclusive=True):
                out.append(self.s[k])
        return "".join(out)

    def emit(self, v: "_Value", name: str, qa: int, qb: int, year, ca: int, cb: int, *,
             growth: bool = False) -> None:
        s = self.s
        clause = s[ca:cb]
        if not v.printed_unit and v.known_unit != "指数":
            self.skip(qa, max(qb, v.end), f"number {v.number} without a unit")
            return
        if v.known_unit is None:
            self.skip(qa, max(qb, v.end), f"unit {v.printed_unit!r} is not in the kit's vocabulary")
            return
        if year is None and self.past:
            self.skip(qa, max(qb, v.end), "no year, and the " + (
                "section reviews the past (发展基础, 现状…)" if self.past == "section" else
                "sentence reports the past (已, 同比, 以来…)"))
            return
        if re.search(r"(?:总投资|计划投资|占地(?:面积)?)(?:约|达|为|超过?)?$", s[qa:v.start]) or \
                _PROJECTION.search(clause):
            self.skip(qa, max(qb, v.end), "one project's size or projection (总投资, 占地, 建成后…), "
                                          "not a district target")
            return
        if _SUBSIDY.search(clause):
            self.skip(qa, max(qb, v.end), "a subsidy or award (奖励, 补助…), not a target")
            return
        if year is None:
            year = _span_year(clause, self.base_year)
        if year is None:
            year = self.end_year
        if year is None:
            self.skip(qa, max(qb, v.end), "no year in the clause and no plan end year given")
            return
        if re.search(r"不得|不应|不宜|严禁|禁止|上限|下限|原则上", clause):
            self.skip(qa, max(qb, v.end), "a rule for projects or land (不得, 上限, 原则上…), "
                                          "not a district target")
            return
        if re.search(r"[由从](?:20\d\d年(?:底|末)?的?)?\d+(?:\.\d+)?\S{0,6}(?:提高|提升|增加|增长|降低|下降|减少|调整|扩大)",
                     clause):
            self.skip(qa, max(qb, v.end), "a change from one printed value to another (由…到…)")
            return
        if re.search(r"(?:较|比)20\d\d年(?:底|末)?(?:增长|提高|提升|增加)", s[qa:v.start]):
            self.skip(qa, max(qb, v.end), "growth against a base year (比2020年增长 N): not a "
                                          "yearly rate nor a level; read it by hand")
            return
        if re.search(r"同比|比上年|较上年", s[qa:v.start]):
            self.skip(qa, max(qb, v.end), "a change on the year before (同比): read it by hand")
            return
        grows = re.search(r"增长(?:约)?$", s[qa:v.start]) is not None
        if grows and v.known_unit == "%" and not name.endswith(("增速", "增长率", "增幅")):
            name += "增速"   # "规上工业增加值增长10%": a growth rate
            growth = True
        if re.search(r"(?:提高|提升|增加|扩大)(?:了)?(?:约)?$", s[qa:v.start]) or \
                grows and v.known_unit != "%":
            self.skip(qa, max(qb, v.end), "an increase by an amount (提高/增加/增长 N, not 提高到 N): "
                                          "by or to? read it by hand")
            return
        if v.negative:
            self.skip(qa, max(qb, v.end), "a negative number: read it by hand")
            return
        if v.range:
            self.skip(qa, max(qb, v.end), "a range of values (such as 1-2项), not one target")
            return
        role = "target"
        if self.base_year is None and self.end_year is not None and year < self.end_year:
            self.skip(qa, max(qb, v.end), f"year {year} and no base year given: a baseline or a "
                                          f"target? read it by hand")
            return
        if self.past and self.base_year is not None and year > self.base_year:
            self.skip(qa, max(qb, v.end), f"year {year} in a " + (
                "section about the past" if self.past == "section" else "sentence about the past")
                + ": a result, not a target")
            return
        if self.base_year is not None and year <= self.base_year:
            if year < self.base_year:
                self.skip(qa, max(qb, v.end), f"year {year} is before the plan's base year {self.base_year}")
                return
            role = "baseline"
        if self.end_year is not None and year > self.end_year:
            self.skip(qa, max(qb, v.end), f"year {year} is after the plan's end year {self.end_year}")
            return
        unit = _context_unit(v.known_unit, name)
        local = s[qa:max(qb, v.end)]
        opening = re.match(r"(?:[^\d]*?)(每年|年均)", clause)
        measure = "growth_rate" if growth else _measure_of(
            name, unit, local + (opening.group(1) if opening and opening.end() <= v.start - ca
                                 else ""))
        iid, matched_unit = _match_id(self.district, name, v.known_unit, measure)
        if iid is None:
            key = (name_key(name), unit)
            if key not in self.proposed:
                entry = {
                    "indicator_id": f"{self.district}_draft_{len(self.proposed) + 1:02d}",
                    "name_zh": name, "name_en": "", "unit": unit, "measure": measure,
                    "direction": "lower" if any(w in clause for w in _LOWER_WORDS) else "higher",
                    "concept": "",
                    "notes": f"proposed by drafting from {self.source_file} line "
                             f"{self.line_of(self.view.offsets[v.start])}: set id, name_en and "
                             f"concept in review",
                }
                self.proposed[key] = {c: entry[c] for c in CATALOGUE_COLUMNS}
            iid = self.proposed[key]["indicator_id"]
        else:
            unit = matched_unit
        a, b = self.view.span(qa, max(qb, v.end))
        quote = self.view.source[a:b]
        va, vb = self.view.span(v.start, v.unit_end)
        value_text = self.view.source[va:vb]
        value, _printed = parse_value_text(value_text)
        if abs(value - float(v.number)) > 1e-9:
            self.skip(qa, qb, f"value text {value_text!r} does not read as {v.number}")
            return
        notes = [w for w in _QUALIFIER_WORDS if w in s[qa:max(qb, v.end)]]
        self.events += 1
        self.draft.rows.append({
            "district": self.district, "source_file": self.source_file, "section": SECTION,
            "indicator": name, "indicator_id": iid, "category": "", "lead_agency": "",
            "year": year, "value": value, "unit": unit, "role": role, "value_text": value_text,
            "quote": quote, "note": "; ".join(notes), "review": "drafted",
        })


_TABLE_CELL = "a bare number (a table cell: tables are read by the table readers)"


def _shift(v: "_Value", by: int) -> "_Value":
    return _Value(v.start + by, v.num_end + by, v.unit_end + by, v.end + by, v.number,
                  v.printed_unit, v.known_unit, v.range, v.negative, v.thousands)


def _inside(groups, k: int, inclusive: bool = False) -> bool:
    return any((o <= k <= c) if inclusive else (o < k < c) for o, c in groups)


def _only_verbs(name: str) -> bool:
    """A name that is only 每年/累计/新增 and a verb ("每年实施"): it names no object."""
    core = re.sub(r"^(?:每年|累计|新增|年均|力争)+", "", name)
    return core == "" or core in _OBJECT_VERBS or core in _NAME_VERBS


def _each_names(name: str) -> list[str]:
    """"三星级以上小微企业园和四星级以上小微企业园各" → both names (各: the value is each one's)."""
    if not name.endswith("各"):
        return [name]
    parts = [p for p in re.split(r"和|、|及|与", name[:-1]) if p]
    return parts if len(parts) > 1 and all(len(p) >= 2 for p in parts) else [name[:-1]]


def _is_link_only(name: str) -> bool:
    return name in _LINK_VERBS or name in _LEADING_NOISE


def _is_threshold(text: str, v: "_Value") -> bool:
    """A number inside a name: "超50亿元", "5000吨标煤以上企业", "100亿元以上的"."""
    before = text[max(0, v.start - 2):v.start]
    return before.endswith(("超", "超过", "耗", "达到")) or text.startswith(("以上", "及以上"), v.unit_end) \
        or v.end < len(text) and text[v.end:v.end + 1] in ("的",)


# ---------------------------------------------------------------------------------------------
# Measuring a draft against hand-curated rows

def _anchors(text: str, quote: str, value_text: str) -> set[int]:
    """Document offsets of the first digit of value_text, for every place the quote occurs."""
    out: set[int] = set()
    if not quote or not value_text:
        return out
    digit = re.search(r"\d", value_text)
    lead = digit.start() if digit else 0
    q = text.find(quote)
    while q >= 0:
        v = quote.find(value_text)
        while v >= 0:
            out.add(q + v + lead)
            v = quote.find(value_text, v + 1)
        q = text.find(quote, q + 1)
    return out


def _regions(text: str, quote: str) -> list[tuple[int, int]]:
    spans, q = [], text.find(quote)
    while q >= 0:
        spans.append((q, q + len(quote)))
        q = text.find(quote, q + 1)
    return spans


def score_draft(drafted: list[dict], curated: list[dict], texts: dict[str, str]) -> dict:
    """Precision and recall of drafted rows against curated rows of the same documents.

    A drafted row *matches* a curated row when both give the same district, source file,
    year, value and unit, and both point at the same printed number: the offset of the first
    digit of ``value_text`` inside ``quote``, located in the document, is the same for both
    (any occurrence of the quote counts). A drafted row whose number lies inside a curated
    row's quote but matches none is *wrong*; one outside every curated quote is *unjudged*
    (the curated set says nothing about it). Recall = matched curated rows / curated rows;
    precision = matched drafted rows / (matched + wrong) drafted rows. Indicator ids are
    compared separately (``id_agreement`` over matched pairs).
    """
    key = lambda r: (r["district"], r["source_file"], int(r["year"]), float(r["value"]), r["unit"])
    cur = []
    for r in curated:
        text = texts[r["source_file"]]
        cur.append((r, _anchors(text, r["quote"], r["value_text"]), _regions(text, r["quote"])))
    drafted_anchors = [_anchors(texts[d["source_file"]], d["quote"], d["value_text"]) for d in drafted]
    # One-to-one: a printed number counts once. Pairs that also agree on the id go first, so
    # two curated rows quoting the same sentence ("…项目30个、评选工业APP30个") pair correctly.
    candidates = []
    for j, d in enumerate(drafted):
        for i, (c, c_anchors, _reg) in enumerate(cur):
            if c["source_file"] == d["source_file"] and drafted_anchors[j] & c_anchors \
                    and key(c) == key(d):
                candidates.append((d["indicator_id"] != c["indicator_id"], len(c_anchors), j, i))
    candidates.sort()
    edges: dict[int, list[int]] = {}
    for _id_differs, _n, j, i in candidates:
        edges.setdefault(j, []).append(i)
    # Maximum one-to-one matching (augmenting paths), trying id-agreeing pairs first.
    owner: dict[int, int] = {}  # curated index → drafted index

    def augment(j: int, seen: set[int]) -> bool:
        for i in edges.get(j, []):
            if i in seen:
                continue
            seen.add(i)
            if i not in owner or augment(owner[i], seen):
                owner[i] = j
                return True
        return False

    for j in sorted(edges, key=lambda j: min((c[0], c[1]) for c in candidates if c[2] == j)):
        augment(j, set())
    pair_of = {j: i for i, j in owner.items()}
    taken = set(owner)
    matched, wrong, unjudged, id_same = [], [], [], 0
    matched_curated = taken
    for j, d in enumerate(drafted):
        if j in pair_of:
            c = cur[pair_of[j]][0]
            matched.append((d, c))
            id_same += d["indicator_id"] == c["indicator_id"]
            continue
        anchors = drafted_anchors[j]
        inside = any(c["source_file"] == d["source_file"] and any(a <= x < b for a, b in reg for x in anchors)
                     for c, _a, reg in cur)
        (wrong if inside else unjudged).append(d)
    judged = len(matched) + len(wrong)
    return {
        "curated": len(cur), "drafted": len(drafted), "matched": len(matched),
        "recall": len(matched_curated) / len(cur) if cur else 0.0,
        "precision": len(matched) / judged if judged else 1.0,
        "id_agreement": id_same / len(matched) if matched else 0.0,
        "wrong": wrong, "unjudged": unjudged,
        "missed": [c for i, (c, _a, _r) in enumerate(cur) if i not in matched_curated],
        "matched_pairs": matched,
    }
