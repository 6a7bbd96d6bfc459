"""Draft extraction rows from a plan's prose ("到2025年，全市规上工业亩均税收达到30万元，…").

:func:`draft_extraction` reads a document's text and proposes rows in the curated-extraction
format (``data/raw/*_extraction.csv``) with ``review`` = ``drafted``. Each row carries a
verbatim ``quote`` (a substring of the text) and a ``value_text`` (a substring of the quote)
from which :func:`helpers.values.parse_value_text` reads the value, so the build's quote
checks apply to drafted rows unchanged.

The extractor prefers skipping to guessing: a clause whose number has no unit, a unit the kit
does not know, no year, a number it cannot place (a threshold such as "超50亿元" inside a name),
or any wording it does not understand is listed in ``Draft.skipped`` with its reason and line,
never drafted. A person reviews the drafted rows and changes ``review`` to ``reviewed``.
"""
from __future__ import annotations

import difflib
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
    rows: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    proposed_ids: list[dict] = field(default_factory=list)


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


def _build_view(text: str) -> _View:
    lines = text.split("\n")
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for n, line in enumerate(lines):
        for k, ch in enumerate(line):
            if ch.isspace():
                continue
            chars.append(unicodedata.normalize("NFKC", ch) if ch not in "“”‘’" else ch)
            offsets.append(pos + k)
        pos += len(line) + 1
        # Decide whether the break after this line ends a paragraph.
        stripped = line.strip()
        if not stripped:
            continue
        nxt = next((l for l in lines[n + 1:] if l.strip()), "")
        hard = (stripped[-1] in _TERMINATORS
                or _HEADING.match(nxt) is not None
                or (_HEADING.match(stripped) is not None and "。" not in stripped
                    and len(stripped) < 40))
        if hard and chars and chars[-1] != "\n":
            chars.append("\n")
            offsets.append(pos - 1)
    # NFKC may expand one character into several; keep a 1:1 map by expanding offsets.
    flat_chars: list[str] = []
    flat_offsets: list[int] = []
    for ch, off in zip(chars, offsets):
        for c in ch:
            flat_chars.append(c)
            flat_offsets.append(off)
    return _View("".join(flat_chars), flat_offsets, text)


# ---------------------------------------------------------------------------------------------
# Vocabulary

#: Printed units after a number, longest first. Known ones map through values.normalise_unit;
#: the others are recognised only so the clause can be skipped with the unit named.
_OTHER_UNITS = ["个百分点", "百分点", "万平方米", "平方米", "万千瓦时", "万千瓦", "千瓦", "亿千瓦时",
                "吨标煤", "吨标准煤", "万吨二氧化碳", "吨", "万人次", "人", "名", "倍", "辆", "套", "座",
                "条", "所", "批", "户", "次", "千万元", "百万元", "万美元", "亿元/年", "公里", "千米",
                "万亩", "公顷", "天", "年", "月", "小时", "元"]


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
                 "改造", "培训", "引育", "组建", "落地", "提取"]
_LEADING_NOISE = ["其中", "并", "和", "及", "与", "以及", "同时", "力争", "确保", "计划", "争取",
                  "全面", "努力", "进一步"]

_QUALIFIER_WORDS = ["以上", "突破", "不少于", "不低于", "超过", "累计", "每年", "年均", "力争", "约",
                    "多", "保持在", "新增"]

_YEAR_EXPR = re.compile(
    r"(?P<pre>到|至|在|于|力争到|争取到|计划到|确保到)?(?P<year>20\d\d)年(?P<post>底|末|前|内)?")
_PERIOD_YEARS = {"十四五": 2025, "十五五": 2030, "十三五": 2020}
_PERIOD_EXPR = re.compile(r"[“\"]?(十[三四五]五)[”\"]?(?:期)?末")
_SPAN_EXPR = re.compile(r"([一二三四五六七八九十两]|\d)年(?:内|累计|间|来|时间)?")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)")


# ---------------------------------------------------------------------------------------------
# Catalogue matching

def _strip_name(name: str) -> str:
    return name.strip("，,、；;：:（）()")


