"""Cross-district comparison on the catalogue's `concept` (亩均税收, 高新技术企业, 品字标 …).

The districts' plans run over different years (Beilun 2020→2025, Yinzhou 2022→2027, Zhenhai
2020→2025, Ouhai 2020 base with 2021 and 2023 targets), so they are put side by side two ways: levels in years that
at least two districts print, and annualised change over each plan's own years (with the years
shown). Every series a plan prints counts — table values, else the narrative's (a prose-only
plan, a single 2023 target): a one-point series has no growth rate but its level is still
compared with the other districts' levels of the same year (`level_comparison`). Annualised change follows each series' measure (`helpers.growth.MEASURE_RULES`);
a concept whose districts use different measures (a stock against a yearly flow …) is flagged,
never compared as if equal.
"""
from __future__ import annotations

import pandas as pd

from .catalogue import catalogue_entry, load_catalogue
from .districts import DISTRICTS
from .data import NARRATIVE_SECTION
from .errors import AnalysisError
from .formatting import format_value, stat_text
from .growth import RULES, growth_table, rule_for
from .series import collapse_series, is_narrative, is_table, plan_groups

TIDY_COLUMNS = ["concept", "district", "district_name", "indicator_id", "name_zh", "measure",
                "rule", "unit", "statistic", "year_from", "year_to", "value", "value_unit",
                "role", "base_kind", "origin", "flag"]
#: statistic → (label in tables, unit label); rates are fractions per year.
STATISTICS = {
    "level": ("水平", None),
    "cagr": ("年均复合增速", "/yr"),
    "stated_rate": ("增速目标（复合年均）", "/yr"),
    "annual_reduction": ("年均降幅", "/yr"),
    "avg_addition": ("年均新增", "unit/yr"),
    "avg_flow": ("年均流量", "unit/yr"),
    "pp_per_year": ("年均变化（百分点）", "pp/yr"),
    "share_cagr": ("相对增速（占比的年均复合增速）", "/yr"),
}
ANNUAL_STAT = {"geometric": "cagr", "stated_rate": "stated_rate", "reduction": "annual_reduction",
               "linear": "avg_addition", "flow": "avg_flow", "percentage_points": "pp_per_year"}
#: The one annualised statistic per series that rankings use (a share's relative growth,
#: ``share_cagr``, is shown beside its percentage points but never ranked or charted as a rate).
PLAN_STATS = frozenset(ANNUAL_STAT.values())
#: Statistics that are rates (fractions per year, from growth_table's implied_annual).
RATE_STATS = frozenset({"cagr", "share_cagr", "stated_rate", "annual_reduction"})
STAT_RULE = {**{v: k for k, v in ANNUAL_STAT.items()}, "share_cagr": "geometric"}


def concept_of(indicator_id: str) -> str:
    """The catalogue concept of an indicator (the id itself when it has none)."""
    return catalogue_entry(indicator_id).get("concept") or indicator_id


def shared_concepts(df: pd.DataFrame, districts=None) -> list[str]:
    """Concepts with plan values (table or narrative) in at least two districts, in catalogue
    order."""
    tab = df[is_table(df) | is_narrative(df)]
    if districts is not None:
        from .series import district_slugs
        tab = tab[tab["district"].isin(district_slugs(df, districts))]
    by = tab.assign(concept=tab["indicator_id"].map(concept_of)).groupby("concept")["district"].nunique()
    order = list(dict.fromkeys(concept_of(i) for i in load_catalogue()))
    keep = set(by[by >= 2].index)
    return [c for c in order if c in keep] + sorted(keep - set(order))


def _measure_flag(measures) -> str:
    ms = sorted(set(measures))
    if len(ms) > 1:
        return f"本概念各区测度不同（{'/'.join(ms)}），已按测度分行，不可直接等同比较"
    return ""


