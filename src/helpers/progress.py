"""Progress against actual results: were the plans' targets met, on track, or going backwards?

Two published methods, selectable and named in every output row
(see shared notes ``progress-methods.md``):

``opensdg``  Open SDG / Statistics Canada, after Eurostat (open-sdg/sdg-build ``ProgressMeasure.py``):
             ``R = d · cagr_observed / |cagr_required|`` with d = +1 (higher is better) or −1,
             cagr_observed from the base to the latest actual, cagr_required from the base to the
             target. R ≥ 0.95 on track · 0.6–0.95 needs acceleration · 0–0.6 limited · < 0 backwards.
             A target or actual of 0 is replaced by 0.001, as Open SDG does; a zero or negative
             base switches to the linear rule (see below).
``unsd``     UN Statistics Division progress chart: project the latest actual to the target year at
             the observed CAGR, ``v̂_T = v_t · (1 + cagr_observed)^(T − t)``, score
             ``(v̂_T − v_b) / (v_T − v_b)``. ≥ 0.95 on track · 0.10–0.95 needs acceleration ·
             0–0.10 limited (stagnation) · < 0 backwards (regression below the base)
             (SDG Progress Chart 2023 Technical Note, https://unstats.un.org/sdgs/files/report/
             2023/Progress_Chart_Technical_Note_2023.pdf; its 0.95 / 0.10 bands, restated in
             EUSTAT-DES/site ``_pages/en/metodologia.md``).

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
* no target but a baseline (geometric measures only) — the method's own no-target rule on the
  observed CAGR (sign-adjusted for lower-is-better):
  Open SDG (open-sdg/sdg-build ``sdg/ProgressMeasure.py``, open-sdg ``docs/progress-methodology.md``):
  ≥ 1.5 % on track · 0.5–1.5 % needs acceleration · 0–0.5 % limited · < 0 backwards;
  UNSD (Progress Chart 2023 Technical Note, https://unstats.un.org/sdgs/files/report/2023/
  Progress_Chart_Technical_Note_2023.pdf, as restated by EUSTAT-DES/site ``_pages/en/metodologia.md``):
  CAGR ≥ 2 % on track · 0.5–2 % fair progress, acceleration needed · < 0.5 % stagnation or
  regression (for lower-is-better: ≤ −2 % · −2 to −0.5 % · > −0.5 %). UNSD's last category is split
  here at 0 into limited (stagnation) and backwards (regression), as for the scored case.
* direction check — a series that moved against its direction since the base (a falling
  higher-is-better series) and has not met the target is ``backwards`` whatever the score says
  (UNSD's score can exceed 0.95 when a higher-is-better target lies below the base).
* zero or negative base (or a negative actual/target) — a geometric rate means nothing; the
  linear rule of the same method is used instead and named (Open SDG's stand-in 0.001 for a zero
  base would turn any actual into a huge growth rate). A zero target keeps Open SDG's stand-in.

Forms in which results are published (``form`` column of the actuals, see helpers.actuals):

* ``level`` — the value in the target's own form (for flows the year's count, for growth-rate
  targets the year's growth, for shares the share): the rules above.
* ``added_in_year`` — cumulative target: summed into the cumulative count only when every year
  from the plan's start to the actual's year is present, then judged as a cumulative; otherwise
  the latest year's addition against the plan path's required addition in that year,
  R = a_t / (P(t) − P(t−1)). Stock, level or index target: against the required yearly increase
  of the plan path in that year, never against the stock itself. Flow target: the flow itself.
* ``growth_rate`` — level, stock or index target: the year's growth g_t against the plan path's
  growth that year, P(t)/P(t−1) − 1 (Open SDG: R = d·g_t/|req|; UNSD: the change achieved if
  g_t held for the years left, ((1+g)^n − 1)/((1+req)^n − 1), n = T − t + 1). Reduction-rate
  target: the intensity's yearly change against the index path's. Growth-rate target: itself.
* ``share`` — the share itself for a share target; not applicable to other targets.

P is the plan's own path (helpers.growth.path_value between the printed base and targets).
A form that does not fit the target type is shown with its source and excluded with the reason.

Scope (``scope`` column): a plan indicator's scope is read from its printed names and catalogue
name — 区本级 when a name says 区本级, else 全区; 规上 when it says 规上/规模以上. A result whose
scope names another area (区本级 vs 全区), 规上 for an indicator that is not, or any other text
(e.g. 数字化车间与智能工厂合计) is excluded from the status with its source and the reason. An
empty scope counts and the rule says it was not stated.

Bad actuals never abort the table: a negative count, level or addition, a share outside 0–100 %,
a growth of −100 % or less, a reduction of 100 % or more is excluded from its indicator with a
note naming file, line and indicator; actuals in a unit that differs from the target's are
converted (万元 ↔ 亿元) or, if any cannot be, the series is not assessed (mixed units); a series
that cannot be judged at all gets status ``not_assessed`` with the reason.

Series without any actual after the base year get status ``no_data`` — never a guess.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from .catalogue import load_catalogue
from .data import NARRATIVE_SECTION
from .districts import DISTRICTS, resolve_district
from .errors import AnalysisError
from .growth import cagr, path_value
from .pages import label_table

#: Status keys in report order, with their Chinese labels.
STATUS_ZH = label_table("progress_status")  # labels/zh.toml
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
#: Thresholds on the sign-adjusted observed CAGR when there is no target, per method:
#: Open SDG 1.5 % / 0.5 % / 0; UNSD Progress Chart 2023 Technical Note 2 % / 0.5 % (split at 0).
NO_TARGET_BANDS: dict[str, tuple[float, float, float]] = {
    "opensdg": (0.015, 0.005, 0.0),
    "unsd": (0.02, 0.005, 0.0),
}
#: Open SDG's stand-in for a zero base or target in a growth rate.
ZERO_STANDIN = 0.001
GEOMETRIC_MEASURES = ("level", "stock", "index")
OUTPUT_COLUMNS = [
    "district", "district_name", "indicator_id", "indicator", "measure", "direction", "unit",
    "base_year", "base_value", "base_kind", "target_year", "target_value",
    "latest_actual_year", "latest_actual", "year_target", "year_target_met",
    "observed", "required", "projected", "ratio_or_score", "method", "rule", "rule_zh",
    "status", "status_zh", "actual_source", "form", "form_zh", "scope", "plan_scope", "excluded",
]
#: Form of a result → Chinese label (helpers.actuals.FORMS).
FORMS_ZH = label_table("progress_form")  # labels/zh.toml


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
    names: tuple[str, ...] = ()  # printed names of the series (and the catalogue's), for scope
    problem: str = ""  # why the plan itself cannot be judged (e.g. its sources disagree)

    @property
    def scope(self) -> tuple[str, bool]:
        """(area, above-scale): 区本级 if a printed name says so, else 全区; 规上 likewise."""
        area = "区本级" if any("区本级" in n for n in self.names) else "全区"
        return area, any(("规上" in n or "规模以上" in n) for n in self.names)

    @property
    def scope_zh(self) -> str:
        area, above = self.scope
        return area + ("·规上" if above else "")


@dataclass(frozen=True)
class Actual:
    value: float
    source: str
    year: int = 0
    form: str = "level"
    scope: str = ""
    unit: str = ""
    where: str = ""  # "file 第N行"
    indicator: str = ""  # the name as entered, for notes


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
    form: str = ""
    scope: str = ""
    excluded: list[str] = field(default_factory=list)
    moved: float = math.nan  # change since the base in the good direction (direction check)
    can_meet: bool = True  # False where the form cannot show the target was reached

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
    and its values agree), in order of first appearance. Rows with role "actual" are ignored.
    A table series whose sources disagree is returned with ``problem`` set (judged as
    not_assessed), never aborting the others."""
    need = ["district", "indicator_id", "year", "value", "role", "section"]
    missing = set(need) - set(targets_df.columns)
    if missing:
        raise AnalysisError(f"targets_df lacks columns {sorted(missing)}; pass load_indicators() output")
    cat = load_catalogue()
    names_col = targets_df["indicator"] if "indicator" in targets_df else pd.Series([""] * len(targets_df))
    grouped: dict[tuple[str, str], list[tuple]] = {}
    for district, iid, year, value, role, section, name in zip(*(targets_df[c] for c in need),
                                                               names_col):
        if role in ("baseline", "target"):
            grouped.setdefault((district, iid), []).append((role, int(year), float(value),
                                                           section == NARRATIVE_SECTION, str(name)))
    out = []
    for (district, iid), rows in grouped.items():
        from_narrative = all(r[3] for r in rows)
        use = [r for r in rows if r[3] == from_narrative]
        what = f"{district} {iid}"
        entry = cat[iid]
        names = tuple(dict.fromkeys([r[4] for r in use] + [entry["name_zh"]]))
        start = DISTRICTS[district].base_year
        try:
            base = _unique_values([(y, v) for role, y, v, *_ in use if role == "baseline"], f"{what} baseline")
            targets = _unique_values([(y, v) for role, y, v, *_ in use if role == "target"], f"{what} target")
        except AnalysisError as exc:
            if from_narrative:
                continue  # narrative-only series whose statements disagree: left to the audit
            out.append(PlanSeries(district, iid, entry["name_zh"], entry["measure"],
                                  entry["direction"], entry["unit"], entry["concept"], None, {},
                                  start, False, names, problem=str(exc)))
            continue
        first_target = min(targets) if targets else None
        baseline = None
        candidates = [y for y in base if first_target is None or y < first_target]
        if candidates:
            y = max(candidates)
            baseline = (y, base[y])
        if first_target is not None:
            start = min(start, first_target - 1)
        out.append(PlanSeries(district, iid, entry["name_zh"], entry["measure"], entry["direction"],
                              entry["unit"], entry["concept"], baseline, targets, start,
                              from_narrative, names))
    return out


