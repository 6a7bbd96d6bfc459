"""Progress against actual results: were the plans' targets met, on track, or going backwards?

Two published methods, selectable and named in every output row
(see shared notes ``progress-methods.md``):

``opensdg``  Open SDG / Statistics Canada, after Eurostat (open-sdg/sdg-build ``ProgressMeasure.py``):
             ``R = d · cagr_observed / |cagr_required|`` with d = +1 (higher is better) or −1,
             cagr_observed from the base to the latest actual, cagr_required from the base to the
             target. R ≥ 0.95 on track · 0.6–0.95 needs acceleration · 0–0.6 limited · < 0 backwards.
             A base or target of 0 is replaced by 0.001, as Open SDG does (we do the same for a
             zero actual; negative values raise AnalysisError).
``unsd``     UN Statistics Division progress chart: project the latest actual to the target year at
             the observed CAGR, ``v̂_T = v_t · (1 + cagr_observed)^(T − t)``, score
             ``(v̂_T − v_b) / (v_T − v_b)``. ≥ 0.95 on track · 0.10–0.95 needs acceleration ·
             0–0.10 limited (stagnation) · < 0 backwards (regression below the base).

In both, reaching the target overrides the trend (status ``met``). The plans' target types the
methods do not cover are extended as follows (the rule used is named in each row):

* level / stock / index — geometric, as above.
* cumulative (累计新增) — counted from 0 at the end of the district's base year s; linear pace:
  R = (v_t / (t − s)) / (v_T / (T − s)); the UNSD linear projection gives the same number.
* flow (每年新增) — the latest actual year that has its own target: R = v_t / target_t.
* growth_rate (年均增速) — the latest year's observed growth g_t against that year's target rate
  (or the next milestone's rate when that year has none): R = g_t / |g_req|.
* reduction_rate (累计降低率 vs the base year s) — converted to the intensity index I = 1 − r/100
  (I_s = 1) and judged geometrically as a lower-is-better level; the rate can also be derived from
  actuals of the same-concept level indicator (e.g. 万元增加值能耗) and its base-year value.
* share (占比, %) — percentage points, linear: R = ((s_t − s_b)/(t − b)) / |(s_T − s_b)/(T − b)|;
  UNSD projects linearly in points.
* no plan baseline (e.g. Ouhai, some Beilun rows) — the first actual before the latest one is the
  base (as Open SDG uses the first observation); with a single actual a level or share can only
  be compared with the same year's target (reached → on track, else needs acceleration).
* no target but a baseline (geometric measures only) — Open SDG's no-target rule on the observed
  CAGR: > 1.5 % on track · 0.5–1.5 % needs acceleration · 0–0.5 % limited · < 0 backwards.

Series without any actual after the base year get status ``no_data`` — never a guess.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .catalogue import load_catalogue
from .data import NARRATIVE_SECTION
from .districts import DISTRICTS, resolve_district
from .errors import AnalysisError
from .growth import cagr, path_value

#: Status keys in report order, with their Chinese labels.
STATUS_ZH: dict[str, str] = {
    "met": "已达标", "on_track": "进度正常", "needs_acceleration": "需加快",
    "limited": "进展有限", "backwards": "倒退", "no_data": "无数据",
}
STATUSES = tuple(STATUS_ZH)
#: Method key → name shown in reports.
METHODS: dict[str, str] = {
    "opensdg": "Open SDG/Eurostat 增速比（0.95/0.6/0）",
    "unsd": "联合国统计司外推得分（0.95/0.10）",
}
#: (on track, needs acceleration, limited) lower bounds; below the last → backwards.
BANDS: dict[str, tuple[float, float, float]] = {
    "opensdg": (0.95, 0.6, 0.0),
    "unsd": (0.95, 0.10, 0.0),
}
#: Open SDG thresholds on the observed CAGR when there is no target.
NO_TARGET_BANDS = (0.015, 0.005, 0.0)
#: Open SDG's stand-in for a zero base or target in a growth rate.
ZERO_STANDIN = 0.001
GEOMETRIC_MEASURES = ("level", "stock", "index")
OUTPUT_COLUMNS = [
    "district", "district_name", "indicator_id", "indicator", "measure", "direction", "unit",
    "base_year", "base_value", "base_kind", "target_year", "target_value",
    "latest_actual_year", "latest_actual", "year_target", "year_target_met",
    "observed", "required", "projected", "ratio_or_score", "method", "rule", "rule_zh",
    "status", "status_zh", "actual_source",
]


# --------------------------------------------------------------------------- formulas

def reached(actual: float, target: float, direction: str) -> bool:
    """True when the actual is at or beyond the target in the good direction
    (≥ for higher-is-better, ≤ for lower-is-better; equality within 1e-9 relative)."""
    if math.isclose(actual, target, rel_tol=1e-9, abs_tol=1e-12):
        return True
    return actual > target if direction == "higher" else actual < target


def band_status(value: float, bands: tuple[float, float, float]) -> str:
    """Status for a ratio or score: ≥ bands[0] on_track, ≥ bands[1] needs_acceleration,
    ≥ bands[2] limited, else backwards."""
    high, med, low = bands
    if value >= high:
        return "on_track"
    if value >= med:
        return "needs_acceleration"
    if value >= low:
        return "limited"
    return "backwards"


def _sign(direction: str) -> int:
    return 1 if direction == "higher" else -1


def _positive(v: float, what: str) -> float:
    if v < 0:
        raise AnalysisError(f"a geometric growth rate needs positive values; {what} is {v:g}")
    return ZERO_STANDIN if v == 0 else v


def geometric_ratio(v_b: float, b: int, v_t: float, t: int, v_T: float, T: int,
                    direction: str) -> tuple[float, float, float]:
    """Open SDG: ``(cagr_obs, cagr_req, R)`` with cagr_obs = (v_t/v_b)^(1/(t−b)) − 1,
    cagr_req = (v_T/v_b)^(1/(T−b)) − 1, R = d · cagr_obs / |cagr_req| (R is NaN when the
    target equals the base: no growth is required)."""
    v_b, v_T = _positive(v_b, "the base"), _positive(v_T, "the target")
    obs = cagr(v_b, _positive(v_t, "the actual"), t - b)
    req = cagr(v_b, v_T, T - b)
    ratio = math.nan if req == 0 else _sign(direction) * obs / abs(req)
    return obs, req, ratio


def geometric_projection_score(v_b: float, b: int, v_t: float, t: int, v_T: float,
                               T: int) -> tuple[float, float, float]:
    """UNSD: ``(cagr_obs, v̂_T, score)`` with v̂_T = v_t·(1 + cagr_obs)^(T − t) and
    score = (v̂_T − v_b)/(v_T − v_b) (NaN when the target equals the base)."""
    obs = cagr(_positive(v_b, "the base"), _positive(v_t, "the actual"), t - b)
    projected = v_t * (1 + obs) ** (T - t)
    score = math.nan if v_T == v_b else (projected - v_b) / (v_T - v_b)
    return obs, projected, score


def linear_ratio(v_b: float, b: int, v_t: float, t: int, v_T: float, T: int,
                 direction: str) -> tuple[float, float, float]:
    """Linear pace (units or percentage points per year): ``(obs, req, R)`` with
    obs = (v_t − v_b)/(t − b), req = (v_T − v_b)/(T − b), R = d · obs / |req|."""
    obs = (v_t - v_b) / (t - b)
    req = (v_T - v_b) / (T - b)
    ratio = math.nan if req == 0 else _sign(direction) * obs / abs(req)
    return obs, req, ratio


def linear_projection_score(v_b: float, b: int, v_t: float, t: int, v_T: float,
                            T: int) -> tuple[float, float, float]:
    """UNSD score with a linear projection: ``(obs, v̂_T, score)``, obs = (v_t − v_b)/(t − b),
    v̂_T = v_t + obs·(T − t), score = (v̂_T − v_b)/(v_T − v_b)."""
    obs = (v_t - v_b) / (t - b)
    projected = v_t + obs * (T - t)
    score = math.nan if v_T == v_b else (projected - v_b) / (v_T - v_b)
    return obs, projected, score


def intensity_index(reduction_pct: float) -> float:
    """A cumulative reduction rate in % → the index relative to the base year: 1 − r/100."""
    if reduction_pct >= 100:
        raise AnalysisError(f"a reduction of {reduction_pct:g}% leaves nothing to measure")
    return 1 - reduction_pct / 100


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class PlanSeries:
    """One district × indicator from the plan tables: baseline and targets by year."""
    district: str
    indicator_id: str
    indicator: str
    measure: str
    direction: str
    unit: str
    concept: str
    baseline: tuple[int, float] | None
    targets: dict[int, float]
    plan_start: int  # the district's base year: cumulative counts are 0 at its end
    from_narrative: bool = False


@dataclass(frozen=True)
class Actual:
    value: float
    source: str


@dataclass
class Result:
    """The assessment of one series, filled step by step."""
    base_year: int | None = None
    base_value: float | None = None
    base_kind: str = "none"
    target_year: int | None = None
    target_value: float | None = None
    actual_year: int | None = None
    actual_value: float | None = None
    year_target: float | None = None
    observed: float = math.nan
    required: float = math.nan
    projected: float = math.nan
    ratio: float = math.nan
    status: str = "no_data"
    rule: list[str] = field(default_factory=list)
    rule_zh: list[str] = field(default_factory=list)
    source: str = ""
    method: str = ""

    def say(self, en: str, zh: str) -> None:
        self.rule.append(en)
        self.rule_zh.append(zh)


def _unique_values(points: list[tuple[int, float]], what: str) -> dict[int, float]:
    out: dict[int, set[float]] = {}
    for year, value in points:
        out.setdefault(int(year), set()).add(float(value))
    for year, values in out.items():
        if len(values) > 1:
            raise AnalysisError(f"{what} {year}: sources disagree ({sorted(values)})")
    return {y: next(iter(v)) for y, v in out.items()}


def plan_series(targets_df: pd.DataFrame) -> list[PlanSeries]:
    """The plan's series (table sections; narrative 正文 only where no table prints the series
    and its values agree), in order of first appearance. Rows with role "actual" are ignored."""
    need = ["district", "indicator_id", "year", "value", "role", "section"]
    missing = set(need) - set(targets_df.columns)
    if missing:
        raise AnalysisError(f"targets_df lacks columns {sorted(missing)}; pass load_indicators() output")
    cat = load_catalogue()
    grouped: dict[tuple[str, str], list[tuple]] = {}
    for district, iid, year, value, role, section in zip(*(targets_df[c] for c in need)):
        if role in ("baseline", "target"):
            grouped.setdefault((district, iid), []).append((role, int(year), float(value),
                                                           section == NARRATIVE_SECTION))
    out = []
    for (district, iid), rows in grouped.items():
        from_narrative = all(r[3] for r in rows)
        use = [r for r in rows if r[3] == from_narrative]
        what = f"{district} {iid}"
        try:
            base = _unique_values([(y, v) for role, y, v, _ in use if role == "baseline"], f"{what} baseline")
            targets = _unique_values([(y, v) for role, y, v, _ in use if role == "target"], f"{what} target")
        except AnalysisError:
            if not from_narrative:
                raise
            continue  # narrative-only series whose statements disagree: left to the audit
        entry = cat[iid]
        first_target = min(targets) if targets else None
        baseline = None
        candidates = [y for y in base if first_target is None or y < first_target]
        if candidates:
            y = max(candidates)
            baseline = (y, base[y])
        start = DISTRICTS[district].base_year
        if first_target is not None:
            start = min(start, first_target - 1)
        out.append(PlanSeries(district, iid, entry["name_zh"], entry["measure"], entry["direction"],
                              entry["unit"], entry["concept"], baseline, targets, start,
                              from_narrative))
    return out


def actual_series(actuals_df: pd.DataFrame) -> dict[tuple[str, str], dict[int, Actual]]:
    """(district, indicator_id) → year → Actual (value, source text). Rows for the same year
    must agree (load_actuals guarantees it); several sources are joined with "；"."""
    out: dict[tuple[str, str], dict[int, Actual]] = {}
    if actuals_df is None or len(actuals_df) == 0:
        return out
    acts = actuals_df[actuals_df["role"] == "actual"] if "role" in actuals_df else actuals_df
    for row in acts.itertuples(index=False):
        src = f"{row.quote}（{row.source_file} 第{row.source_line}行）"
        if getattr(row, "note", ""):
            src += f"［{row.note}］"
        series = out.setdefault((row.district, row.indicator_id), {})
        prev = series.get(int(row.year))
        if prev is None:
            series[int(row.year)] = Actual(float(row.value), src)
        elif not math.isclose(prev.value, row.value, rel_tol=1e-9):
            raise AnalysisError(f"{row.district} {row.indicator_id} {row.year}: actuals disagree "
                                f"({prev.value:g} vs {row.value:g})")
        else:
            series[int(row.year)] = Actual(prev.value, prev.source + "；" + src)
    return out


def derived_reductions(plan: PlanSeries, all_plans: list[PlanSeries],
                       actuals: dict[tuple[str, str], dict[int, Actual]]) -> dict[int, Actual]:
    """Cumulative reduction rates (%) derived from actuals of the lower-is-better level indicator
    with the same concept and a baseline in the plan's start year: r_t = (1 − v_t / v_s) · 100."""
    for other in all_plans:
        if (other.district != plan.district or other.concept != plan.concept
                or other.measure not in GEOMETRIC_MEASURES or other.direction != "lower"
                or other.baseline is None or other.baseline[0] != plan.plan_start):
            continue
        level = actuals.get((other.district, other.indicator_id), {})
        v_s = other.baseline[1]
        return {y: Actual((1 - a.value / v_s) * 100,
                          f"由{other.indicator}实际值 {a.value:g} {other.unit} 与{plan.plan_start}年"
                          f"基期值 {v_s:g} 换算：{a.source}")
                for y, a in level.items() if y > plan.plan_start}
    return {}


