"""Growth arithmetic for indicator series, with the rule chosen by the indicator's `measure`.

Core formulas (rates are fractions: 0.0745 means 7.45 %/yr):

* compound annual growth  ``cagr = (v1 / v0) ** (1 / years) - 1``
* multiple                ``v1 / v0``
* doubling in n years needs ``2 ** (1 / n) - 1`` (5 years: 14.87 %/yr)
"""
from __future__ import annotations

import math

import pandas as pd

from .catalogue import catalogue_entry, load_catalogue
from .districts import resolve_district
from .errors import AnalysisError
from .series import collapsed_groups, is_narrative, is_table, table_series
from .pages import label_table


def _finite(x, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise AnalysisError(f"{name} must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise AnalysisError(f"{name} must be a finite number, got {x!r}")
    return v


def cagr(v0: float, v1: float, years: float) -> float:
    """Compound annual growth rate ``(v1 / v0) ** (1 / years) - 1`` as a fraction per year.

    v0, v1: values in the same unit (any unit; the rate is unit-free). years > 0.
    Raises AnalysisError for a zero or negative start value, a negative end value
    (a geometric rate through zero means nothing) or a non-positive span.
    """
    v0, v1, years = _finite(v0, "v0"), _finite(v1, "v1"), _finite(years, "years")
    if years <= 0:
        raise AnalysisError(f"a growth rate needs a positive span of years, got {years:g}")
    if v0 <= 0:
        raise AnalysisError(f"a geometric growth rate needs a positive start value, got {v0:g}")
    if v1 < 0:
        raise AnalysisError(f"a geometric growth rate needs a non-negative end value, got {v1:g}")
    return (v1 / v0) ** (1.0 / years) - 1.0


# --------------------------------------------------------------------------- rules by measure

#: Growth rule for each measure (see helpers.catalogue.MEASURES).
MEASURE_RULES: dict[str, str] = {
    "level": "geometric", "stock": "geometric", "index": "geometric",
    "cumulative": "linear", "flow": "flow", "reduction_rate": "reduction",
    "growth_rate": "stated_rate", "share": "percentage_points",
}
#: Rule → (Chinese label, English description with the formula).
RULES: dict[str, tuple[str, str]] = {
    "geometric": ("几何（年均复合增速）", "compound annual growth (v1/v0)^(1/n) - 1"),
    "linear": ("线性（累计值自规划起点为0匀速累加）",
               "cumulative from 0 at the base year; linear pace (v1 - v0)/n per year"),
    "flow": ("年度流量（逐年数额、合计与趋势）", "yearly amounts, their sum and their trend"),
    "reduction": ("累计降低率（隐含底层指标路径与年均降幅）",
                  "path of the underlying quantity base*(1 - r); annual reduction 1 - (1 - r)^(1/n)"),
    "stated_rate": ("增速目标（本身即为年增速）",
                    "already a yearly rate: compare successive years; compounded (1+g)^n"),
    "percentage_points": ("占比（百分点变化与相对增速）",
                          "percentage points per year (s1 - s0)/n, plus relative CAGR"),
}
#: Rules whose yearly change is a rate (fraction per year), not an amount.
RATE_RULES = ("geometric", "reduction", "stated_rate")
PACE_ZH = label_table("growth_pace")  # labels/zh.toml


def rule_for(measure: str) -> str:
    """The growth rule for a measure (level/stock/index → geometric, cumulative → linear,
    flow → flow, reduction_rate → reduction, growth_rate → stated_rate, share → percentage_points)."""
    try:
        return MEASURE_RULES[measure]
    except KeyError:
        raise AnalysisError(f"unknown measure {measure!r}; known: {', '.join(MEASURE_RULES)}") from None


def multiple(v0: float, v1: float) -> float:
    """How many times the start value the end value is: ``v1 / v0`` (v0 > 0, same unit)."""
    v0, v1 = _finite(v0, "v0"), _finite(v1, "v1")
    if v0 <= 0:
        raise AnalysisError(f"a multiple needs a positive start value, got {v0:g}")
    return v1 / v0


def doubling_rate(years: float, factor: float = 2.0) -> float:
    """Annual growth needed to multiply by ``factor`` in ``years``: ``factor ** (1/years) - 1``.

    Doubling in 5 years: 2 ** (1/5) - 1 = 0.148698 (14.87 %/yr).
    """
    years, factor = _finite(years, "years"), _finite(factor, "factor")
    if years <= 0 or factor <= 0:
        raise AnalysisError(f"doubling_rate needs years > 0 and factor > 0, got {years:g}, {factor:g}")
    return factor ** (1.0 / years) - 1.0


def annual_reduction(total_reduction: float, years: float) -> float:
    """Constant yearly reduction implied by a cumulative reduction over ``years``:
    ``1 - (1 - r) ** (1/n)``, r as a fraction (0.16 for 16 %). 16 % over 5 years → 0.034269."""
    r, years = _finite(total_reduction, "total_reduction"), _finite(years, "years")
    if years <= 0:
        raise AnalysisError(f"a reduction rate needs a positive span of years, got {years:g}")
    if r >= 1:
        raise AnalysisError(f"a cumulative reduction must be below 100 %, got {r:.4g}")
    return 1.0 - (1.0 - r) ** (1.0 / years)


def reduced_level(base_level: float, reduction: float) -> float:
    """The level after a cumulative reduction: ``base * (1 - r)``, r as a fraction
    (0.6 tce/万元 reduced by 16 % → 0.504 tce/万元)."""
    base, r = _finite(base_level, "base_level"), _finite(reduction, "reduction")
    if r >= 1:
        raise AnalysisError(f"a cumulative reduction must be below 100 %, got {r:.4g}")
    return base * (1.0 - r)


def compound_rates(rates, spans) -> float:
    """Multiple implied by yearly rates held over spans of years: ``prod((1 + g_i) ** n_i)``.

    rates: fractions per year (0.12 for 12 %); spans: years each rate applies. Example:
    Yinzhou 工业投资 30 % for 2023, 10 %/yr 2024–25 and 2026–27 → 1.3 · 1.1² · 1.1² = 1.9033.
    """
    rates, spans = list(rates), list(spans)
    if not rates or len(rates) != len(spans):
        raise AnalysisError("compound_rates needs one span per rate and at least one rate")
    out = 1.0
    for g, n in zip(rates, spans):
        g, n = _finite(g, "rate"), _finite(n, "span")
        if g <= -1 or n <= 0:
            raise AnalysisError(f"cannot compound a rate of {g:.4g} over {n:g} years")
        out *= (1.0 + g) ** n
    return out


# --------------------------------------------------------------------------- paths

def path_value(base_value: float, target_value: float, base_year: int, target_year: int,
               year: float, measure: str) -> float:
    """The smooth-path value in ``year`` between a base and a target, by the measure's rule.

    geometric (level/stock/index): ``v0 * (v1/v0) ** k``, k = (year - y0)/(y1 - y0);
    linear (cumulative) and percentage_points (share): ``v0 + (v1 - v0) * k``;
    reduction (values in %): ``100 * (1 - (1 - r0/100) * ((1 - r1/100)/(1 - r0/100)) ** k)``,
    i.e. the underlying quantity falls by a constant fraction each year.
    flow and growth_rate have no path between two values: AnalysisError.
    """
    rule = rule_for(measure)
    v0, v1 = _finite(base_value, "base_value"), _finite(target_value, "target_value")
    if target_year <= base_year:
        raise AnalysisError(f"a path needs target_year > base_year, got {base_year}→{target_year}")
    k = (year - base_year) / (target_year - base_year)
    if rule == "geometric":
        if v0 <= 0 or v1 <= 0:
            raise AnalysisError(f"a geometric path needs positive values, got {v0:g} → {v1:g}")
        return v0 * (v1 / v0) ** k
    if rule in ("linear", "percentage_points"):
        return v0 + (v1 - v0) * k
    if rule == "reduction":
        if v0 >= 100 or v1 >= 100:
            raise AnalysisError(f"a reduction must stay below 100 %, got {v0:g} → {v1:g}")
        i0, i1 = 1 - v0 / 100, 1 - v1 / 100
        return 100 * (1 - i0 * (i1 / i0) ** k)
    raise AnalysisError(f"measure {measure!r} ({rule}) has no path between two values: "
                        "compare its yearly values instead")


def required_path(base_value: float, target_value: float, base_year: int, target_year: int,
                  measure: str, years=None) -> pd.DataFrame:
    """The smooth path from base to target, one row per year: DataFrame[year, value, rule].

    years: the years to evaluate (default every year from base_year to target_year).
    Formula per measure as in `path_value`; values keep the indicator's unit.
    Example: 亩均税收 38.4 → 55 万元/亩 (2020–2025): 2023 on the path = 38.4·(55/38.4)^(3/5) = 47.64.
    """
    years = list(range(int(base_year), int(target_year) + 1)) if years is None else list(years)
    rule = rule_for(measure)
    return pd.DataFrame({
        "year": years,
        "value": [path_value(base_value, target_value, base_year, target_year, y, measure)
                  for y in years],
        "rule": rule,
    })


# --------------------------------------------------------------------------- series growth

SEGMENT_COLUMNS = ["from_year", "to_year", "years", "from_value", "to_value", "change",
                   "change_unit"]


def segment_changes(points: pd.DataFrame, measure: str, unit: str = "") -> pd.DataFrame:
    """Year-on-year (or milestone-to-milestone) change implied by successive values.

    points: DataFrame[year, value] sorted by year, including the start point. Per rule:
    geometric → cagr per segment (fraction/yr); linear and percentage_points → (v1 - v0)/n
    (units or pp per year); reduction (values in %) → 1 - ((1 - r1)/(1 - r0))^(1/n) (fraction/yr);
    flow → each year's amount (units/yr); stated_rate → each printed rate as a fraction.
    For flow and stated_rate the first point is a start marker: it yields no row of its own.
    """
    rule = rule_for(measure)
    pts = points.sort_values("year")
    years, values = pts["year"].astype(int).tolist(), pts["value"].astype(float).tolist()
    if len(years) < 2:
        raise AnalysisError(f"a growth needs at least two points, got {len(years)}")
    if len(set(years)) != len(years):
        raise AnalysisError(f"duplicate years in a series: {years}")
    rows = []
    for (y0, v0), (y1, v1) in zip(zip(years, values), zip(years[1:], values[1:])):
        n = y1 - y0
        if rule == "geometric":
            change, cu = cagr(v0, v1, n), "/yr"
        elif rule in ("linear", "percentage_points"):
            change, cu = (v1 - v0) / n, ("pp/yr" if rule == "percentage_points" else f"{unit}/yr")
        elif rule == "reduction":
            if v0 >= 100 or v1 >= 100:
                raise AnalysisError(f"a reduction must stay below 100 %, got {v0:g} → {v1:g}")
            change, cu = 1 - ((1 - v1 / 100) / (1 - v0 / 100)) ** (1 / n), "/yr"
        elif rule == "flow":
            change, cu = v1, f"{unit}/yr"
        else:  # stated_rate
            change, cu = v1 / 100, "/yr"
        rows.append({"from_year": y0, "to_year": y1, "years": n, "from_value": v0,
                     "to_value": v1, "change": change, "change_unit": cu})
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def pace(changes, rule: str, direction: str = "higher", rate_tol: float = 0.005,
         rel_tol: float = 0.05) -> str:
    """accelerating / decelerating / steady / single_segment, from the first and last change.

    d = last - first (negated for lower-is-better levels, so accelerating always means
    faster progress). Steady when |d| <= tol: tol = rate_tol (0.5 pp) for rate rules
    (geometric, reduction, stated_rate), rel_tol × mean |change| for amounts (linear, flow,
    percentage_points).
    """
    ch = [float(c) for c in changes]
    if len(ch) < 2:
        return "single_segment"
    sign = -1.0 if (direction == "lower" and rule == "geometric") else 1.0
    d = sign * (ch[-1] - ch[0])
    tol = rate_tol if rule in RATE_RULES else rel_tol * (sum(abs(c) for c in ch) / len(ch))
    if abs(d) <= tol + 1e-12:
        return "steady"
    return "accelerating" if d > 0 else "decelerating"


GROWTH_COLUMNS = [
    "district", "indicator_id", "name_zh", "measure", "unit", "direction", "rule", "rule_zh",
    "base_year", "base_value", "base_kind", "end_year", "end_value", "years", "multiple",
    "implied_annual", "change_per_year", "total", "underlying", "first_change", "last_change",
    "pace", "pace_zh", "segments", "note",
]


def _fmt_change(change: float, rule: str, unit: str) -> str:
    if rule in RATE_RULES:
        return f"{change * 100:+.2f}%"
    if rule == "percentage_points":
        return f"{change:+.2f}个百分点"
    return f"{change:+.4g}{unit}"


def _segments_text(seg: pd.DataFrame, rule: str, unit: str) -> str:
    parts = []
    for r in seg.itertuples():
        label = f"{r.to_year}" if r.years == 1 else f"{r.from_year}–{r.to_year}年均"
        parts.append(f"{label} {_fmt_change(r.change, rule, unit)}")
    return "; ".join(parts)


def find_underlying(df: pd.DataFrame, district: str, indicator_id: str, year: int):
    """For a reduction-rate indicator, the level of the same `concept` in the same district
    printed for ``year`` (e.g. Beilun energy_intensity 0.6 吨标准煤/万元 in 2020 for
    energy_intensity_reduction), from a table, else from the text (a prose-only plan).
    Returns (indicator_id, value, unit) or None."""
    concept = catalogue_entry(indicator_id).get("concept")
    if not concept:
        return None
    ids = [i for i, e in load_catalogue().items()
           if e.get("concept") == concept and e["measure"] in ("level", "index") and i != indicator_id]
    rows = df[(df["district"] == district) & df["indicator_id"].isin(ids) & (df["year"] == year)]
    rows = pd.concat([rows[is_table(rows)], rows[is_narrative(rows)]])  # tables, else the text
    if rows.empty:
        return None
    r = rows.iloc[0]
    return r["indicator_id"], float(r["value"]), r["unit"]


def plan_points(series: pd.DataFrame, measure: str, base_year: int):
    """The start point and the path points of a table series for its growth rule.

    Returns (points DataFrame[year, value] starting with the start point, base_kind, note).
    cumulative and reduction_rate start from 0 at the district's base year (counted from the
    plan's start); a printed cumulative "base" is a one-year amount and is set aside (note).
    growth_rate starts at its printed baseline year (the base year's observed growth) or
    at the district base year. Other measures start at their first printed value.
    """
    rule = rule_for(measure)
    s = series.sort_values("year")
    note = ""
    if rule in ("linear", "reduction"):
        printed = s[(s["role"] == "baseline") | (s["year"] <= base_year)]
        later = s[s["year"] > base_year]
        if later.empty:
            raise AnalysisError(f"no target after the base year {base_year}")
        if not printed.empty:
            r = printed.iloc[-1]
            note = (f"表中基数{r['value']:g}{r['unit']}（{int(r['year'])}年）为单年数额，"
                    "不是累计值，未作累计起点" if rule == "linear" else
                    f"表中基期数值{r['value']:g}{r['unit']}未作降低率起点（降低率以基期为0）")
        pts = pd.concat([pd.DataFrame({"year": [base_year], "value": [0.0]}),
                         later[["year", "value"]]], ignore_index=True)
        return pts, "implicit_zero", note
    if rule in ("stated_rate", "flow"):
        base = s[s["role"] == "baseline"]
        if not base.empty:
            start = (int(base["year"].iloc[0]), float(base["value"].iloc[0]))
            kind = "baseline"
        else:
            start = (min(base_year, int(s["year"].iloc[0]) - 1), math.nan)
            kind = "none"
        later = s[s["year"] > start[0]]
        if later.empty:
            raise AnalysisError("only a base value, no target")
        pts = pd.concat([pd.DataFrame({"year": [start[0]], "value": [start[1]]}),
                         later[["year", "value"]]], ignore_index=True)
        return pts, kind, note
    if len(s) < 2:
        raise AnalysisError(f"one point only ({int(s['year'].iloc[0])}): no growth")
    kind = "baseline" if s["role"].iloc[0] == "baseline" else "first_target"
    return s[["year", "value"]].reset_index(drop=True), kind, note


def describe_series(df: pd.DataFrame, district: str, indicator_id: str,
                    rate_tol: float = 0.005, rel_tol: float = 0.05, series=None) -> dict:
    """One row of `growth_table` for one table series (see its docstring for the columns).

    series: the collapsed table series if already at hand (else read with `table_series`).
    Raises AnalysisError when the series cannot be analysed (one point only, zero base for a
    geometric rate, mixed units).
    """
    d = resolve_district(district)
    s = table_series(df, d.slug, indicator_id) if series is None else series
    measure, unit, direction = s["measure"].iloc[0], s["unit"].iloc[0], s["direction"].iloc[0]
    rule = rule_for(measure)
    pts, base_kind, note = plan_points(s, measure, d.base_year)
    seg = segment_changes(pts if rule not in ("flow", "stated_rate") else pts.fillna(0.0),
                          measure, unit)
    y0, v0 = int(pts["year"].iloc[0]), float(pts["value"].iloc[0])
    y1, v1 = int(pts["year"].iloc[-1]), float(pts["value"].iloc[-1])
    n = y1 - y0
    nan = math.nan
    row = dict(district=d.slug, indicator_id=indicator_id,
               name_zh=catalogue_entry(indicator_id).get("name_zh", indicator_id),
               measure=measure, unit=unit, direction=direction, rule=rule, rule_zh=RULES[rule][0],
               base_year=y0, base_value=v0, base_kind=base_kind, end_year=y1, end_value=v1,
               years=n, multiple=nan, implied_annual=nan, change_per_year=nan, total=nan,
               underlying="", note=note)
    if rule == "geometric":
        row.update(multiple=multiple(v0, v1), implied_annual=cagr(v0, v1, n),
                   change_per_year=(v1 - v0) / n)
    elif rule == "linear":
        row.update(change_per_year=(v1 - v0) / n, total=v1)
    elif rule == "percentage_points":
        row.update(change_per_year=(v1 - v0) / n)
        if v0 > 0:
            row.update(multiple=v1 / v0, implied_annual=cagr(v0, v1, n))
    elif rule == "reduction":
        row.update(multiple=1 - v1 / 100, implied_annual=annual_reduction(v1 / 100, n),
                   change_per_year=v1 / n)
        under = find_underlying(df, d.slug, indicator_id, y0)
        if under:
            uid, uv, uu = under
            path = [reduced_level(uv, r / 100) for r in pts["value"]]
            row["underlying"] = (f"{uid}: " + " → ".join(f"{y} {v:.4g}" for y, v in
                                                        zip(pts["year"], path)) + f" {uu}")
    elif rule == "flow":
        amounts = pts.iloc[1:]
        if base_kind != "baseline":  # no printed base-year amount: start from the first one
            y0, v0, base_kind = int(amounts["year"].iloc[0]), float(amounts["value"].iloc[0]), \
                "first_target"
        span = y1 - y0
        row.update(base_year=y0, base_value=v0, base_kind=base_kind, years=len(amounts),
                   total=float(amounts["value"].sum()),
                   change_per_year=float(amounts["value"].mean()))
        if v0 > 0 and span > 0:
            row.update(multiple=v1 / v0, implied_annual=cagr(v0, v1, span))
        expected = set(range(int(amounts["year"].iloc[0]), y1 + 1))
        missing = sorted(expected - set(amounts["year"]))
        if missing:
            row["note"] = f"缺少年份{missing}，合计仅含已列年份"
    else:  # stated_rate
        rates = seg["change"].tolist()
        m = compound_rates(rates, seg["years"].tolist())
        row.update(multiple=m, implied_annual=m ** (1 / n) - 1)
        if base_kind == "baseline":
            row["note"] = f"基期{y0}年数值{v0:g}%为当年实际增速，不计入目标"
    ch = seg["change"].tolist()
    row.update(first_change=ch[0], last_change=ch[-1],
               pace=pace(ch, rule, direction, rate_tol, rel_tol),
               segments=_segments_text(seg, rule, unit))
    row["pace_zh"] = PACE_ZH[row["pace"]]
    return row


def growth_table(df: pd.DataFrame, district=None, errors: str = "skip",
                 rate_tol: float = 0.005, rel_tol: float = 0.05,
                 indicator_ids=None, source: str = "table", collapsed=None) -> pd.DataFrame:
    """Growth of every table series (source="best": every plan series, tables completed by
    the narrative, see helpers.series.collapse_best), per district × indicator, with the rule
    used.

    Columns: district, indicator_id, name_zh, measure, unit, direction, rule, rule_zh,
    base_year, base_value, base_kind (baseline | first_target | implicit_zero | none), end_year,
    end_value, years, multiple, implied_annual (fraction/yr), change_per_year, total,
    underlying, first_change, last_change, pace (accelerating|decelerating|steady|
    single_segment), pace_zh, segments (text), note.
    What the numbers mean per rule (NaN where a rule has no such number):
      geometric — multiple v1/v0, implied_annual = CAGR, change_per_year (v1 - v0)/n units/yr;
      linear (cumulative, from 0 at the base year) — change_per_year = average yearly addition,
        total = the cumulative end value;
      flow — base/end are the first/last yearly amounts, total = their sum, change_per_year = mean,
        multiple and implied_annual describe the yearly amount's own growth;
      reduction — multiple = 1 - r (the underlying quantity's multiple), implied_annual =
        1 - (1 - r)^(1/n) (yearly reduction), underlying = the implied path of e.g. 能耗;
      stated_rate — multiple = prod (1 + g)^span over the targets, implied_annual its annual mean;
      percentage_points — change_per_year in pp/yr, multiple and implied_annual relative.
    errors="skip": series that cannot be analysed are left out and listed in
    ``result.attrs["skipped"]`` (district, indicator_id, reason); errors="raise" re-raises.
    indicator_ids: only these series (the rest of ``df`` is still used for underlying values).
    collapsed: helpers.series.collapsed_groups(df, district, source) if already at hand (each
    series collapsed once for growth, milestones and the report).
    """
    rows, skipped = [], []
    wanted = None if indicator_ids is None else set(indicator_ids)
    if collapsed is None:
        collapsed = collapsed_groups(df, district, source)
    for (slug, iid), series in collapsed.items():
        if wanted is not None and iid not in wanted:
            continue
        try:
            if isinstance(series, AnalysisError):
                raise series
            rows.append(describe_series(df, slug, iid, rate_tol, rel_tol, series=series))
        except AnalysisError as exc:
            if errors == "raise":
                raise
            skipped.append({"district": slug, "indicator_id": iid, "reason": str(exc)})
    out = pd.DataFrame(rows, columns=GROWTH_COLUMNS)
    out.attrs["skipped"] = pd.DataFrame(skipped, columns=["district", "indicator_id", "reason"])
    return out


def series_segments(df: pd.DataFrame, district: str, indicator_id: str) -> pd.DataFrame:
    """The yearly growth implied by successive targets of one table series
    (DataFrame of `segment_changes` plus a `rule` column)."""
    d = resolve_district(district)
    s = table_series(df, d.slug, indicator_id)
    measure, unit = s["measure"].iloc[0], s["unit"].iloc[0]
    pts, _, _ = plan_points(s, measure, d.base_year)
    seg = segment_changes(pts.fillna(0.0), measure, unit)
    seg["rule"] = rule_for(measure)
    return seg