def actual_series(actuals_df: pd.DataFrame | None) -> dict[tuple[str, str], list[Actual]]:
    """(district, indicator_id) → the actual rows, each with value, unit, form, scope and its
    source text (quote, file and line, note). Checks of unit, scope and plausibility are made
    per plan series by :func:`usable_actuals`, so one bad row never aborts the table."""
    out: dict[tuple[str, str], list[Actual]] = {}
    if actuals_df is None or len(actuals_df) == 0:
        return out
    acts = actuals_df[actuals_df["role"] == "actual"] if "role" in actuals_df else actuals_df
    has = set(acts.columns)
    for row in acts.to_dict("records"):
        where = f"{row.get('source_file', '')} 第{row.get('source_line', '')}行"
        # the reader sees the source (title, publisher, URL, date, place) and its file line;
        # the row's note is the entering researcher's remark and stays in the CSV
        src = f"{row.get('quote', '')}（{where}）"
        form = str(row["form"]) if "form" in has and row["form"] else "level"
        out.setdefault((row["district"], row["indicator_id"]), []).append(Actual(
            float(row["value"]), src, int(row["year"]), form,
            str(row["scope"]) if "scope" in has and isinstance(row["scope"], str) else "",
            str(row.get("unit", "")), where, str(row.get("indicator", ""))))
    return out