# --------------------------------------------------------------------------- assessment

def _pick_year(years: list[int], target_year: int) -> int:
    """The latest actual year up to the target year, else the earliest one after it."""
    upto = [y for y in years if y <= target_year]
    return max(upto) if upto else min(years)


def _interpolate(points: dict[int, float], year: int, measure: str) -> float | None:
    """The value at ``year`` on the plan's own path: exact, or between the nearest known years
    on either side by the measure's path (helpers.growth.path_value: geometric for levels,
    constant yearly reduction for reduction rates, linear otherwise); None outside them."""
    if year in points:
        return points[year]
    before = [y for y in points if y < year]
    after = [y for y in points if y > year]
    if not before or not after:
        return None
    y0, y1 = max(before), min(after)
    try:
        return path_value(points[y0], points[y1], y0, y1, year, measure)
    except AnalysisError:  # e.g. a non-positive level: no geometric path, take the straight line
        return points[y0] + (points[y1] - points[y0]) * (year - y0) / (y1 - y0)


def _final_target(plan: PlanSeries, target_year: int | None) -> tuple[int, float] | None:
    if not plan.targets:
        return None
    if target_year is None:
        y = max(plan.targets)
        return y, plan.targets[y]
    return (target_year, plan.targets[target_year]) if target_year in plan.targets else None


