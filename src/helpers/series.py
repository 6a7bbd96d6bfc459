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
    40.82 亿元 in 2022 → 100 亿元 in 2027). Raises AnalysisError when neither exists.
    """
    slug = district_slug(district)
    sub = df[(df["district"] == slug) & (df["indicator_id"] == indicator_id)]
    parts = []
    if is_table(sub).any():
        parts.append(collapse_printings(sub[is_table(sub)], f"{slug}/{indicator_id}"))
    if is_narrative(sub).any():
        try:
            nar = collapse_printings(sub[is_narrative(sub)], f"{slug}/{indicator_id} (正文)")
        except AnalysisError:
            nar = None
        if nar is not None:
            have = set(parts[0]["year"]) if parts else set()
            parts.append(nar[~nar["year"].isin(have)])
    parts = [p for p in parts if not p.empty]
    if not parts:
        raise AnalysisError(f"{slug}/{indicator_id}: no values")
    out = pd.concat(parts, ignore_index=True).sort_values("year").reset_index(drop=True)
    if out["unit"].nunique() > 1:
        raise AnalysisError(f"{slug}/{indicator_id}: mixed units {sorted(set(out['unit']))}")
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