#: Forms that mean the target's own form for a measure (a flow's yearly addition is the flow…).
SAME_AS_LEVEL = {("flow", "added_in_year"), ("growth_rate", "growth_rate"), ("share", "share")}


def _form_for(plan: PlanSeries, form: str) -> str:
    return "level" if (plan.measure, form) in SAME_AS_LEVEL else form


def impossible(plan: PlanSeries, a: Actual) -> str:
    """Why an actual cannot be true for this indicator ('' when it can)."""
    form = _form_for(plan, a.form)
    m = plan.measure
    if form == "growth_rate" or (form == "level" and m == "growth_rate"):
        return "增速不能低于或等于−100%" if a.value <= -100 else ""
    if form == "share" or (form == "level" and m == "share"):
        return "占比应在0–100%之间" if not 0 <= a.value <= 100 else ""
    if form == "level" and m == "reduction_rate":
        return "累计降低率不能达到或超过100%" if a.value >= 100 else ""
    if a.value < 0:
        return "当年新增不能为负数" if form == "added_in_year" else f"{plan.unit}计的数值不能为负数"
    return ""


def scope_verdict(plan: PlanSeries, scope: str) -> str:
    """Why a result of this scope does not count for the plan's indicator ('' when it does).
    See the module docstring for the rule."""
    s = scope.strip()
    if not s:
        return ""
    area, above = plan.scope
    if any(s in n for n in plan.names):
        return ""
    rest = s
    for token in ("区本级", "全区", "规模以上", "规上", "工业", "企业"):
        rest = rest.replace(token, "")
    rest = "".join(ch for ch in rest if ch not in "、，,·/ （）()")
    if rest:
        return f"口径“{s}”与方案指标口径（{plan.scope_zh}）不同"
    a_area = "区本级" if "区本级" in s else ("全区" if "全区" in s else None)
    if a_area and a_area != area:
        return f"口径为{a_area}，方案指标为{area}"
    if ("规上" in s or "规模以上" in s) and not above:
        return "口径为规上，方案指标不限于规上"
    return ""