def _grade(res: Result, method: str, deadline: bool, direction: str) -> None:
    """Status from the target-met override, then the method's bands; a missed deadline caps the
    status at needs_acceleration."""
    if reached(res.actual_value, res.target_value, direction):
        res.status = "met"
        res.say("target met (overrides trend)", f"{res.actual_year}年实际值已达到{res.target_year}年目标（达标优先于趋势）")
        return
    if math.isnan(res.ratio):
        res.status = "backwards"
        res.say("no change required (target equals the start) and the actual falls short: backwards",
                "目标等于起点、无需变化，实际值未达到，判为倒退")
        return
    res.status = band_status(res.ratio, BANDS[method])
    if deadline and res.actual_year >= res.target_year and res.status == "on_track":
        res.status = "needs_acceleration"
        res.say("target year passed unmet: capped at needs_acceleration",
                "目标年已到而未达标，最高判为需加快")


def _say_no_actual(res: Result, acts: dict[int, Actual]) -> None:
    if acts:
        res.say("no actual after the base year", "基期之后无实际值")
    else:
        res.say("no actual values", "无实际值")


def _assess_trend(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                  target: tuple[int, float]) -> None:
    """Level, stock, index, share, cumulative, reduction_rate: a path from a start point."""
    T, v_T = target
    res.target_year, res.target_value = T, v_T
    m = plan.measure
    if m in ("cumulative", "reduction_rate"):
        start = (plan.plan_start, 0.0)
        res.base_kind = "zero_at_plan_start"
        if m == "cumulative":
            res.say(f"cumulative: counted from 0 at end of {plan.plan_start}",
                    f"累计量自{plan.plan_start}年末从0起算")
            if plan.baseline is not None:
                res.say("plan baseline not used (a one-year figure, not part of the count)",
                        f"方案{plan.baseline[0]}年数值为当年量，不计入累计")
        else:
            res.say(f"reduction rate: 0 at {plan.plan_start}, judged on index 1 - r/100",
                    f"累计降低率：{plan.plan_start}年为0，换算为强度指数 1−降低率")
    elif plan.baseline is not None and plan.baseline[0] < T:
        start = plan.baseline
        res.base_kind = "plan_baseline"
        res.say(f"base = plan baseline {start[0]}", f"基期为方案{start[0]}年基期值")
    else:
        start = None
    if start is not None:
        res.base_year, res.base_value = start
    after = [y for y in acts if y > (start[0] if start else plan.plan_start)]
    if not after:
        _say_no_actual(res, acts)
        return
    t = _pick_year(after, T)
    res.actual_year, res.actual_value, res.source = t, acts[t].value, acts[t].source
    if t > T:
        res.say("latest actual is after the target year", f"实际值年份（{t}）晚于目标年")
    geometric = m in GEOMETRIC_MEASURES or m == "reduction_rate"
    if start is None:
        earlier = [y for y in acts if y < t]
        if earlier:
            a0 = min(earlier)
            start = (a0, acts[a0].value)
            res.base_kind = "first_actual"
            res.say(f"no plan baseline: base = first actual {a0}",
                    f"方案无基期值，以首个实际值（{a0}年）为基期")
    path = dict(plan.targets)
    if start is not None:
        path.setdefault(start[0], start[1])
    res.year_target = _interpolate(path, t, m)
    if start is None:
        _assess_same_year(plan, res)
        return
    res.base_year, res.base_value = start
    b, v_b, v_t = start[0], start[1], res.actual_value
    if m == "reduction_rate":  # the index 1 - r/100 is a lower-is-better level with base 1
        x_b, x_t, x_T, d = 1.0, intensity_index(v_t), intensity_index(v_T), "lower"
    else:
        x_b, x_t, x_T, d = v_b, v_t, v_T, plan.direction
    if geometric:
        res.observed, res.required, ratio = geometric_ratio(x_b, b, x_t, t, x_T, T, d)
        _, projected, score = geometric_projection_score(x_b, b, x_t, t, x_T, T)
    else:
        res.observed, res.required, ratio = linear_ratio(x_b, b, x_t, t, x_T, T, d)
        _, projected, score = linear_projection_score(x_b, b, x_t, t, x_T, T)
    res.projected = (1 - projected) * 100 if m == "reduction_rate" else projected
    res.ratio = ratio if method == "opensdg" else score
    what_en, rate_zh = {
        "reduction_rate": ("intensity index, geometric", "强度指数年均降幅"),
        "share": ("linear, percentage points", "年均变化（百分点）"),
        "cumulative": ("linear, count per year", "年均新增"),
    }.get(m, ("geometric", "年均增速"))
    if method == "opensdg":
        res.say(f"opensdg ({what_en}): R = d * observed rate / |required rate|",
                f"Open SDG：实际{rate_zh}÷所需{rate_zh}")
    else:
        res.say(f"unsd ({what_en}): projected to {T} at the observed rate; "
                "score = (projected - base)/(target - base)",
                f"UNSD：按实际{rate_zh}外推至{T}年，得分=(外推值−基期值)/(目标值−基期值)")
    _grade(res, method, deadline=True, direction=plan.direction)


