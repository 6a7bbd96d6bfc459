"""Document audit: the inconsistencies a careful reader of a plan would catch, and the checks
that pass.

`audit(df)` returns one row per check (status ``passed`` or ``finding``) so the table shows what
the documents really contain, agreements included. Kinds of check:

``narrative_vs_table``  a narrative (正文) value against the table value of the same
                        district + indicator_id + year.
``flow_total``          yearly flows (每年新增) summed against a stated total (a ``*_cumulative`` id
                        in the narrative or a table), e.g. Beilun 品字标 5+5+6+6+6 = 28.
``flow_vs_cumulative``  a narrative per-year flow (``*_per_year``) against the average yearly
                        addition of a table cumulative/stock series.
``new_vs_stock``        a "new since the base year" count against the rise of the matching stock.
``falling_series``      a cumulative or stock series that falls from one year to the next.
``duplicate_printing``  the same series printed more than once (table copies; narrative copies).
``rate_vs_level``       a growth-rate target against the CAGR of its level targets, per span and
                        over the whole span (rates compounded).
``same_name_conflict``  the document prints one name, for one year and in one unit, with two
                        different values that the extraction reads as different indicators
                        (e.g. Yinzhou's two "节能环保与新能源装备产业集群产值突破…" sentences): a
                        contradiction of the document itself, shown even though the curated
                        extraction resolved it, with both quotes.

Pairing: a yearly flow and a total (``flow_total``, ``flow_vs_cumulative``) are compared only
when they count the same item (:func:`same_indicator`: same catalogue unit, and the same name
once the words that say how the count is taken — 每年, 累计, 新增… — are set aside), not
merely because their ids share a stem: Ouhai's "每年实施30个以上节能改造项目" and "实施30项节能减碳
技术绿色改造项目" are two different items.

Severity: ``none`` for passed checks; ``high`` for a number that contradicts another (also one
name printed with two values);
``medium`` for growth-rate gaps over 2 percentage points, stock series that fall, narrative
copies that disagree, a narrative yearly amount that contradicts a table's average addition
(two readings of one pledge, less certain than two printed totals), a narrative value printed
in another unit; ``low`` for differences consistent with a printed bound (以上, 不少于…; also
yearly minimums below a larger total), gaps up to 2 pp, units that differ where numbers agree,
yearly amounts missing so a total cannot be checked.
"""
from __future__ import annotations

import re

import pandas as pd

from .catalogue import catalogue_entry
from .districts import resolve_district
from .errors import AnalysisError
from .growth import cagr, compound_rates
from .series import (best_series, collapse_printings, district_slugs, is_narrative, is_table,
                     same_value)
from .pages import label_table

FINDING_COLUMNS = ["district", "indicator_id", "kind", "status", "severity", "year", "detail",
                   "detail_en", "quotes"]
KIND_ZH = label_table("audit_kind")  # labels/zh.toml
STATUS_ZH = label_table("audit_status")  # labels/zh.toml
SEVERITIES = ("high", "medium", "low", "none")
#: Words that make a printed number a lower bound.
BOUND_WORDS = ("以上", "不少于", "不低于", "突破", "超过", "至少")


def audit_link(slug: str, indicator_id: str) -> str | None:
    """The series an indicator is checked against where the generic rules cannot tell
    (several candidates share the concept): the district's ``audit_links`` in
    data/districts/<slug>.toml, with the reason beside it there; None when none is declared."""
    from .districts import DISTRICTS
    d = DISTRICTS.get(slug)
    return d.audit_links.get(indicator_id) if d is not None else None