def usable_actuals(plan: PlanSeries, acts: list[Actual], res: Result) -> dict[str, dict[int, Actual]] | None:
    """form → year → Actual that may be judged, after the checks that exclude an actual from
    this indicator (each noted in ``res.excluded`` with its file, line and source):
    unit (converted 万元 ↔ 亿元, else the whole series is not assessed: mixed units), a year
    before the plan's base year, an impossible value, a scope that differs from the plan's.
    None when the series is not assessed (``res.status`` set)."""
    from .actuals import UNIT_CONVERSIONS
    converted, bad_units = [], set()
    for a in acts:
        expected = "%" if a.form in ("growth_rate", "share") else plan.unit
        if a.unit and a.unit != expected:
            factor = UNIT_CONVERSIONS.get((a.unit, expected))
            if factor is None:
                bad_units.add(a.unit)
                continue
            a = replace(a, value=a.value * factor[0] / factor[1], unit=expected,
                        source=f"{a.source}［换算: 原值 {a.value:g} {a.unit}］")
        converted.append(a)
    if bad_units:
        units = "、".join(sorted(bad_units | {x.unit for x in converted if x.unit}))
        res.status = "not_assessed"
        res.say(f"mixed units ({units}) for a target in {plan.unit}: not assessed",
                f"实际值单位（{units}）与目标单位{plan.unit}不一致且无法换算，单位混杂，不作评估")
        res.excluded += [f"{a.where} {a.year}年 {a.value:g} {a.unit}：单位与目标单位{plan.unit}不符"
                         for a in acts if a.unit in bad_units]
        return None
    forms: dict[str, dict[int, Actual]] = {}
    for a in converted:
        shown = f"{a.where} {a.indicator or plan.indicator} {a.year}年 {a.value:g}{a.unit}"
        if a.year < plan.plan_start:
            res.excluded.append(f"{shown}：早于方案基期（{plan.plan_start}年），未用于评估")
            continue
        why = impossible(plan, a)
        if why:
            res.excluded.append(f"{shown}：{why}，不合理，未用于评估")
            continue
        why = scope_verdict(plan, a.scope)
        if why:
            res.excluded.append(f"{shown}（{FORMS_ZH.get(a.form, a.form)}）：{why}，不计入状态；"
                                f"来源：{a.source}")
            continue
        series = forms.setdefault(_form_for(plan, a.form), {})
        prev = series.get(a.year)
        if prev is None:
            series[a.year] = a
        elif not math.isclose(prev.value, a.value, rel_tol=1e-9):
            res.status = "not_assessed"
            res.say(f"actuals disagree for {a.year} ({prev.value:g} vs {a.value:g})",
                    f"{a.year}年实际值不一致（{prev.where} {prev.value:g}，{a.where} {a.value:g}），不作评估")
            return None
        else:
            series[a.year] = replace(prev, source=prev.source + "；" + a.source,
                                     scope=prev.scope or a.scope)
    return forms


def derived_reductions(plan: PlanSeries, all_plans: list[PlanSeries],
                       actuals: dict[tuple[str, str], list[Actual]]) -> list[Actual]:
    """Cumulative reduction rates (%) derived from level-form actuals of the lower-is-better
    level indicator with the same concept and a baseline in the plan's start year:
    r_t = (1 − v_t / v_s) · 100."""
    for other in all_plans:
        if (other.district != plan.district or other.concept != plan.concept
                or other.measure not in GEOMETRIC_MEASURES or other.direction != "lower"
                or other.baseline is None or other.baseline[0] != plan.plan_start):
            continue
        v_s = other.baseline[1]
        level = [a for a in actuals.get((other.district, other.indicator_id), [])
                 if a.form == "level" and a.year > plan.plan_start and a.unit in ("", other.unit)
                 and a.value >= 0]
        return [replace(a, value=(1 - a.value / v_s) * 100, unit="%",
                        source=f"由{other.indicator}实际值 {a.value:g} {other.unit} 与{plan.plan_start}年"
                               f"基期值 {v_s:g} 换算：{a.source}") for a in level]
    return []


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
    if res.can_meet and reached(res.actual_value, res.target_value, direction):
        res.status = "met"
        res.say("target met (overrides trend)", f"{res.actual_year}年实际值已达到{res.target_year}年目标（达标优先于趋势）")
        return
    if not math.isnan(res.moved) and res.moved < 0:
        res.status = "backwards"
        res.say("moved against its direction since the base and target not met: backwards",
                "自基期以来朝不利方向变化且未达标，判为倒退（方向检查）")
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
    res.moved = _sign(d) * (x_t - x_b)
    if geometric and (x_b <= 0 or x_t < 0 or x_T < 0):
        geometric = False
        res.say(f"base {x_b:g} (or the actual/target) is not positive: a geometric rate means "
                "nothing, linear pace used", f"基期值为{x_b:g}（或实际值、目标值为负），几何增速无意义，改按线性进度评估")
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
    }.get(m, ("geometric", "年均增速") if geometric else ("linear", "年均变化量"))
    if method == "opensdg":
        res.say(f"opensdg ({what_en}): R = d * observed rate / |required rate|",
                f"Open SDG：实际{rate_zh}÷所需{rate_zh}")
    else:
        res.say(f"unsd ({what_en}): projected to {T} at the observed rate; "
                "score = (projected - base)/(target - base)",
                f"UNSD：按实际{rate_zh}外推至{T}年，得分=(外推值−基期值)/(目标值−基期值)")
    _grade(res, method, deadline=True, direction=plan.direction)