#: How ``_interpolate`` fills a year between two targets, by measure, for the reader.
INTERPOLATION_ZH = {"level": "几何插值", "stock": "几何插值", "index": "几何插值",
                    "reduction_rate": "按年均降幅插值"}


def _assess_same_year(plan: PlanSeries, res: Result) -> None:
    """No base at all: compare the actual with the plan's target for the same year only
    (interpolated between neighbouring target years; after the target year, the final target)."""
    t = res.actual_year
    if reached(res.actual_value, res.target_value, plan.direction):
        res.status = "met"
        res.say("no base; final target met", f"无基期值；{t}年实际值已达到{res.target_year}年目标")
        return
    if t in plan.targets:
        how_en, how_zh = "", ""
    elif t > res.target_year:
        res.year_target = res.target_value
        how_en, how_zh = " (after the target year: final target)", "（目标年已过，取最终目标）"
    else:
        how_en = " (interpolated)"
        how_zh = f"（{INTERPOLATION_ZH.get(plan.measure, '线性插值')}）"
    if res.year_target is None:
        res.status = "no_data"
        res.say("no base and no target for the actual's year: cannot be assessed",
                f"无基期值，{t}年也无可比目标，无法评估")
        return
    ok = reached(res.actual_value, res.year_target, plan.direction)
    res.status = "on_track" if ok and t < res.target_year else "needs_acceleration"
    res.say(f"no base: compared with the {t} target only{how_en}; {'reached' if ok else 'not reached'}",
            f"无基期值：仅与{t}年目标{how_zh}比较，{'已达到' if ok else '未达到'}当年目标")


