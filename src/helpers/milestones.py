"""Milestone fit: is each intermediate target ahead of, on, or behind the smooth path?

The smooth path runs from the start point to the end target by the measure's rule
(`helpers.growth.path_value`): geometric for levels, stocks and indices, linear for cumulative
counts (from 0 at the base year) and shares, a constant yearly reduction for reduction rates.
Flows and growth-rate targets have no path between two values and are not fitted.

Position is measured as progress shares, which work for either direction:
``progress = (m - v0)/(vT - v0)`` (share of the planned change the milestone already asks for),
``path = (p - v0)/(vT - v0)``; gap = progress - path. gap > tolerance → ahead (front-loaded),
gap < -tolerance → behind (back-loaded), else on path.
"""
from __future__ import annotations

import math

import pandas as pd

from .catalogue import name_zh
from .districts import resolve_district
from .errors import AnalysisError
from .growth import RULES, path_value, plan_points, rule_for
from .series import collapsed_groups, table_series
from .pages import label_table

#: A plan's intermediate milestone years are data (``milestone_years`` in
#: data/districts/<slug>.toml: Beilun 2023, Yinzhou 2023 and 2025, Zhenhai 2023); a district
#: that lists none uses every intermediate target year.
STATUS_ZH = label_table("milestone_status")  # labels/zh.toml
LOADING_ZH = label_table("milestone_loading")  # labels/zh.toml
FIT_COLUMNS = [
    "district", "indicator_id", "name_zh", "measure", "unit", "direction", "rule", "rule_zh",
    "start_year", "start_value", "start_kind", "end_year", "end_value", "year", "milestone",
    "path_value", "progress_share", "path_share", "gap", "relative_gap", "status", "status_zh",
]
FITTED_RULES = ("geometric", "linear", "percentage_points", "reduction")


def classify(gap: float, tolerance: float) -> str:
    """ahead if gap > tolerance, behind if gap < -tolerance, else on_path."""
    if gap > tolerance:
        return "ahead"
    if gap < -tolerance:
        return "behind"
    return "on_path"


def fit_series(df: pd.DataFrame, district: str, indicator_id: str, years=None,
               tolerance: float = 0.05, series=None) -> list[dict]:
    """Milestone rows for one table series (see `milestone_fit`).

    years: milestone years to test (default the district's milestone_years, else every
    intermediate target year). series: the collapsed table series if already at hand.
    Raises AnalysisError when the series has no path (flow, growth rate), no intermediate
    milestone, or values a geometric path cannot take.
    """
    d = resolve_district(district)
    s = table_series(df, d.slug, indicator_id) if series is None else series
    measure, unit, direction = s["measure"].iloc[0], s["unit"].iloc[0], s["direction"].iloc[0]
    rule = rule_for(measure)
    if rule not in FITTED_RULES:
        raise AnalysisError(f"{d.slug}/{indicator_id}: a {measure} series has no smooth path")
    pts, kind, _ = plan_points(s, measure, d.base_year)
    pts = pts[pts["year"] <= d.end_year] if (pts["year"] <= d.end_year).sum() >= 2 else pts
    y0, v0 = int(pts["year"].iloc[0]), float(pts["value"].iloc[0])
    yT, vT = int(pts["year"].iloc[-1]), float(pts["value"].iloc[-1])
    wanted = years if years is not None else d.milestone_years
    mids = pts[(pts["year"] > y0) & (pts["year"] < yT)]
    if wanted is not None:
        mids = mids[mids["year"].isin(list(wanted))]
    if mids.empty:
        raise AnalysisError(f"{d.slug}/{indicator_id}: no milestone between {y0} and {yT}")
    rows = []
    for y, m in zip(mids["year"].astype(int), mids["value"].astype(float)):
        p = path_value(v0, vT, y0, yT, y, measure)
        if vT != v0:
            progress, path_share = (m - v0) / (vT - v0), (p - v0) / (vT - v0)
            gap = progress - path_share
        else:
            progress = path_share = math.nan
            gap = (m - p) / abs(p) if p else m - p
            if direction == "lower":
                gap = -gap
        status = classify(gap, tolerance)
        rows.append(dict(
            district=d.slug, indicator_id=indicator_id, name_zh=name_zh(indicator_id),
            measure=measure, unit=unit, direction=direction, rule=rule, rule_zh=RULES[rule][0],
            start_year=y0, start_value=v0, start_kind=kind, end_year=yT, end_value=vT, year=y,
            milestone=m, path_value=p, progress_share=progress, path_share=path_share, gap=gap,
            relative_gap=(m / p - 1) if p else math.nan, status=status,
            status_zh=STATUS_ZH[status]))
    return rows