#: How ``_interpolate`` fills a year between two targets, by measure, for the reader.
INTERPOLATION_ZH = label_table("progress_interpolation")  # labels/zh.toml


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


def _assess_no_target(plan: PlanSeries, acts: dict[int, Actual], res: Result,
                      method: str = "opensdg") -> bool:
    """The method's own rule without a target (geometric measures only), on the sign-adjusted
    observed CAGR: Open SDG 1.5 % / 0.5 % / 0 (open-sdg/sdg-build ``sdg/ProgressMeasure.py``);
    UNSD 2 % / 0.5 % (SDG Progress Chart 2023 Technical Note,
    https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf), its
    "stagnation or regression" split at 0. False when not applicable."""
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
    res.method = method
    if start[1] <= 0:
        res.status = "not_assessed"
        res.say(f"no target and base {start[1]:g}: no growth rate from a non-positive base",
                f"无目标，基期值为{start[1]:g}，无法计算年均增速，不作评估")
        return True
    growth = cagr(start[1], acts[t].value, t - start[0])
    res.observed = growth
    improvement = _sign(plan.direction) * growth
    high, med, _ = NO_TARGET_BANDS[method]
    res.status = band_status(improvement, NO_TARGET_BANDS[method])
    name_en, name_zh = ("Open SDG", "Open SDG") if method == "opensdg" else \
        ("UNSD Progress Chart 2023", "联合国统计司2023年进展图")
    res.say(f"no target: {name_en} no-target rule on d * cagr = {improvement:+.2%}/yr "
            f"(bands {high:.1%} / {med:.1%} / 0; no ratio)",
            f"无目标：{name_zh}无目标规则，按改善方向计观测年均变化{improvement * 100:+.2f}%"
            f"（≥{high * 100:g}% 进度正常，{med * 100:g}%–{high * 100:g}% 需加快，"
            f"0–{med * 100:g}% 进展有限，<0 倒退）")
    return True


def _judge_level(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                 target: tuple[int, float] | None, target_year: int | None) -> None:
    """The target's own form: the rules of the module docstring by target type."""
    if target is None:
        _assess_no_target(plan, acts, res, method)
    elif plan.measure == "flow":
        _assess_flow(plan, acts, method, res, target_year)
    elif plan.measure == "growth_rate":
        _assess_growth(plan, acts, method, res, target_year)
    else:
        _assess_trend(plan, acts, method, res, target)


def _plan_path(plan: PlanSeries) -> dict[int, float]:
    """Printed points of the plan's path: the start (0 for cumulative counts and reduction
    rates, else the baseline) and every target."""
    path = dict(plan.targets)
    if plan.measure in ("cumulative", "reduction_rate"):
        path.setdefault(plan.plan_start, 0.0)
    elif plan.baseline is not None:
        path.setdefault(*plan.baseline)
    return path


def _latest(acts: dict[int, Actual], plan: PlanSeries, target_year: int | None) -> int | None:
    years = [y for y in acts if y > plan.plan_start and (target_year is None or y <= target_year)]
    return max(years) if years else None


def _path_step(plan: PlanSeries, acts: dict[int, Actual], t: int, target: tuple[int, float],
               res: Result, what_en: str, what_zh: str) -> tuple[float, float, Actual] | None:
    """The plan path's values in t and t − 1 and the actual of year t, for rules that judge one
    year's change (added_in_year, growth_rate); records the actual and target on ``res``
    (neither form can show that a target was met). None, with ``res`` marked not assessed,
    when the path gives no value for one of the two years (no base, no neighbouring target)."""
    path = _plan_path(plan)
    now, before = _interpolate(path, t, plan.measure), _interpolate(path, t - 1, plan.measure)
    a = acts[t]
    res.actual_year, res.actual_value, res.source = t, a.value, a.source
    res.target_year, res.target_value = target
    res.can_meet = False
    if now is None or before is None:
        res.status = "not_assessed"
        res.say(f"the plan path gives no required {what_en} for {t}",
                f"方案路径无法给出{t}年所需{what_zh}（缺少基期值或相邻目标），无法评估")
        return None
    return now, before, a