def _assess_flow(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                 target_year: int | None = None) -> None:
    """Yearly flows: the latest actual year (up to ``target_year``) that has its own target,
    R = d·v_t / |target_t|; that year is over, so a missed target is at best needs_acceleration."""
    if plan.direction != "higher":
        raise AnalysisError(f"{plan.district} {plan.indicator_id}: no rule for a lower-is-better flow")
    years = [y for y in acts if y in plan.targets and y > plan.plan_start
             and (target_year is None or y <= target_year)]
    if not years:
        res.say("no actual in a year with a yearly target",
                "无与年度目标同年的实际值" if acts else "无实际值")
        return
    t = max(years)
    _ratio_to_year_target(res, acts[t], t, t, plan.targets[t], "zero")
    res.say(f"flow: actual {t} / target {t}", f"年度流量：{t}年实际÷{t}年目标")
    _grade(res, method, deadline=True, direction=plan.direction)


def _ratio_to_year_target(res: Result, actual: Actual, year: int, target_year: int,
                          target: float, base_kind: str) -> None:
    """Flows and growth-rate targets: no path, just R = actual / |target| (NaN for a zero
    target), with the actual and the target it is held against recorded on ``res``."""
    res.actual_year, res.actual_value, res.source = year, actual.value, actual.source
    res.target_year, res.target_value, res.year_target = target_year, target, target
    res.base_kind = base_kind
    res.observed, res.required = actual.value, target
    res.ratio = math.nan if target == 0 else actual.value / abs(target)