def compare_districts(df: pd.DataFrame, concepts=None, districts=None) -> pd.DataFrame:
    """Tidy frame: one row per (concept, district, indicator, statistic, years).

    statistic ``level``: each printed value of every plan series — table values, completed
    by the narrative (helpers.series.collapse_best), one-point series included (year_from =
    year_to = its year, value in the indicator's unit; ``origin`` table | narrative, and
    table+narrative on an annualised row using both). One annualised row per series that has one, chosen by its rule: ``cagr`` (geometric,
    (v1/v0)^(1/n) - 1), ``stated_rate`` (growth-rate targets compounded), ``annual_reduction``
    (1 - (1 - r)^(1/n)), ``avg_addition`` (cumulative: end/n, unit/yr), ``avg_flow`` (mean
    yearly amount), ``pp_per_year`` (shares; plus a ``share_cagr`` row for the relative growth,
    shown but never ranked).
    Rates are fractions per year. year_from/year_to are the years used. ``flag`` is set on every
    row of a concept whose districts use different measures.
    concepts: list of concept names (default: `shared_concepts`).
    """
    concepts = shared_concepts(df, districts) if concepts is None else list(concepts)
    wanted = set(concepts)
    ids = {i for i in df["indicator_id"].unique() if concept_of(i) in wanted}
    growth = growth_table(df, districts, indicator_ids=ids, source="best")
    series = {}
    for (slug, iid), recs in plan_groups(df, districts, "best").items():
        if iid not in ids:
            continue
        try:
            series[(slug, iid)] = collapse_series(recs, f"{slug}/{iid}", "best")
        except AnalysisError:
            continue  # growth_table lists it in attrs["skipped"]; the audit reports it
    return tidy_frame(series, growth, concepts)


def tidy_frame(series: dict[tuple[str, str], pd.DataFrame], growth: pd.DataFrame,
               concepts) -> pd.DataFrame:
    """The tidy comparison frame of `compare_districts` from series already collapsed
    (``series[(district, indicator_id)]``: helpers.series.collapse_best, in plan order) and
    their growth_table rows (source="best"), for the ``concepts`` (in that order); series of
    other concepts are left out. The analysis cache builds it once for every district from the
    per-district results; `compare_districts` from the indicator table."""
    concepts = list(concepts)
    wanted = set(concepts)
    growth = {(d, i): g for d, i, g in zip(growth["district"], growth["indicator_id"],
                                            growth.itertuples(index=False))}
    rows = []
    for (slug, iid), s in series.items():
        concept = concept_of(iid)
        if concept not in wanted:
            continue
        g = growth.get((slug, iid))
        unit = str(s["unit"].iloc[0])
        measure = str(s["measure"].iloc[0])
        base = dict(concept=concept, district=slug, district_name=DISTRICTS[slug].name,
                    indicator_id=iid, name_zh=catalogue_entry(iid).get("name_zh", iid),
                    measure=measure, rule=rule_for(measure),
                    unit=unit, base_kind=g.base_kind if g is not None else "none")
        sections = s["section"].tolist()
        for year, value, role, section in zip(s["year"].tolist(), s["value"].tolist(),
                                              s["role"].tolist(), sections):
            rows.append(dict(base, statistic="level", year_from=year, year_to=year,
                             value=value, value_unit=unit, role=role,
                             origin="narrative" if section == NARRATIVE_SECTION else "table"))
        if g is None:  # one value only: compared as a level, no annualised change
            continue
        origins = {"narrative" if x == NARRATIVE_SECTION else "table" for x in sections}
        origin = "table+narrative" if len(origins) > 1 else origins.pop()
        stat = ANNUAL_STAT[g.rule]
        value = g.implied_annual if stat in RATE_STATS else g.change_per_year
        vunit = STATISTICS[stat][1].replace("unit", g.unit)
        rows.append(dict(base, statistic=stat, year_from=g.base_year, year_to=g.end_year,
                         value=value, value_unit=vunit, role="", origin=origin))
        if g.rule == "percentage_points" and g.multiple == g.multiple:  # relative growth too
            rows.append(dict(base, statistic="share_cagr", year_from=g.base_year,
                             year_to=g.end_year, value=g.implied_annual, value_unit="/yr",
                             role="", origin=origin))
    out = pd.DataFrame(rows, columns=[c for c in TIDY_COLUMNS if c != "flag"])
    flags = out.groupby("concept")["measure"].agg(_measure_flag)
    out["flag"] = out["concept"].map(flags).fillna("")
    order = {c: i for i, c in enumerate(concepts)}
    dorder = {d: i for i, d in enumerate(DISTRICTS)}
    out = out.sort_values(["concept", "district", "indicator_id"],
                          key=lambda s: s.map(order) if s.name == "concept"
                          else s.map(dorder) if s.name == "district" else s, kind="stable")
    return out.reset_index(drop=True)[TIDY_COLUMNS]