def _assess_added(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                  target: tuple[int, float], target_year: int | None) -> None:
    """Yearly additions (form added_in_year). Cumulative target with every year from the plan's
    start present: summed into the cumulative count and judged as a cumulative. Otherwise (and
    for stocks, levels, indices) the latest addition a_t against the plan path's required
    addition that year, R = a_t / (P(t) − P(t−1)) — never against the stock itself."""
    t = _latest(acts, plan, target_year)
    if t is None:
        _say_no_actual(res, acts)
        return
    if plan.direction != "higher":
        res.status = "not_assessed"
        res.say("no rule for a yearly addition to a lower-is-better indicator",
                "下降为好的指标无“当年新增”判定规则，不作评估")
        return
    years = list(range(plan.plan_start + 1, t + 1))
    if plan.measure == "cumulative" and all(y in acts for y in years):
        total, sums, sources = 0.0, {}, []
        for y in years:
            total += acts[y].value
            sources.append(f"{y}年 {acts[y].value:g}：{acts[y].source}")
            sums[y] = Actual(total, f"由{years[0]}–{y}年各年新增合计（{'；'.join(sources)}）", y)
        res.say(f"yearly additions {years[0]}-{t} all present: summed into the cumulative count",
                f"{years[0]}–{t}年各年新增齐全，合计为累计值后按累计目标评估")
        _assess_trend(plan, sums, method, res, target)
        return
    step = _path_step(plan, acts, t, target, res, "addition", "新增")
    if step is None:
        return
    now, before, a = step
    req = now - before
    res.base_kind = "plan_path"
    res.year_target = req
    res.observed, res.required = a.value, req
    if req <= 0:
        res.status = "not_assessed"
        res.say(f"the plan path requires no addition in {t}", f"方案路径{t}年无需新增，无法按新增评估")
        return
    res.ratio = a.value / req
    res.status = band_status(res.ratio, BANDS[method])
    kind = "累计目标" if plan.measure == "cumulative" else "存量/水平目标"
    why = "各年新增不全，不合计；" if plan.measure == "cumulative" else "当年新增不与存量比较；"
    res.say(f"added in {t} / required addition on the plan path {t - 1}-{t} "
            f"(not compared with the {plan.measure} itself)",
            f"当年新增：{t}年新增÷方案路径{t}年所需新增（{kind}；{why}仅判断当年进度，不判断是否达标）")


def _assess_growth_form(plan: PlanSeries, acts: dict[int, Actual], method: str, res: Result,
                        target: tuple[int, float], target_year: int | None) -> None:
    """Year-on-year growth g_t (%, form growth_rate) against the plan path's growth that year,
    req = P(t)/P(t−1) − 1 (for a reduction-rate target, of the intensity index 1 − r/100).
    Open SDG: R = d·g/|req|; UNSD: ((1+g)^n − 1)/((1+req)^n − 1), n = T − t + 1 (the change
    achieved if g held for the years left, against the change required)."""
    T = target[0]
    t = _latest(acts, plan, target_year)
    if t is None:
        _say_no_actual(res, acts)
        return
    step = _path_step(plan, acts, t, target, res, "growth", "增速")
    if step is None:
        return
    now, before, a = step
    d = plan.direction
    if plan.measure == "reduction_rate":
        now, before, d = 1 - now / 100, 1 - before / 100, "lower"
    if before <= 0 or now <= 0:
        res.status = "not_assessed"
        res.say("non-positive plan path: no growth rate", "方案路径值非正，无法计算所需增速")
        return
    req = now / before - 1
    g = a.value / 100
    res.base_kind = "plan_path"
    res.observed, res.required = g, req
    if req == 0:
        res.status = "backwards" if _sign(d) * g < 0 else "on_track"
        res.say("the plan path requires no change that year", f"方案路径{t}年无需变化")
        return
    n = T - t + 1
    if method == "opensdg":
        res.ratio = _sign(d) * g / abs(req)
    else:
        res.ratio = ((1 + g) ** n - 1) / ((1 + req) ** n - 1)
    res.status = band_status(res.ratio, BANDS[method])
    what = "强度指数" if plan.measure == "reduction_rate" else ""
    if method == "opensdg":
        res.say(f"growth form: observed {t} growth / required growth on the plan path {t - 1}-{t}",
                f"同比增速：{t}年{what}实际增速÷方案路径{t}年所需增速（仅判断当年进度，不判断是否达标）")
    else:
        res.say(f"growth form, unsd: change if the {t} growth held to {T} / change required",
                f"同比增速（UNSD）：按{t}年{what}实际增速延续至{T}年的变化÷所需变化（仅判断进度，不判断是否达标）")


#: Which forms fit which target types (measure → forms besides level); others are excluded.
FORM_FITS: dict[str, tuple[str, ...]] = {
    "level": ("added_in_year", "growth_rate"), "stock": ("added_in_year", "growth_rate"),
    "index": ("added_in_year", "growth_rate"), "cumulative": ("added_in_year",),
    "reduction_rate": ("growth_rate",), "flow": (), "growth_rate": (), "share": (),
}
FORM_PRIORITY = ("level", "added_in_year", "growth_rate", "share")