def _growth_target_year(plan: PlanSeries, t: int) -> int:
    if t in plan.targets:
        return t
    later = [y for y in plan.targets if y > t]
    return min(later) if later else max(plan.targets)


def _assess_growth(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                   target_year: int | None = None) -> None:
    """Growth-rate targets: the latest observed yearly growth (up to ``target_year``) against
    that year's target rate; when that year has its own target and it was missed, the status
    is at best needs_acceleration."""
    if plan.direction != "higher":
        raise AnalysisError(f"{plan.district} {plan.indicator_id}: no rule for a lower-is-better growth target")
    years = [y for y in acts if y > plan.plan_start and (target_year is None or y <= target_year)]
    if not years:
        _say_no_actual(res, acts)
        return
    t = max(years)
    ty = _growth_target_year(plan, t)
    _ratio_to_year_target(res, acts[t], t, ty, plan.targets[ty], "none_needed")
    which = "" if ty == t else f"（当年无目标，取{ty}年目标增速）"
    res.say(f"growth rate: observed {t} / target rate {ty} (pp ratio, base not used)",
            f"增速目标：{t}年实际增速÷目标增速{which}")
    _grade(res, method, deadline=True, direction=plan.direction)


def _assess_no_target(plan: PlanSeries, acts: dict[int, Actual], res: Result) -> bool:
    """Open SDG's rule without a target (geometric measures only). False when not applicable."""
    if plan.measure not in GEOMETRIC_MEASURES:
        return False
    start = plan.baseline
    after = [y for y in acts if y > (start[0] if start else plan.plan_start)]
    if not after:
        return False
    t = max(after)
    if start is None:
        earlier = [y for y in acts if y < t]
        if not earlier:
            return False
        start = (min(earlier), acts[min(earlier)].value)
        res.base_kind = "first_actual"
    else:
        res.base_kind = "plan_baseline"
    res.base_year, res.base_value = start
    res.actual_year, res.actual_value, res.source = t, acts[t].value, acts[t].source
    growth = cagr(_positive(start[1], "the base"), _positive(acts[t].value, "the actual"),
                  t - start[0])
    res.observed = growth
    improvement = _sign(plan.direction) * growth
    res.status = band_status(improvement, NO_TARGET_BANDS)
    res.method = "opensdg"
    res.say(f"no target: Open SDG no-target rule on d * cagr = {improvement:+.2%}/yr "
            "(bands 1.5% / 0.5% / 0; no ratio)",
            f"无目标：Open SDG 无目标规则，按改善方向计观测年均变化{improvement * 100:+.2f}%"
            "（≥1.5% 进度正常，0.5%–1.5% 需加快，0–0.5% 进展有限，<0 倒退）")
    return True