def comparison_table(df: pd.DataFrame, concepts=None, districts=None) -> pd.DataFrame:
    """Wide display table: one column per district (Chinese name), text cells.

    Rows per concept: ``水平 <year>`` for an indicator printed by at least two districts in that
    year (same indicator_id, so same unit and measure); then one ``年均变化`` row per measure
    with each district's annualised change and the years used, e.g. "+7.45%/年（2020–2025）".
    Columns: concept, indicator, comparison, basis (unit or rule), <districts…>, flag
    (different measures within the concept; different indicators side by side in one row).
    df: the indicator table, or a tidy frame from `compare_districts` (then concepts and
    districts are ignored).
    """
    tidy = df if "statistic" in df.columns else compare_districts(df, concepts, districts)
    names = [DISTRICTS[d].name for d in DISTRICTS if d in set(tidy["district"])]
    rows = []
    for concept, cg in tidy.groupby("concept", sort=False):
        cflag = cg["flag"].iloc[0]
        lv = cg[cg["statistic"] == "level"]
        for iid, ig in lv.groupby("indicator_id", sort=False):
            by_year = ig.groupby("year_from")["district"].nunique()
            for year in sorted(by_year[by_year >= 2].index):
                yg = ig[ig["year_from"] == year]
                row = dict(concept=concept, indicator=yg["name_zh"].iloc[0],
                           comparison=f"{year}年数值", basis=yg["unit"].iloc[0], flag=cflag)
                row.update({n: "—" for n in names})
                for r in yg.itertuples(index=False):
                    row[r.district_name] = f"{r.value:g}" + ("（基数）" if r.role == "baseline" else "") \
                        + ("（正文）" if r.origin == "narrative" else "")
                rows.append(row)
        an = cg[cg["statistic"] != "level"]
        for (measure, stat), mg in an.groupby(["measure", "statistic"], sort=False):
            per_id = mg.groupby("indicator_id", sort=False)["district"].nunique()
            shared = [i for i in per_id.index if per_id[i] >= 2]
            groups = [mg[mg["indicator_id"] == i] for i in shared]
            rest = mg[~mg["indicator_id"].isin(shared)]
            if not rest.empty:
                groups.append(rest)
            for sg in groups:
                ids = list(dict.fromkeys(sg["indicator_id"]))
                mixed = len(ids) > 1 and sg["district"].nunique() > 1
                basis = f"{measure}：{RULES[STAT_RULE[stat]][0]}"
                row = dict(concept=concept, indicator="；".join(dict.fromkeys(sg["name_zh"])),
                           comparison=STATISTICS[stat][0], basis=basis,
                           flag="；".join(x for x in (cflag, "同一行含不同指标口径" if mixed else "")
                                         if x))
                row.update({n: "—" for n in names})
                for dname, dg in sg.groupby("district_name", sort=False):
                    row[dname] = "；".join(
                        f"{stat_text(stat, r.value, r.unit)}（{r.year_from}–{r.year_to}）"
                        + (f"[{r.name_zh}]" if len(ids) > 1 else "") for r in dg.itertuples(index=False))
                rows.append(row)
    return pd.DataFrame(rows, columns=["concept", "indicator", "comparison", "basis", *names, "flag"])