def _judge(plan: PlanSeries, form: str, acts: dict[int, Actual], method: str,
           target: tuple[int, float] | None, target_year: int | None) -> Result:
    res = Result(method=method, form=form)
    if form == "level":
        _judge_level(plan, acts, method, res, target, target_year)
    elif target is None:
        res.status = "not_assessed"
        res.say(f"no target: a {form} result cannot be judged", f"方案无目标值，{FORMS_ZH[form]}形式的实际值无法评估")
    elif form == "added_in_year":
        _assess_added(plan, acts, method, res, target, target_year)
    else:
        _assess_growth_form(plan, acts, method, res, target, target_year)
    used = [a for y, a in acts.items() if y == res.actual_year]
    res.scope = used[0].scope if used else ""
    return res


def assess_series(plan: PlanSeries, acts: list[Actual] | dict[int, Actual], method: str = "opensdg",
                  target_year: int | None = None, derived: bool = False) -> dict | None:
    """One output row (see OUTPUT_COLUMNS) for a plan series and its actuals; None when the
    series has no target (and the no-target rule does not apply) or no target in target_year.

    The actuals are checked first (:func:`usable_actuals`); each form that fits the target type
    is judged by its rule and the form with the latest year is used (ties: level,
    added_in_year, growth_rate); an AnalysisError in one series makes it not_assessed with the
    reason, never an exception."""
    if isinstance(acts, dict):  # year → Actual in the target's own form
        acts = [replace(a, year=y) for y, a in acts.items()]
    target = _final_target(plan, target_year)
    base = Result(method=method)
    if plan.problem:  # no target is trusted: none is shown
        base.status = "not_assessed"
        base.say(f"plan cannot be judged: {plan.problem}", f"方案数值前后不一致，无法评估（{plan.problem}）")
        return _row(plan, base)
    if target is None and target_year is not None:
        return None
    forms = usable_actuals(plan, acts, base)
    if forms is None:
        return _row(plan, base)
    judged: list[tuple[Result, str]] = []
    for form in FORM_PRIORITY:
        if form not in forms:
            continue
        if form != "level" and form not in FORM_FITS.get(plan.measure, ()):
            for a in sorted(forms[form].values(), key=lambda x: x.year):
                base.excluded.append(f"{a.where} {a.year}年 {a.value:g}{a.unit}（{FORMS_ZH[form]}）："
                                     f"{FORMS_ZH[form]}不适用于{MEASURE_ZH.get(plan.measure, plan.measure)}目标，"
                                     f"不计入状态；来源：{a.source}")
            continue
        try:
            judged.append((_judge(plan, form, forms[form], method, target, target_year), form))
        except AnalysisError as exc:
            r = Result(method=method, form=form, status="not_assessed")
            r.say(f"cannot be judged: {exc}", f"无法评估：{exc}")
            judged.append((r, form))
    if target is None and not base.excluded and all(r.status == "no_data" for r, _ in judged):
        return None
    informative = [(r, f) for r, f in judged if r.status != "no_data"]
    if informative:
        res, form = max(informative, key=lambda rf: (rf[0].actual_year or 0,
                                                     -FORM_PRIORITY.index(rf[1])))
        for r, f in judged:
            if r is not res and r.actual_year is not None:
                res.say(f"{f} results also given, not used (latest form used)",
                        f"另有{FORMS_ZH[f]}形式的实际值（{r.actual_year}年），未用于判定")
    elif judged:
        res, form = judged[0]
    else:
        res, form = Result(method=method), ""
        if base.excluded:
            res.status = "not_assessed"
            res.say("every actual was excluded", "全部实际值均未计入（见未计入说明），无法评估")
        else:
            _say_no_actual(res, {})
    res.excluded = base.excluded + res.excluded
    if plan.from_narrative:
        res.rule.insert(0, "targets from the narrative (no table prints this series)")
        res.rule_zh.insert(0, "目标取自正文（附表未列）")
    if derived:
        res.say("actuals derived from the same-concept level indicator", "实际值由同口径强度指标换算")
    if res.actual_year is not None and not res.scope and res.status not in ("no_data",):
        res.say("scope not stated: counted as the plan's", f"实际值未注明口径，按方案口径（{plan.scope_zh}）计入")
    if res.status in ("no_data", "not_assessed") and res.target_year is None and target is not None:
        res.target_year, res.target_value = target
    if res.status == "no_data" and res.excluded:
        res.status = "not_assessed"
        res.say("actuals given but none could be used", "有实际值但均未计入，无法评估")
    elif res.status == "no_data" and forms:
        # actuals that no rule could use (e.g. only the base year, a flow's year without a
        # target): still no data, but listed so that no row disappears silently
        why = res.rule_zh[-1] if res.rule_zh else "无法评估"
        res.excluded += [f"{a.where} {a.year}年 {a.value:g}{a.unit}：{why}，未用于评估"
                         for f in forms.values() for a in sorted(f.values(), key=lambda x: x.year)]
    return _row(plan, res)