def milestone_fit(df: pd.DataFrame, district=None, years=None,
                  tolerance: float = 0.05, source: str = "table", collapsed=None) -> pd.DataFrame:
    """Every milestone of every fitted table series (source="best": every plan series, tables
    completed by the narrative) against its smooth path.

    One row per (district, indicator, milestone year); columns FIT_COLUMNS:
    start_* (start point: printed base, first target, or implicit 0 for cumulative counts and
    reduction rates at the district's base year), end_* (final target), milestone (printed
    value), path_value (smooth path in that year), progress_share = (m - v0)/(vT - v0),
    path_share = (p - v0)/(vT - v0), gap = progress_share - path_share (for a flat plan,
    vT = v0: the relative gap (m - p)/|p|), relative_gap = m/p - 1, status (ahead / on_path /
    behind at ``tolerance``, a share of the planned change, default 0.05).
    Series that cannot be fitted (flows, growth rates, no intermediate year) are listed in
    ``result.attrs["skipped"]``. collapsed: helpers.series.collapsed_groups(df, district,
    source) if already at hand.
    Example: Beilun 亩均税收 38.4 → 55 (2020–2025): path 2023 = 47.64, milestone 46.8 →
    progress 0.506 vs path 0.557, gap -0.051 → behind.
    """
    rows, skipped = [], []
    if collapsed is None:
        collapsed = collapsed_groups(df, district, source)
    for (slug, iid), series in collapsed.items():
        try:
            if isinstance(series, AnalysisError):
                raise series
            rows += fit_series(df, slug, iid, years, tolerance, series=series)
        except AnalysisError as exc:
            skipped.append({"district": slug, "indicator_id": iid, "reason": str(exc)})
    out = pd.DataFrame(rows, columns=FIT_COLUMNS)
    out.attrs["skipped"] = pd.DataFrame(skipped, columns=["district", "indicator_id", "reason"])
    return out


def milestone_summary(fit: pd.DataFrame) -> pd.DataFrame:
    """Per district: how many milestones are ahead / on path / behind, the mean gap, and
    whether the plan is front-loaded (more ahead than behind), back-loaded (more behind than
    ahead) or balanced; `behind_ids` lists the back-loaded indicators.

    Columns: district, milestones, ahead, on_path, behind, mean_gap, loading, loading_zh,
    behind_ids.
    """
    rows = []
    for slug, grp in fit.groupby("district", sort=False):
        counts = grp["status"].value_counts()
        ahead, behind = int(counts.get("ahead", 0)), int(counts.get("behind", 0))
        loading = ("back-loaded" if behind > ahead else "front-loaded" if ahead > behind
                   else "balanced")
        rows.append(dict(district=slug, milestones=len(grp), ahead=ahead,
                         on_path=int(counts.get("on_path", 0)), behind=behind,
                         mean_gap=float(grp["gap"].mean()), loading=loading,
                         loading_zh=LOADING_ZH[loading],
                         behind_ids=", ".join(dict.fromkeys(
                             grp.loc[grp["status"] == "behind", "indicator_id"]))))
    return pd.DataFrame(rows, columns=["district", "milestones", "ahead", "on_path", "behind",
                                       "mean_gap", "loading", "loading_zh", "behind_ids"])