GEOMETRIC = ("level", "index", "stock")
#: Words that say how a count is taken (per year, running total, new since the base), not what
#: is counted: set aside when two names are compared (longest first).
COUNT_WORDS = ("平均每年", "每年", "年均", "累计", "新增", "合计", "总计")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def counted_item(name: str) -> str:
    """What a name counts: whitespace, trailing brackets of at most six characters (a unit or
    a qualifier: （家）, (个), （每年）, （累计）) and the words of COUNT_WORDS removed, plus a
    trailing 数量. ``新增“品字标浙江制造”企业（每年）`` and ``累计新增“品字标浙江制造”企业`` count the same
    item; ``节能改造项目`` and ``节能减碳技术绿色改造项目`` do not."""
    text = re.sub(r"\s+", "", str(name))
    while True:
        stripped = re.sub(r"(（[^（）]{1,6}）|\([^()]{1,6}\))$", "", text)
        if stripped == text:
            break
        text = stripped
    for word in COUNT_WORDS:
        text = text.replace(word, "")
    return re.sub(r"数量$", "", text)


def same_indicator(a: str, b: str, a_rows=(), b_rows=()) -> bool:
    """True when indicator ids ``a`` and ``b`` count the same item, so a yearly flow of one can
    be summed against a total of the other: their catalogue units agree (when both are
    catalogued), and a name of one — the catalogue's or as printed in its rows — is a name of
    the other once the counting words are set aside (:func:`counted_item`)."""
    ea, eb = catalogue_entry(a), catalogue_entry(b)
    if ea.get("unit") and eb.get("unit") and ea["unit"] != eb["unit"]:
        return False

    def names(entry, rows):
        found = {counted_item(entry.get("name_zh", ""))} | {counted_item(r["indicator"])
                                                             for r in rows}
        return {n for n in found if n}

    return bool(names(ea, a_rows) & names(eb, b_rows))


def quotes_of(rows) -> str:
    """The distinct quotes of some rows (DataFrame or row dicts) as ``[section] quote ‖ …``
    (whitespace collapsed)."""
    recs = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    seen = dict.fromkeys(f"[{r['section']}] {_clean(r['quote'])}" for r in recs)
    return " ‖ ".join(seen)


class DistrictRows:
    """One district's plan rows as dicts, indexed by indicator: ``table[id]`` and ``narrative[id]``
    (lists in table order), ``measure[id]``."""

    def __init__(self, df: pd.DataFrame, slug: str):
        sub = df[df["district"] == slug]
        t, n = is_table(sub), is_narrative(sub)
        self.slug = slug
        self.table: dict[str, list[dict]] = {}
        self.narrative: dict[str, list[dict]] = {}
        for rec, in_t, in_n in zip(sub.to_dict("records"), t, n):
            if in_t:
                self.table.setdefault(rec["indicator_id"], []).append(rec)
            elif in_n:
                self.narrative.setdefault(rec["indicator_id"], []).append(rec)
        self.measure = {i: rows[0]["measure"] for i, rows in
                        (*self.table.items(), *self.narrative.items())}

    def plan(self, iid: str) -> list[dict]:
        return self.table.get(iid, []) + self.narrative.get(iid, [])


def is_lower_bound(row) -> bool:
    """True when the printed value is a minimum: a bound word (以上, 不少于, 突破…) within four
    characters of the number in its quote, or in the row's note."""
    quote, vt = str(row["quote"]), str(row["value_text"])
    i = quote.find(vt)
    window = quote[max(0, i - 4): i + len(vt) + 4] if i >= 0 else ""
    return any(w in window or w in str(row.get("note", "")) for w in BOUND_WORDS)


def _row(district, iid, kind, status, severity, year, detail, detail_en, quotes) -> dict:
    return dict(district=district, indicator_id=iid, kind=kind, status=status,
                severity=severity if status == "finding" else "none",
                year=int(year) if year is not None else pd.NA, detail=detail,
                detail_en=detail_en, quotes=quotes)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _verdict_zh(status: str, severity: str) -> str:
    """一致 for a passed check; 有差异 for a low-severity finding (e.g. within a printed bound,
    different units); 不一致 otherwise."""
    if status == "passed":
        return "一致"
    return "有差异" if severity == "low" else "不一致"


def _compare(printed: float, expected: float, bound: bool):
    """(status, severity, consistent_with_bound) for a printed value against an expected one."""
    if same_value(printed, expected):
        return "passed", "none", False
    if bound and expected > printed:
        return "finding", "low", True
    return "finding", "high", False


# --------------------------------------------------------------------------- checks