def _catalogue_names() -> list[tuple[str, str]]:
    """(name key, indicator_id) for every catalogue name and alias printed name."""
    names = [(name_key(name_without_unit(e["name_zh"])), iid) for iid, e in load_catalogue().items()]
    for (_district, key, _unit), row in load_aliases().items():
        names.append((name_key(name_without_unit(key)), row["indicator_id"]))
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
    if "累计" in clause or "新增" in name or re.search(r"[一二三四五两\d]年", clause):
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
    for cand_key, iid in _catalogue_names():
        entry = catalogue.get(iid)
        if not entry or _compatible_unit(unit, entry["unit"], name) is None:
            continue
        if _measure_family(entry["measure"]) != _measure_family(measure):
            continue
        score = difflib.SequenceMatcher(None, key, cand_key).ratio()
        if best is None or score > best[0]:
            best = (score, iid)
    if best and best[0] >= 0.8:
        iid = best[1]
        return iid, _compatible_unit(unit, catalogue[iid]["unit"], name)
    return None, unit


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


def _find_values(s: str, units: list[str]) -> list[_Value]:
    out = []
    for m in _NUMBER.finditer(s):
        a, b = m.span()
        rest = s[b:]
        unit = next((u for u in units if rest.startswith(u)), "")
        if unit in ("年", "月") or (unit == "" and rest[:1] in ("年", "月", "日", "号", "G", "次")):
            continue  # years, dates, 5G, ordinals
        if s[a - 1:a] in ("第", "前", "-", "—", "~", "～") or (a and s[a - 1].isascii() and s[a - 1].isalpha()):
            continue
        known = None
        if unit:
            try:
                known = normalise_unit(unit)
            except UnknownUnitError:
                known = None
        end = b + len(unit)
        for q in _QUALIFIER_AFTER:
            if s.startswith(q, end):
                end += len(q)
                break
        out.append(_Value(a, b, b + len(unit), end, m.group(1), unit, known))
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
        before = clause[max(0, m.start() - 1):m.start()]
        if before in ("较", "比", "于") and not m.group("pre"):
            continue  # 较2020年: a comparison base, not the clause's year
        if clause[m.end():m.end() + 1] in ("-", "—", "至", "~") and not m.group("post"):
            continue
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
    name = re.sub(r"^(?:力争|争取|计划|确保)?(?:到|至)?20\d\d年(?:底|末|前)?", "", name)
    name = re.sub(r"^(?:[“\"]?十[三四五]五[”\"]?期?末)", "", name)
    changed = True
    while changed:
        changed = False
        for w in _LEADING_NOISE:
            if name.startswith(w) and len(name) > len(w):
                name, changed = name[len(w):], True
    for v in sorted(_LINK_VERBS, key=len, reverse=True):
        if name.endswith(v) and len(name) > len(v):
            name = name[: -len(v)]
            break
    return _strip_name(name)


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
    its own takes the plan's end year; ``五年内`` counts from the base year). Rows follow
    :data:`DRAFT_COLUMNS`; see the module docstring for what is skipped.
    """
    view = _build_view(text)
    s = view.chars
    units = _unit_vocabulary()
    draft = Draft()
    proposed: dict[tuple[str, str], dict] = {}
    line_of = _line_index(text)

    def skip(i: int, j: int, reason: str) -> None:
        a, _b = view.span(i, j)
        draft.skipped.append(Skipped(line_of(a), view.original(i, j), reason))

    for sa, sb in _sentences(s):
        sentence_year: int | None = None
        for ca, cb in _split_clauses(s, sa, sb):
            clause = s[ca:cb]
            y = _year_in(clause, base_year, end_year)
            if y is not None:
                sentence_year = y
            values = _find_values(clause, units)
            if not values:
                continue
            _draft_clause(draft, proposed, view, ca, cb, values, sentence_year, district,
                          source_file, base_year, end_year, skip)
    draft.proposed_ids = list(proposed.values())
    return draft


def _line_index(text: str):
    import bisect
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return lambda off: bisect.bisect_right(starts, off)


def _draft_clause(draft, proposed, view, ca, cb, values, sentence_year, district, source_file,
                  base_year, end_year, skip) -> None:
    s = view.chars
    clause = s[ca:cb]
    # Values in value position: at the end of their segment (followed by end, 、, 和 or a
    # bracket) or right after an object verb. The others are thresholds inside a name.
    picked: list[tuple[_Value, str, int, int]] = []  # value, name, name start, name end (clause-relative)
    seg_start = 0
    for k, v in enumerate(values):
        after = clause[v.end:v.end + 1]
        at_end = after in ("", "、", "（", "(")
        before = clause[seg_start:v.start]
        pre, by_verb = _strip_object_verb(before)
        if at_end:
            name = _clean_name(before)
            if not name:
                # "实施2项、谋划2项产业链协同创新项目": no name of its own
                skip(ca + v.start, ca + v.end, "no indicator name before the number")
                seg_start = v.end + 1
                continue
            picked.append((v, name, seg_start, v.end))
            seg_start = v.end + 1
        elif by_verb and v.known_unit in ("家", "个", "项", "件", "台", "人次"):
            # verb + N + unit + object: the name runs to the next value or clause end
            nxt = values[k + 1].start if k + 1 < len(values) else len(clause)
            obj_end = clause.find("、", v.end)
            obj_end = nxt if obj_end < 0 or obj_end > nxt else obj_end
            name = _strip_name(clause[v.end:obj_end])
            if not name or _find_values(name, _unit_vocabulary()):
                skip(ca + v.start, ca + obj_end, "counted object has a number of its own")
                seg_start = obj_end + 1
                continue
            picked.append((v, name, seg_start, obj_end))
            seg_start = obj_end + 1
        else:
            continue  # a threshold inside a name (超50亿元…)
    if not picked:
        skip(ca, cb, "no number in a target position (numbers are part of a name)")
        return
    for v, name, na, nb in picked:
        _emit(draft, proposed, view, ca, cb, v, name, na, nb, sentence_year, district,
              source_file, base_year, end_year, skip)


def _emit(draft, proposed, view, ca, cb, v, name, na, nb, sentence_year, district, source_file,
          base_year, end_year, skip) -> None:
    s = view.chars
    clause = s[ca:cb]
    if not v.printed_unit:
        skip(ca, cb, f"number {v.number} without a unit")
        return
    if v.known_unit is None:
        skip(ca, cb, f"unit {v.printed_unit!r} is not in the kit's vocabulary")
        return
    local = clause[na:nb]
    year = _year_in(local, base_year, end_year)
    if year is None:
        year = sentence_year
    if year is None:
        year = _span_year(clause, base_year)
    if year is None:
        year = end_year
    if year is None:
        skip(ca, cb, "no year in the clause and no plan end year given")
        return
    role = "target"
    if base_year is not None and year <= base_year:
        if year < base_year:
            skip(ca, cb, f"year {year} is before the plan's base year {base_year}")
            return
        role = "baseline"
    unit = _context_unit(v.known_unit, name)
    measure = _measure_of(name, unit, clause)
    iid, matched_unit = _match_id(district, name, v.known_unit, measure)
    if iid is None:
        key = (name_key(name), unit)
        if key not in proposed:
            proposed[key] = {
                "indicator_id": f"{district}_draft_{len(proposed) + 1:02d}",
                "name_zh": name, "name_en": "", "unit": unit, "measure": measure,
                "direction": "lower" if any(w in clause for w in _LOWER_WORDS) else "higher",
                "concept": "", "notes": f"proposed by drafting from {source_file}; name_en, id and "
                                        f"concept to be set in review",
            }
        iid = proposed[key]["indicator_id"]
    else:
        unit = matched_unit
    qa, qb = view.span(ca + na, ca + max(nb, v.end))
    quote = view.source[qa:qb]
    va, vb = view.span(ca + v.start, ca + v.unit_end)
    value_text = view.source[va:vb]
    value, _printed = parse_value_text(value_text)
    if abs(value - float(v.number)) > 1e-9:
        skip(ca, cb, f"value text {value_text!r} does not read as {v.number}")
        return
    notes = [w for w in _QUALIFIER_WORDS if w in clause[na:nb + 3]]
    draft.rows.append({
        "district": district, "source_file": source_file, "section": SECTION,
        "indicator": name, "indicator_id": iid, "category": "", "lead_agency": "",
        "year": year, "value": value, "unit": unit, "role": role, "value_text": value_text,
        "quote": quote, "note": "; ".join(notes), "review": "drafted",
    })