def assess_series(plan: PlanSeries, acts: dict[int, Actual], method: str = "opensdg",
                  target_year: int | None = None, derived: bool = False) -> dict | None:
    """One output row (see OUTPUT_COLUMNS) for a plan series and its actuals; None when the
    series has no target (and the no-target rule does not apply) or no target in target_year."""
    res = Result(method=method)
    if plan.from_narrative:
        res.say("targets from the narrative (no table prints this series)", "目标取自正文（附表未列）")
    if derived:
        res.say("actuals derived from the same-concept level indicator", "实际值由同口径强度指标换算")
    target = _final_target(plan, target_year)
    if target is None:
        if target_year is not None or not _assess_no_target(plan, acts, res):
            return None
    elif plan.measure == "flow":
        _assess_flow(plan, acts, method, res, target_year)
    elif plan.measure == "growth_rate":
        _assess_growth(plan, acts, method, res, target_year)
    else:
        _assess_trend(plan, acts, method, res, target)
    if res.status == "no_data" and res.target_year is None and target is not None:
        res.target_year, res.target_value = target
    year_target_met = (None if res.year_target is None or res.actual_value is None
                       else reached(res.actual_value, res.year_target, plan.direction))
    return {
        "district": plan.district, "district_name": DISTRICTS[plan.district].name,
        "indicator_id": plan.indicator_id, "indicator": plan.indicator, "measure": plan.measure,
        "direction": plan.direction, "unit": plan.unit,
        "base_year": res.base_year, "base_value": res.base_value, "base_kind": res.base_kind,
        "target_year": res.target_year, "target_value": res.target_value,
        "latest_actual_year": res.actual_year, "latest_actual": res.actual_value,
        "year_target": res.year_target, "year_target_met": year_target_met,
        "observed": res.observed, "required": res.required, "projected": res.projected,
        "ratio_or_score": res.ratio,
        "method": res.method, "rule": "; ".join(res.rule), "rule_zh": "；".join(res.rule_zh),
        "status": res.status, "status_zh": STATUS_ZH[res.status], "actual_source": res.source,
    }


