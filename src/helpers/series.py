"""One indicator series per district, read from the indicator table.

The same value is often printed more than once (Beilun Annex 2 in two files, Annex 1 repeating
Annex 2, narrative restating targets). `table_series` collapses the table printings to one row
per year; narrative (正文) rows are kept apart because they may disagree (audit material).
"""
from __future__ import annotations

import math

import pandas as pd

from .data import NARRATIVE_SECTION
from .districts import DISTRICTS, resolve_district
from .errors import AnalysisError

#: Columns of a series frame, in order.
SERIES_COLUMNS = ["year", "value", "role", "unit", "measure", "direction", "quote",
                  "source_file", "section", "printings"]
PLAN_ROLES = ("baseline", "target")


def same_value(a: float, b: float) -> bool:
    """True when two printed values are the same number (relative tolerance 1e-9)."""
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def district_slug(district: str) -> str:
    """Slug for a district slug or Chinese name (raises UnknownDistrictError)."""
    return resolve_district(district).slug


def district_slugs(df: pd.DataFrame, district=None) -> list[str]:
    """The districts to analyse: the one(s) named, else every district present in `df`,
    in the kit's district order."""
    if district is None:
        present = set(df["district"])
        return [s for s in DISTRICTS if s in present]
    names = [district] if isinstance(district, str) else list(district)
    return [district_slug(d) for d in names]


def is_table(df: pd.DataFrame) -> pd.Series:
    """Mask of plan rows (baseline/target) printed in a table section (not 正文)."""
    return (df["section"] != NARRATIVE_SECTION) & df["role"].isin(PLAN_ROLES)


def is_narrative(df: pd.DataFrame) -> pd.Series:
    """Mask of plan rows (baseline/target) read from narrative text (正文)."""
    return (df["section"] == NARRATIVE_SECTION) & df["role"].isin(PLAN_ROLES)


def collapse_printings(rows, what: str) -> pd.DataFrame:
    """Collapse rows of one series (a DataFrame or a list of row dicts) to one row per year.

    Raises AnalysisError when the rows mix units or measures, or when two printings of the
    same year disagree (``what`` names the series in the message). Keeps the first printing's
    quote/source (sorted by section, file); ``printings`` counts the copies and ``section``
    lists every section.
    """
    recs = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    if not recs:
        raise AnalysisError(f"{what}: no rows")
    units = sorted({r["unit"] for r in recs})
    if len(units) > 1:
        raise AnalysisError(f"{what}: mixed units {units}; a series needs one unit")
    measures = sorted({r["measure"] for r in recs})
    if len(measures) > 1:
        raise AnalysisError(f"{what}: mixed measures {measures}")
    by_year: dict[int, list[dict]] = {}
    for r in sorted(recs, key=lambda r: (int(r["year"]), r["section"], r["source_file"])):
        by_year.setdefault(int(r["year"]), []).append(r)
    out = []
    for year, grp in sorted(by_year.items()):
        values = [float(r["value"]) for r in grp]
        if any(not same_value(v, values[0]) for v in values):
            raise AnalysisError(f"{what} {year}: printings disagree {sorted(set(values))}")
        roles = sorted({r["role"] for r in grp})
        first = grp[0]
        out.append({
            "year": year, "value": values[0],
            "role": "baseline" if "baseline" in roles else roles[0],
            "unit": first["unit"], "measure": first["measure"], "direction": first["direction"],
            "quote": first["quote"], "source_file": first["source_file"],
            "section": "/".join(sorted({r["section"] for r in grp})), "printings": len(grp),
        })
    return pd.DataFrame(out, columns=SERIES_COLUMNS)


def table_series(df: pd.DataFrame, district: str, indicator_id: str) -> pd.DataFrame:
    """The table values of one indicator in one district, one row per year, sorted by year.

    Columns: year, value, role (baseline|target), unit, measure, direction, quote,
    source_file, section (every table section that printed it), printings (copies).
    Narrative (正文) and actual rows are excluded. Raises AnalysisError when there is no
    table row, or when units/measures are mixed.
    """
    return _series_of(df, district, indicator_id, is_table, "table", "")


def narrative_series(df: pd.DataFrame, district: str, indicator_id: str) -> pd.DataFrame:
    """Like `table_series` but from the narrative (正文) rows; raises AnalysisError when the
    narrative copies of one year disagree (use `audit` to report that instead)."""
    return _series_of(df, district, indicator_id, is_narrative, "narrative", " (正文)")


def _series_of(df, district, indicator_id, mask, kind: str, suffix: str) -> pd.DataFrame:
    slug = district_slug(district)
    rows = df[(df["district"] == slug) & (df["indicator_id"] == indicator_id) & mask(df)]
    if rows.empty:
        raise AnalysisError(f"{slug}/{indicator_id}: no {kind} values")
    return collapse_printings(rows, f"{slug}/{indicator_id}{suffix}")