#: Target types in Chinese, for the reader.
MEASURE_ZH = label_table("measure")  # labels/zh.toml


def _row(plan: PlanSeries, res: Result) -> dict:
    year_target_met = (None if res.year_target is None or res.actual_value is None
                       or not res.can_meet
                       else reached(res.actual_value, res.year_target, plan.direction))
    if not res.rule:
        res.say("no actual values", "无实际值")
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
        "form": res.form if res.actual_year is not None else "",
        "form_zh": FORMS_ZH.get(res.form, "") if res.actual_year is not None else "",
        "scope": res.scope, "plan_scope": plan.scope_zh, "excluded": "；".join(res.excluded),
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
    units or pp per year for linear ones, the amount for flows, percent for growth-rate targets,
    fractions for the growth_rate form, the required addition for the added_in_year form.
    ``form``/``form_zh``: the form of the result judged; ``scope``: its 口径 as printed;
    ``plan_scope``: the plan indicator's (区本级/全区, ·规上); ``excluded``: every actual shown
    but not counted, with file, line, source and reason ("；"-joined).
    Status ∈ met / on_track / needs_acceleration / limited / backwards / not_assessed / no_data.
    Actuals of indicators the district does not plan: :func:`unplanned_actuals`.
    """
    if method not in METHODS:
        raise AnalysisError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    plans = plan_series(targets_df)
    actuals = actual_series(actuals_df)
    rows = []
    for plan in plans:
        acts = actuals.get((plan.district, plan.indicator_id), [])
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


def actual_points(actuals_df: pd.DataFrame | None, district: str,
                  targets_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Actual values of one district for chart overlays, one row per indicator × year: only
    results in the target's own form (a growth rate or a yearly addition is not a point on a
    level's path) and in the catalogue unit. With ``targets_df`` (the plan), also only what
    the assessment may count: no other scope, no impossible value, no year before the base.

    Columns: indicator_id, indicator, year, value, unit, source (title + URL/document, file and
    line; several sources joined with "；"), scope. Empty (same columns) when there are none.
    """
    slug = resolve_district(district).slug
    cols = ["indicator_id", "indicator", "year", "value", "unit", "source", "scope"]
    empty = pd.DataFrame({c: pd.Series(dtype=float if c == "value" else (int if c == "year" else str))
                          for c in cols})
    if actuals_df is None or len(actuals_df) == 0:
        return empty
    cat = load_catalogue()
    plans = {} if targets_df is None else \
        {p.indicator_id: p for p in plan_series(targets_df) if p.district == slug}
    points: dict[tuple[str, int, str], dict] = {}
    for (d, iid), acts in actual_series(actuals_df[actuals_df["district"] == slug]).items():
        e = cat[iid]
        plan = plans.get(iid)
        for a in acts:
            if (a.form != "level" and (e["measure"], a.form) not in SAME_AS_LEVEL) or \
                    (a.unit and a.unit != e["unit"]):
                continue
            if plan is not None and (a.year < plan.plan_start or impossible(plan, a)
                                     or scope_verdict(plan, a.scope)):
                continue
            key = (iid, a.year, a.scope)
            if key in points:
                points[key]["source"] += "；" + a.source
                continue
            points[key] = {"indicator_id": iid, "indicator": e["name_zh"], "year": a.year,
                           "value": a.value, "unit": e["unit"], "source": a.source, "scope": a.scope}
    if not points:
        return empty
    out = pd.DataFrame(list(points.values()), columns=cols)
    return out.sort_values(["indicator_id", "year"]).reset_index(drop=True).astype({"year": int})


def unplanned_actuals(targets_df: pd.DataFrame, actuals_df: pd.DataFrame | None) -> pd.DataFrame:
    """Actual rows for an indicator the district's plan does not contain: reported, not dropped.

    Columns: district, indicator_id, indicator, year, value, unit, form, source, reason."""
    cols = ["district", "indicator_id", "indicator", "year", "value", "unit", "form", "source", "reason"]
    planned = {(p.district, p.indicator_id) for p in plan_series(targets_df)}
    districts = set(targets_df["district"]) if len(targets_df) else set()
    rows = []
    for (d, iid), acts in actual_series(actuals_df).items():
        if d not in districts or (d, iid) in planned:
            continue
        for a in sorted(acts, key=lambda x: x.year):
            rows.append({"district": d, "indicator_id": iid, "indicator": a.indicator or iid,
                         "year": a.year, "value": a.value, "unit": a.unit, "form": a.form,
                         "source": a.source,
                         "reason": f"{DISTRICTS[d].name}方案中无此指标（{iid}），未用于评估"})
    return pd.DataFrame(rows, columns=cols)