#: Measures whose printed values can be ranked across districts in the same year. Cumulative
#: counts and cumulative reduction rates start from each plan's own base year, so equal years
#: do not make them comparable.
LEVEL_MEASURES = ("level", "stock", "index", "share", "flow", "growth_rate")
LEVEL_COLUMNS = ["indicator_id", "name_zh", "measure", "unit", "direction", "year", "district",
                 "district_name", "value", "role", "origin", "rank", "n"]


def level_comparison(df: pd.DataFrame, concepts=None, districts=None, year=None) -> pd.DataFrame:
    """Levels at a common year: for each indicator (same indicator_id, so same unit and
    measure, a measure of LEVEL_MEASURES) printed by at least two districts in one year, every
    district's value in that year, ranked (1 = best: highest, or lowest for a lower-is-better
    indicator). A single printed value counts like any other — 亩均税收 2023: 北仑 46.8,
    鄞州 34.2, 镇海 103, 瓯海 53.13.

    year: the year to compare (default per indicator: the year most districts print, the
    latest on a tie). df: the indicator table or a tidy frame from `compare_districts`.
    Columns: LEVEL_COLUMNS (role baseline|target; origin table|narrative; n districts ranked).
    """
    tidy = df if "statistic" in df.columns else compare_districts(df, concepts, districts)
    lv = tidy[(tidy["statistic"] == "level") & tidy["measure"].isin(LEVEL_MEASURES)]
    rows = []
    for iid, ig in lv.groupby("indicator_id", sort=False):
        per_year = ig.groupby("year_from")["district"].nunique()
        per_year = per_year[per_year >= 2]
        if year is not None:
            per_year = per_year[per_year.index == int(year)]
        if per_year.empty:
            continue
        best = max(per_year.index, key=lambda y: (per_year[y], y))
        yg = ig[ig["year_from"] == best]
        lower = str(catalogue_entry(iid).get("direction", "higher")) == "lower"
        yg = yg.sort_values("value", ascending=lower, kind="stable")
        for rank, r in enumerate(yg.itertuples(index=False), start=1):
            rows.append(dict(indicator_id=iid, name_zh=r.name_zh, measure=r.measure, unit=r.unit,
                             direction="lower" if lower else "higher", year=int(best),
                             district=r.district, district_name=r.district_name,
                             value=float(r.value), role=r.role, origin=r.origin, rank=rank,
                             n=len(yg)))
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


def level_text(value: float, unit: str, role: str = "target", origin: str = "table") -> str:
    """A compared level as shown: the value with its unit, marked （基数） for a base-year value
    and （正文） for a value read from the text."""
    return (format_value(value, unit) + ("（基数）" if role == "baseline" else "")
            + ("（正文）" if origin == "narrative" else ""))


# --------------------------------------------------------------------------- what a report lists

#: A report lists every district that shares an indicator up to this many; beyond it (the ~90
#: county plans of a province) it lists the first and last :data:`LISTED_ENDS` and the
#: :data:`LISTED_AROUND` either side of its own district, so a report's length and cost do not
#: grow with the number of districts (the full ranking stays in the comparison table).
COMPARISON_LIMIT = 12
LISTED_ENDS = 3
LISTED_AROUND = 2


def listed_ranks(n: int, own: int, *, limit: int = COMPARISON_LIMIT, ends: int = LISTED_ENDS,
                 around: int = LISTED_AROUND) -> list[int]:
    """The ranks (1 … ``n``) a report lists for a district ranked ``own`` of ``n``: all of them
    when ``n`` ≤ ``limit``; else the first and last ``ends`` and ``own`` ± ``around``, in
    order. Raises AnalysisError for a rank outside 1 … n."""
    if not 1 <= own <= n:
        raise AnalysisError(f"rank {own} is outside 1…{n}")
    if n <= limit:
        return list(range(1, n + 1))
    keep = set(range(1, ends + 1)) | set(range(n - ends + 1, n + 1))
    keep |= set(range(max(1, own - around), min(n, own + around) + 1))
    return sorted(keep)