def best_series(df: pd.DataFrame, district: str, indicator_id: str) -> pd.DataFrame:
    """Table values, completed by narrative values for years the tables do not print.

    Used where a series exists only in the text (e.g. Yinzhou's new-energy cluster,
    40.82 亿元 in 2022 → 100 亿元 in 2027). Raises AnalysisError when neither exists (see
    `collapse_best` for narrative copies that disagree or differ in unit).
    """
    slug = district_slug(district)
    sub = df[(df["district"] == slug) & (df["indicator_id"] == indicator_id)]
    sub = sub[is_table(sub) | is_narrative(sub)]
    return collapse_best(sub, f"{slug}/{indicator_id}")


def collapse_best(rows, what: str) -> pd.DataFrame:
    """One series from the plan rows (table and narrative) of one indicator: the table
    printings collapsed (`collapse_printings`), completed by narrative values for years the
    tables do not print; a plan printed only in its text gives its narrative series.

    Tables win: when the narrative copies disagree among themselves or use another unit or
    measure than the table, the table series is returned alone (the audit reports the
    disagreement). Without a table row the narrative's own error is raised (AnalysisError),
    as is a series with no plan row at all.
    """
    recs = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    recs = [r for r in recs if r["role"] in PLAN_ROLES]
    tab = [r for r in recs if r["section"] != NARRATIVE_SECTION]
    nar = [r for r in recs if r["section"] == NARRATIVE_SECTION]
    if not tab and not nar:
        raise AnalysisError(f"{what}: no values")
    if not tab:
        return collapse_printings(nar, f"{what} (正文)")
    table = collapse_printings(tab, what)
    if not nar:
        return table
    try:
        text = collapse_printings(nar, f"{what} (正文)")
    except AnalysisError:
        return table
    if (text["unit"].iloc[0], text["measure"].iloc[0]) != (table["unit"].iloc[0],
                                                           table["measure"].iloc[0]):
        return table
    extra = text[~text["year"].isin(set(table["year"]))]
    if extra.empty:
        return table
    return pd.concat([table, extra], ignore_index=True).sort_values("year").reset_index(drop=True)


#: Where a series' values come from: ``table`` (table sections only, the default of the
#: growth and milestone functions) or ``best`` (tables, else the narrative: `collapse_best`).
SOURCES = ("table", "best")


def plan_groups(df: pd.DataFrame, district=None,
                source: str = "table") -> dict[tuple[str, str], list[dict]]:
    """Plan rows grouped by (district, indicator_id), as lists of row dicts, for
    `collapse_series`. source="table": `table_groups`. source="best": table and narrative
    rows, every indicator the district prints anywhere — per district, the table series in
    table order, then the narrative-only ones in text order (a prose-only plan has only those).
    """
    if source == "table":
        return table_groups(df, district)
    if source != "best":
        raise AnalysisError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    slugs = district_slugs(df, district)
    sub = df[df["district"].isin(slugs)]
    sub = sub[is_table(sub) | is_narrative(sub)]
    groups: dict[tuple[str, str], list[dict]] = {}
    tab = is_table(sub)
    for rec in sub[tab].to_dict("records") + sub[~tab].to_dict("records"):
        groups.setdefault((rec["district"], rec["indicator_id"]), []).append(rec)
    order = {s: i for i, s in enumerate(slugs)}
    return dict(sorted(groups.items(), key=lambda kv: order[kv[0][0]]))


def collapse_series(recs, what: str, source: str = "table") -> pd.DataFrame:
    """A group of `plan_groups` as one series: `collapse_printings` for source="table",
    `collapse_best` for source="best"."""
    return collapse_best(recs, what) if source == "best" else collapse_printings(recs, what)


def collapsed_groups(df: pd.DataFrame, district=None,
                     source: str = "table") -> dict[tuple[str, str], pd.DataFrame | AnalysisError]:
    """Every group of `plan_groups` collapsed once (`collapse_series`), in the same order:
    (district, indicator_id) → the series, or the AnalysisError collapsing it raised (copies
    that disagree …). growth_table and milestone_fit take it to share one collapse per series."""
    out: dict[tuple[str, str], pd.DataFrame | AnalysisError] = {}
    for (slug, iid), recs in plan_groups(df, district, source).items():
        try:
            out[(slug, iid)] = collapse_series(recs, f"{slug}/{iid}", source)
        except AnalysisError as exc:
            out[(slug, iid)] = exc
    return out


def table_groups(df: pd.DataFrame, district=None) -> dict[tuple[str, str], list[dict]]:
    """Table rows grouped by (district, indicator_id) in one pass, as lists of row dicts, in
    district order then table order (feed a group to `collapse_printings`)."""
    slugs = district_slugs(df, district)
    tab = df[is_table(df) & df["district"].isin(slugs)]
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in tab.to_dict("records"):
        groups.setdefault((rec["district"], rec["indicator_id"]), []).append(rec)
    order = {s: i for i, s in enumerate(slugs)}
    return dict(sorted(groups.items(), key=lambda kv: order[kv[0][0]]))


def series_keys(df: pd.DataFrame, district=None) -> list[tuple[str, str]]:
    """(district, indicator_id) of every series with table values, in district order then
    in order of first appearance in the table."""
    keys = []
    for slug in district_slugs(df, district):
        sub = df[(df["district"] == slug) & is_table(df)]
        keys += [(slug, iid) for iid in dict.fromkeys(sub["indicator_id"])]
    return keys