def assess_progress(targets_df: pd.DataFrame, actuals_df: pd.DataFrame | None,
                    method: str = "opensdg", target_year: int | None = None) -> pd.DataFrame:
    """Status of every plan series against the actuals, one row per district × indicator.

    targets_df: load_indicators() output (baseline and target rows; narrative used only for
    series no table prints). actuals_df: load_actuals() output (may be empty or None).
    method: "opensdg" or "unsd" (see the module docstring for formulas and extensions).
    target_year: judge against that year's targets (e.g. 2023 mid-term); default the last one.
    Columns: OUTPUT_COLUMNS; ``rule``/``rule_zh`` say how each row was judged; ratio_or_score is
    NaN where no ratio or score applies (no_data, same-year comparison, target equal to base,
    no target: the no-target rule judges the observed growth, which is in ``observed``).
    ``observed``/``required`` are in each rule's own terms: fractions/yr for geometric rules,
    units or pp per year for linear ones, the amount for flows, percent for growth-rate targets.
    Status ∈ met / on_track / needs_acceleration / limited / backwards / no_data.
    """
    if method not in METHODS:
        raise AnalysisError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    plans = plan_series(targets_df)
    actuals = actual_series(actuals_df)
    rows = []
    for plan in plans:
        acts = actuals.get((plan.district, plan.indicator_id), {})
        derived = False
        if plan.measure == "reduction_rate" and not acts:
            acts = derived_reductions(plan, plans, actuals)
            derived = bool(acts)
        row = assess_series(plan, acts, method, target_year, derived)
        if row is not None:
            rows.append(row)
    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for col in ("base_year", "target_year", "latest_actual_year"):
        out[col] = out[col].astype("Int64")
    for col in ("base_value", "target_value", "latest_actual", "year_target", "observed",
                "required", "projected", "ratio_or_score"):
        out[col] = out[col].astype(float)
    out["year_target_met"] = out["year_target_met"].astype("boolean")
    return out


# --------------------------------------------------------------------------- report helpers

def progress_summary(assessment: pd.DataFrame) -> pd.DataFrame:
    """Counts per status, all six in report order (index: status key).
    Columns: 状态 (Chinese label), 指标数 (count), 占比 (% of rows; 0 when there are none)."""
    counts = assessment["status"].value_counts() if len(assessment) else pd.Series(dtype=int)
    unknown = set(counts.index) - set(STATUSES)
    if unknown:
        raise AnalysisError(f"unknown status values {sorted(unknown)}")
    n = [int(counts.get(s, 0)) for s in STATUSES]
    total = sum(n)
    return pd.DataFrame({
        "状态": [STATUS_ZH[s] for s in STATUSES],
        "指标数": n,
        "占比": [round(100 * k / total, 1) if total else 0.0 for k in n],
    }, index=pd.Index(STATUSES, name="status"))


def actual_points(actuals_df: pd.DataFrame | None, district: str) -> pd.DataFrame:
    """Actual values of one district for chart overlays, one row per indicator × year.

    Columns: indicator_id, indicator, year, value, unit, source (title + URL/document, file and
    line; several sources joined with "；"). Empty (same columns) when there are no actuals.
    """
    slug = resolve_district(district).slug
    cols = ["indicator_id", "indicator", "year", "value", "unit", "source"]
    if actuals_df is None or len(actuals_df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else (int if c == "year" else str))
                             for c in cols})
    series = actual_series(actuals_df[actuals_df["district"] == slug])
    cat = load_catalogue()
    rows = [{"indicator_id": iid, "indicator": cat[iid]["name_zh"], "year": y, "value": a.value,
             "unit": cat[iid]["unit"], "source": a.source}
            for (_, iid), years in series.items() for y, a in years.items()]
    out = pd.DataFrame(rows, columns=cols)
    if len(out) == 0:
        return actual_points(None, slug)
    return out.sort_values(["indicator_id", "year"]).reset_index(drop=True).astype({"year": int})