def _series(rows: list[dict], what: str) -> dict[int, float]:
    s = collapse_printings(rows, what)
    return dict(zip(s["year"].astype(int), s["value"].astype(float)))


def check_narrative_vs_table(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """Each narrative value against the table value of the same indicator and year."""
    out = []
    d = rows if rows is not None else DistrictRows(df, slug)
    kind = "narrative_vs_table"
    for iid, narr in d.narrative.items():
        t = d.table.get(iid)
        if not t:
            continue
        for r in narr:
            ty = [x for x in t if x["year"] == r["year"]]
            q = quotes_of([r, *(ty or t)])
            year, value, unit = int(r["year"]), float(r["value"]), r["unit"]
            if not ty:
                years = sorted({int(x["year"]) for x in t})
                out.append(_row(slug, iid, kind, "finding", "low", year,
                                f"正文{year}年{_fmt(value)}{unit}，表格无该年（表列年份{years}）",
                                f"narrative {year}: {_fmt(value)} {unit}; the table has no "
                                f"{year} value (years {years})", q))
                continue
            tv, tu = float(ty[0]["value"]), ty[0]["unit"]
            if tu != unit:
                out.append(_row(slug, iid, kind, "finding", "medium", year,
                                f"单位不同：正文{_fmt(value)}{unit}，表格{_fmt(tv)}{tu}",
                                f"units differ: narrative {_fmt(value)} {unit}, table {_fmt(tv)} {tu}",
                                q))
                continue
            status, sev, bound_ok = _compare(value, tv, is_lower_bound(r))
            if status == "passed":
                zh = f"一致：正文与表格均为{_fmt(tv)}{tu}（{year}年）"
                en = f"agree: {_fmt(tv)} {tu} in both ({year})"
            else:
                zh = (f"不一致：正文{year}年{_fmt(value)}{tu}，表格{_fmt(tv)}{tu}"
                      + ("（正文为下限“以上”，表格目标更高，不矛盾）" if bound_ok else ""))
                en = (f"disagree: narrative {_fmt(value)} vs table {_fmt(tv)} {tu} ({year})"
                      + (" (the narrative gives a minimum the table exceeds)" if bound_ok else ""))
            out.append(_row(slug, iid, kind, status, sev, year, zh, en, q))
    return out


def _total_candidates(flow_id: str) -> list[str]:
    stems = {flow_id}
    for suffix in ("_per_year", "_new"):
        stems |= {s[: -len(suffix)] for s in stems if s.endswith(suffix)}
    return [s + end for s in sorted(stems, key=len, reverse=True)
            for end in ("_cumulative", "_new_cumulative", "_total")]


def check_flow_totals(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """Yearly flows of a table series summed against any stated total of the same flow."""
    out = []
    base_year = resolve_district(slug).base_year
    d = rows if rows is not None else DistrictRows(df, slug)
    for fid, frows in d.table.items():
        if d.measure[fid] != "flow":
            continue
        flows = _series(frows, f"{slug}/{fid}")
        cands = dict.fromkeys(c for c in _total_candidates(fid) if c != fid
                              and same_indicator(fid, c, frows, d.plan(c)))
        totals = [r for c in cands for r in d.plan(c) if r["role"] == "target"]
        for r in totals:
            year, value, unit = int(r["year"]), float(r["value"]), r["unit"]
            span = {y: v for y, v in flows.items() if base_year < y <= year}
            missing = sorted(set(range(base_year + 1, year + 1)) - set(span))
            q = quotes_of([*frows, r])
            terms = "+".join(_fmt(v) for _, v in sorted(span.items()))
            total = sum(span.values())
            if missing:
                out.append(_row(slug, fid, "flow_total", "finding", "low", year,
                                f"逐年流量缺{missing}年，无法与合计{_fmt(value)}{unit}核对",
                                f"yearly flows missing for {missing}; cannot check the total "
                                f"{_fmt(value)}", q))
                continue
            status, sev, bound_ok = _compare(value, total, is_lower_bound(r))
            flows_bound = (status == "finding" and not bound_ok and value > total
                           and any(is_lower_bound(f) for f in frows))
            if flows_bound:  # "每年6家以上" three times vs 8 in the first year: consistent
                sev = "low"
            zh = (f"{_verdict_zh(status, sev)}：逐年{terms}={_fmt(total)}{unit}，"
                  f"{r['section']}合计{_fmt(value)}{unit}（{_clean(r['indicator'])}）"
                  + ("（合计为下限，不矛盾）" if bound_ok else "")
                  + ("（逐年数为下限，合计更大，不矛盾）" if flows_bound else ""))
            en = (f"{'agree' if status == 'passed' else 'disagree'}: yearly {terms} = {_fmt(total)}, "
                  f"stated total {_fmt(value)} ({r['indicator_id']})")
            out.append(_row(slug, fid, "flow_total", status, sev, year, zh, en, q))
    return out


def _addition(points: dict[int, float], measure: str, base_year: int):
    """(start year, start value, end year, end value) of the addition over the plan: cumulative
    counts start from 0 at the base year, stocks from their base-year value."""
    years = sorted(points)
    if measure == "cumulative":
        later = [y for y in years if y > base_year]
        if not later:
            raise AnalysisError("no value after the base year")
        return base_year, 0.0, later[-1], points[later[-1]]
    if base_year not in points:
        raise AnalysisError("no base-year value for the stock")
    return base_year, points[base_year], years[-1], points[years[-1]]


def check_flow_vs_cumulative(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """A narrative per-year flow (``*_per_year``) against the average yearly addition of the
    matching table cumulative/stock series (audit_link, or the one table series named stem*_cumulative)."""
    out = []
    base_year = resolve_district(slug).base_year
    d = rows if rows is not None else DistrictRows(df, slug)
    for fid, narr in d.narrative.items():
        if not fid.endswith("_per_year") or d.measure[fid] != "flow":
            continue
        target = audit_link(slug, fid)
        if target is None:
            stem = fid[: -len("_per_year")]
            cands = [i for i in d.table if i.startswith(stem) and i.endswith("_cumulative")
                     and d.measure[i] in ("cumulative", "stock")
                     and same_indicator(fid, i, narr, d.table[i])]
            if len(cands) != 1:
                continue
            target = cands[0]
        if target not in d.table:
            continue
        try:
            y0, v0, y1, v1 = _addition(_series(d.table[target], f"{slug}/{target}"),
                                       d.measure[target], base_year)
        except AnalysisError:
            continue
        avg = (v1 - v0) / (y1 - y0)
        tunit = d.table[target][0]["unit"]
        for r in narr:
            value, unit = float(r["value"]), r["unit"]
            status, sev, bound_ok = _compare(value, avg, is_lower_bound(r))
            if status == "finding" and not bound_ok:
                sev = "medium"
            if unit != tunit and status == "passed":
                status, sev = "finding", "low"
            zh = (f"{_verdict_zh(status, sev)}：正文每年{_fmt(value)}{unit}；"
                  f"表格“{_clean(d.table[target][0]['indicator'])}”{y0}–{y1}年由{_fmt(v0)}增至{_fmt(v1)}{tunit}，年均{_fmt(avg)}"
                  + ("（正文为下限，不矛盾）" if bound_ok else "")
                  + (f"（单位不同：{unit}/{tunit}）" if unit != tunit else ""))
            en = (f"{'agree' if status == 'passed' else 'disagree'}: narrative {_fmt(value)} per "
                  f"year; table {target} {_fmt(v0)} → {_fmt(v1)} ({y0}–{y1}), {_fmt(avg)} a year")
            out.append(_row(slug, fid, "flow_vs_cumulative", status, sev, int(r["year"]), zh, en,
                            quotes_of([r, *d.table[target]])))
    return out


def _stock_for(slug: str, new_id: str, unit: str, candidates: list[str]) -> str | None:
    if audit_link(slug, new_id):
        return audit_link(slug, new_id)
    concept = catalogue_entry(new_id).get("concept")
    same = [i for i in candidates if concept and catalogue_entry(i).get("concept") == concept
            and catalogue_entry(i).get("unit") == unit]
    return same[0] if len(same) == 1 else None


def check_new_vs_stock(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """A "new since the base year" count (cumulative id, narrative or table) against the rise of
    the matching stock from its base-year value: C(t) = S(t) - S(base)."""
    out = []
    base_year = resolve_district(slug).base_year
    d = rows if rows is not None else DistrictRows(df, slug)
    stock_ids = [i for i in d.table if d.measure[i] == "stock"]
    for nid in dict.fromkeys([*d.table, *d.narrative]):
        if d.measure[nid] != "cumulative":
            continue
        news = [r for r in d.plan(nid) if r["role"] == "target"]
        if not news:
            continue
        sid = _stock_for(slug, nid, news[0]["unit"], stock_ids)
        if sid is None or sid not in d.table:
            continue
        stock = _series(d.table[sid], f"{slug}/{sid}")
        for r in news:
            year, value = int(r["year"]), float(r["value"])
            if base_year not in stock or year not in stock:
                continue
            b, v = stock[base_year], stock[year]
            rise = v - b
            status, sev, bound_ok = _compare(value, rise, is_lower_bound(r))
            zh = (f"{_verdict_zh(status, sev)}：{r['section']}新增{_fmt(value)}"
                  f"{r['unit']}；“{_clean(d.table[sid][0]['indicator'])}”由{base_year}年{_fmt(b)}增至{year}年{_fmt(v)}，增加{_fmt(rise)}"
                  + ("（新增数为下限，存量增幅更大，口径或不同）" if bound_ok else ""))
            en = (f"{'agree' if status == 'passed' else 'disagree'}: {_fmt(value)} new vs {sid} "
                  f"{_fmt(b)} → {_fmt(v)} (+{_fmt(rise)}), {base_year}–{year}")
            out.append(_row(slug, nid, "new_vs_stock", status, sev, year, zh, en,
                            quotes_of([r, *d.table[sid]])))
    return out


def check_falling(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """Cumulative and stock table series (two points or more) must not fall from one printed
    year to the next."""
    out = []
    d = rows if rows is not None else DistrictRows(df, slug)
    for iid, rows in d.table.items():
        measure = d.measure[iid]
        if measure not in ("cumulative", "stock"):
            continue
        pts = sorted(_series(rows, f"{slug}/{iid}").items())
        if len(pts) < 2:
            continue
        falls = [(y0, v0, y1, v1) for (y0, v0), (y1, v1) in zip(pts, pts[1:])
                 if v1 < v0 and not same_value(v0, v1)]
        path = " → ".join(f"{y}:{_fmt(v)}" for y, v in pts)
        q = quotes_of(rows)
        if falls:
            what = "; ".join(f"{y0}年{_fmt(v0)}→{y1}年{_fmt(v1)}" for y0, v0, y1, v1 in falls)
            out.append(_row(slug, iid, "falling_series", "finding",
                            "high" if measure == "cumulative" else "medium", falls[0][2],
                            f"{'累计' if measure == 'cumulative' else '存量'}指标下降：{what}",
                            f"a {measure} series falls: {path}", q))
        else:
            out.append(_row(slug, iid, "falling_series", "passed", "none", None,
                            f"未下降：{path}", f"never falls: {path}", q))
    return out


def check_duplicates(df: pd.DataFrame, slug: str,
                 rows: DistrictRows | None = None) -> list[dict]:
    """Series printed more than once: table copies (guaranteed equal by the build, counted as
    passed checks) and narrative copies of the same year (which may disagree)."""
    out = []
    d = rows if rows is not None else DistrictRows(df, slug)
    for label, en_label, index in (("表格", "table", d.table), ("正文", "narrative", d.narrative)):
        for iid, rows in index.items():
            by_year: dict[int, list[dict]] = {}
            for r in rows:
                by_year.setdefault(int(r["year"]), []).append(r)
            multi = {y: g for y, g in by_year.items() if len(g) > 1}
            if not multi:
                continue
            bad = []
            for year, g in sorted(multi.items()):
                vals = sorted({float(r["value"]) for r in g})
                if any(not same_value(v, vals[0]) for v in vals) or len({r["unit"] for r in g}) > 1:
                    bad.append((year, vals))
            copies = max(len(g) for g in multi.values())
            q = quotes_of([r for g in multi.values() for r in g])
            if bad:
                what = "; ".join(f"{y}年{'/'.join(_fmt(v) for v in vals)}" for y, vals in bad)
                out.append(_row(slug, iid, "duplicate_printing", "finding",
                                "high" if label == "表格" else "medium", bad[0][0],
                                f"{label}重复印刷数值不同：{what}",
                                f"{en_label} copies disagree: {what}", q))
            else:
                out.append(_row(slug, iid, "duplicate_printing", "passed", "none", None,
                                f"{label}重复印刷{copies}次，{len(multi)}个年份数值一致",
                                f"{en_label} printed up to {copies} times; {len(multi)} years agree",
                                q))
    return out


def _level_for(slug: str, rate_id: str, measures: dict[str, str]) -> str | None:
    """The level series a growth-rate id describes: audit_link, else the id without ``_growth``,
    else the only level/index/stock series of the same catalogue concept in the district."""
    if audit_link(slug, rate_id):
        return audit_link(slug, rate_id)
    stem = rate_id[: -len("_growth")] if rate_id.endswith("_growth") else None
    if stem and measures.get(stem) in GEOMETRIC:
        return stem
    concept = catalogue_entry(rate_id).get("concept")
    same = [i for i, m in measures.items() if concept and catalogue_entry(i).get("concept") == concept
            and m in GEOMETRIC]
    return same[0] if len(same) == 1 else None


def _approximate(rows: list[dict]) -> str:
    """The printed text (e.g. '约20%') when a value is marked approximate (约 just before the
    number, or in the note), else ''."""
    for r in rows:
        quote, vt = str(r["quote"]), str(r["value_text"])
        i = quote.find(vt)
        if "约" in quote[max(0, i - 2): i] or "约" in str(r["note"]):
            return f"约{vt}"
    return ""


def check_rate_vs_level(df: pd.DataFrame, slug: str, tol: float = 0.005,
                        rows: DistrictRows | None = None) -> list[dict]:
    """Each growth-rate target g for year t against the CAGR of the level targets over the span
    it covers (from the previous printed rate year, or the level's first year, to t);
    |CAGR - g| <= tol (0.5 pp) passes. When a series has several contiguous spans, one more
    check over the whole span: prod (1 + g_i)^n_i against the level multiple."""
    out = []
    d = rows if rows is not None else DistrictRows(df, slug)
    for rid in [i for i, m in d.measure.items() if m == "growth_rate"]:
        lid = _level_for(slug, rid, d.measure)
        if lid is None:
            continue
        try:
            rates, levels = best_series(df, slug, rid), best_series(df, slug, lid)
        except AnalysisError:
            continue
        lv = dict(zip(levels["year"].astype(int), levels["value"].astype(float)))
        ryears = rates["year"].astype(int).tolist()
        spans = []
        for i, rr in enumerate(rates.itertuples(index=False)):
            t = int(rr.year)
            if rr.role != "target":
                continue
            prev = [y for y in ryears[:i] if y < t]
            s = prev[-1] if prev else min((y for y in lv if y < t), default=None)
            if s is None or s not in lv or t not in lv:
                continue
            g = rr.value / 100
            lc = cagr(lv[s], lv[t], t - s)
            diff = lc - g
            spans.append((s, t, g))
            status = "passed" if abs(diff) <= tol + 1e-12 else "finding"
            sev = "low" if abs(diff) <= 0.02 else "medium"
            rate_rows = [r for r in d.plan(rid) if r["year"] == t]
            rows = rate_rows + [r for r in d.plan(lid) if r["year"] in (s, t)]
            approx = _approximate(rate_rows)
            printed = f"（原文为“{approx}”，近似值）" if approx else ""
            zh = (f"{_verdict_zh(status, sev)}：{s}–{t}年{catalogue_entry(lid).get('name_zh', lid)}"
                  f"{_fmt(lv[s])}→{_fmt(lv[t])}，年均{lc * 100:.2f}%；{catalogue_entry(rid).get('name_zh', rid)}"
                  f"目标{rr.value:g}%，相差{diff * 100:+.2f}个百分点{printed}")
            en = (f"{'agree' if status == 'passed' else 'disagree'}: {lid} {_fmt(lv[s])} → "
                  f"{_fmt(lv[t])} ({s}–{t}) is {lc * 100:.2f}%/yr; {rid} target {rr.value:g}% "
                  f"({diff * 100:+.2f} pp)")
            out.append(_row(slug, rid, "rate_vs_level", status, sev, t, zh, en, quotes_of(rows)))
        contiguous = all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        if len(spans) > 1 and contiguous:
            s0, t1 = spans[0][0], spans[-1][1]
            m = compound_rates([g for _, _, g in spans], [t - s for s, t, _ in spans])
            gm = m ** (1 / (t1 - s0)) - 1
            lc = cagr(lv[s0], lv[t1], t1 - s0)
            diff = lc - gm
            status = "passed" if abs(diff) <= tol + 1e-12 else "finding"
            sev = "low" if abs(diff) <= 0.02 else "medium"
            rows = d.plan(rid) + d.plan(lid)
            zh = (f"{_verdict_zh(status, sev)}（全期）：{s0}–{t1}年"
                  f"{catalogue_entry(lid).get('name_zh', lid)}{_fmt(lv[s0])}→{_fmt(lv[t1])}，年均{lc * 100:.2f}%"
                  f"（{lv[t1] / lv[s0]:.4f}倍）；增速目标复合后年均{gm * 100:.2f}%（{m:.4f}倍，"
                  f"{t1}年应为{_fmt(round(lv[s0] * m, 2))}），相差{diff * 100:+.2f}个百分点")
            en = (f"{'agree' if status == 'passed' else 'disagree'} (whole span): {lid} "
                  f"{_fmt(lv[s0])} → {_fmt(lv[t1])} ({s0}–{t1}) is {lc * 100:.2f}%/yr; the rate "
                  f"targets compound to {gm * 100:.2f}%/yr (x{m:.4f}, {lv[s0] * m:.2f} by {t1}); "
                  f"{diff * 100:+.2f} pp")
            out.append(_row(slug, rid, "rate_vs_level", status, sev, t1, zh, en, quotes_of(rows)))
    return out


def printed_name(name: str) -> str:
    """A printed indicator name without whitespace and without a trailing unit in brackets
    (``新增“品字标浙江制造”（家）`` → ``新增“品字标浙江制造”``)."""
    text = re.sub(r"\s+", "", str(name))
    return re.sub(r"(（[^（）]{1,6}）|\([^()]{1,6}\))$", "", text)


def check_same_name_conflicts(df: pd.DataFrame, slug: str) -> list[dict]:
    """One printed name, one year, one role, one unit and one measure, read as two or more
    different indicators: when the values differ the document contradicts itself (however the
    extraction resolved it; its reading is named in the detail), a high finding with every
    quote; when they agree, a passed check. Printings of one indicator are check_duplicates'."""
    out = []
    sub = df[(df["district"] == slug) & df["role"].isin(("baseline", "target"))]
    if sub.empty:
        return out
    groups: dict[tuple, list[dict]] = {}
    for r in sub.to_dict("records"):
        key = (printed_name(r["indicator"]), int(r["year"]), r["role"], r["unit"], r["measure"])
        groups.setdefault(key, []).append(r)
    for (name, year, role, unit, _), rows in groups.items():
        ids = list(dict.fromkeys(r["indicator_id"] for r in rows))
        if len(ids) < 2 or not name:
            continue
        # the finding belongs to the indicator whose catalogue name is the printed name, if any
        ids.sort(key=lambda i: printed_name(catalogue_entry(i).get("name_zh", "")) != name)
        values = list(dict.fromkeys(float(r["value"]) for r in rows))
        by_id = {i: [r for r in rows if r["indicator_id"] == i] for i in ids}
        readings = "；".join(
            f"{_fmt(float(g[0]['value']))}{unit}（{g[0]['section']}第{g[0]['source_line']}行）"
            f"读作“{catalogue_entry(i).get('name_zh', i)}”" for i, g in by_id.items())
        readings_en = "; ".join(f"{_fmt(float(g[0]['value']))} {unit} (line {g[0]['source_line']})"
                                f" read as {i}" + (f" — note: {_clean(g[0]['note'])}"
                                                   if str(g[0].get("note", "")).strip() else "")
                                for i, g in by_id.items())
        q = quotes_of(rows)
        if all(same_value(v, values[0]) for v in values):
            out.append(_row(slug, ids[0], "same_name_conflict", "passed", "none", year,
                            f"一致：“{name}”{year}年各处均为{_fmt(values[0])}{unit}（{readings}）",
                            f"agree: '{name}' {year} is {_fmt(values[0])} {unit} wherever "
                            f"printed ({readings_en})", q))
            continue
        shown = "、".join(f"{_fmt(v)}{unit}" for v in values)
        out.append(_row(slug, ids[0], "same_name_conflict", "finding", "high", year,
                        f"不一致：原文同一名称“{name}”{year}年印有{len(values)}个不同数值"
                        f"（{shown}）；整理时读作不同指标：{readings}。原文自相矛盾，请向发文单位核实",
                        f"the document prints '{name}' for {year} with different values "
                        f"({shown}); the extraction reads them as different indicators: "
                        f"{readings_en}", q))
    return out


CHECKS = (check_narrative_vs_table, check_flow_totals, check_flow_vs_cumulative,
          check_new_vs_stock, check_falling, check_duplicates, check_rate_vs_level,
          check_same_name_conflicts)


def audit(df: pd.DataFrame, district=None, rate_tolerance: float = 0.005) -> pd.DataFrame:
    """Run every check on every district (or the ones named); one row per check.

    Columns: district, indicator_id, kind (see module docstring), status (passed | finding),
    severity (high | medium | low | none), year (pd.NA for whole-series checks), detail
    (Chinese, with the numbers), detail_en, quotes (every source quote involved,
    ``[section] quote`` joined by " ‖ "). rate_tolerance: allowed gap between a growth-rate
    target and the CAGR of its levels (fraction; default 0.005 = 0.5 pp).
    """
    rows = []
    for slug in district_slugs(df, district):
        plan = DistrictRows(df, slug)  # one pass over the district's rows for every check
        for check in CHECKS:
            if check is check_rate_vs_level:
                rows += check(df, slug, rate_tolerance, rows=plan)
            elif check is check_same_name_conflicts:
                rows += check(df, slug)
            else:
                rows += check(df, slug, rows=plan)
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    sev_order = {s: i for i, s in enumerate(SEVERITIES)}
    kind_order = {k: i for i, k in enumerate(KIND_ZH)}
    if not out.empty:
        out = out.assign(_k=out["kind"].map(kind_order), _s=out["severity"].map(sev_order))
        out = out.sort_values(["district", "_k", "_s"], kind="stable").drop(columns=["_k", "_s"])
    return out.reset_index(drop=True)


def audit_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Checks per kind: how many ran, passed, and found something (by severity).

    Columns: kind, kind_zh, checks, passed, findings, high, medium, low; a last row
    ``total`` sums them.
    """
    rows = []
    for kind in KIND_ZH:
        g = findings[findings["kind"] == kind]
        if g.empty:
            continue
        sev = g.loc[g["status"] == "finding", "severity"].value_counts()
        rows.append(dict(kind=kind, kind_zh=KIND_ZH[kind], checks=len(g),
                         passed=int((g["status"] == "passed").sum()),
                         findings=int((g["status"] == "finding").sum()),
                         high=int(sev.get("high", 0)), medium=int(sev.get("medium", 0)),
                         low=int(sev.get("low", 0))))
    out = pd.DataFrame(rows, columns=["kind", "kind_zh", "checks", "passed", "findings", "high",
                                      "medium", "low"])
    total = out.drop(columns=["kind", "kind_zh"]).sum()
    out.loc[len(out)] = {"kind": "total", "kind_zh": "合计", **total.to_dict()}
    return out
