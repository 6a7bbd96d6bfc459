"""Observed values ("actuals") entered by a researcher, loaded into the indicator table.

The plans hold baselines and targets only; what actually happened must come from a statistical
bulletin, a 政府工作报告, 亩均论英雄 results … entered by hand in ``data/actuals/actuals.csv``
(template and column guide: ``data/actuals/README.md``). :func:`load_actuals` turns that file into
rows with ``role = "actual"`` in the columns of :func:`helpers.load_indicators` and validates them
with the same schema. Bad input raises an error naming file and line; nothing is guessed.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import paths
from .catalogue import load_aliases, load_catalogue, read_csv_rows
from .districts import DISTRICTS, resolve_district
from .errors import (ActualsDistrictError, ConflictError, MissingSourceError, SourceError,
                     UnitMismatchError, UnknownDistrictError, UnknownIndicatorError,
                     UnknownUnitError, ValueParseError)
from .schema import COLUMNS, validate
from .values import name_key, normalise_unit

#: Section label of every actual row (tables use 附件1/表1 …, narrative 正文).
ACTUALS_SECTION = "实际值"
#: Header of the actuals CSV, in template order.
ACTUALS_COLUMNS = ["district", "indicator_id", "indicator", "year", "value", "unit",
                   "source_title", "source_url_or_doc", "scope_note", "entered_by", "entered_on"]
REQUIRED_COLUMNS = ["district", "year", "value", "unit", "source_title", "source_url_or_doc"]
#: Unit conversions applied silently only where they are exact: (from, to) → (multiply, divide).
UNIT_CONVERSIONS: dict[tuple[str, str], tuple[int, int]] = {
    ("万元", "亿元"): (1, 10_000),
    ("亿元", "万元"): (10_000, 1),
}
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")


def default_actuals_path() -> Path:
    """``data/actuals/actuals.csv`` under the project root (may not exist)."""
    return paths.ROOT / "data" / "actuals" / "actuals.csv"


def empty_actuals() -> pd.DataFrame:
    """A validated indicator table with no rows (what reports get when nobody entered actuals)."""
    df = pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    df = df.astype({"year": int, "source_line": int, "value": float})
    return validate(df)


def load_actuals(path: str | Path | None = None) -> pd.DataFrame:
    """Read an actuals CSV into rows with ``role = "actual"`` (columns: helpers.schema.COLUMNS).

    path: the CSV (UTF-8, BOM optional). None → ``data/actuals/actuals.csv`` if it exists, else
    an empty table. An explicit path that does not exist is an error.
    Mapping: value converted to the catalogue unit (only 万元 ↔ 亿元, exact factor 10 000),
    ``value_text`` = the value cell as written, ``source_file`` = the file name,
    ``section`` = "实际值", ``source_line`` = CSV line, ``quote`` = source title + URL/document,
    ``note`` = scope note, who entered it and when (and any unit conversion);
    measure/direction from the catalogue.
    Raises (all naming file and line): ActualsDistrictError, UnknownIndicatorError,
    UnknownUnitError, UnitMismatchError, ValueParseError (text in year/value), MissingSourceError,
    ConflictError (same district, indicator and year with different values). Pure: reads only.
    """
    if path is None:
        path = default_actuals_path()
        if not path.exists():
            return empty_actuals()
    path = Path(path)
    rows = read_csv_rows(path, REQUIRED_COLUMNS)
    _check_indicator_columns(rows, path)
    catalogue = load_catalogue()
    records = [actual_record(row, path, catalogue) for row in rows]
    records = drop_identical_repeats(records, path)
    if not records:
        return empty_actuals()
    df = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in records], columns=COLUMNS)
    df = df.astype({"year": int, "source_line": int, "value": float})
    return validate(df)


def _check_indicator_columns(rows: list[dict], path: Path) -> None:
    if rows and "indicator_id" not in rows[0] and "indicator" not in rows[0]:
        raise SourceError("needs an indicator_id or an indicator column", path, 1)


def actual_record(row: dict[str, str], path: Path, catalogue: dict[str, dict[str, str]]) -> dict:
    """One CSV row (with its ``_line``) → one indicator-table record, or a SourceError subclass."""
    line = row["_line"]
    try:
        district = resolve_district(row["district"])
    except UnknownDistrictError:
        valid = ", ".join(f"{d.slug} ({d.name})" for d in DISTRICTS.values())
        raise ActualsDistrictError(f"unknown district {row['district']!r}; valid: {valid}",
                                   path, line) from None
    if not row["unit"]:
        raise UnknownUnitError("unit is empty", path, line)
    unit = normalise_unit(row["unit"], file=path, line=line)
    iid = resolve_indicator(row.get("indicator_id", ""), row.get("indicator", ""), district.slug,
                            unit, catalogue, path, line)
    entry = catalogue[iid]
    year = parse_year(row["year"], path, line)
    value = parse_number(row["value"], unit, path, line)
    value, conversion = convert_unit(value, unit, entry["unit"], iid, path, line)
    title, doc = row["source_title"], row["source_url_or_doc"]
    if not title or not doc:
        missing = "source_title" if not title else "source_url_or_doc"
        raise MissingSourceError(f"{missing} is empty: every actual needs its source", path, line)
    note_parts = []
    if row.get("scope_note"):
        note_parts.append(f"口径: {row['scope_note']}")
    entered = " ".join(x for x in (row.get("entered_by", ""), row.get("entered_on", "")) if x)
    if entered:
        note_parts.append(f"录入: {entered}")
    if conversion:
        note_parts.append(conversion)
    return {
        "district": district.slug, "district_name": district.name,
        "indicator": row.get("indicator") or entry["name_zh"], "indicator_id": iid,
        "category": "", "lead_agency": "", "year": year, "value": value, "unit": entry["unit"],
        "role": "actual", "measure": entry["measure"], "direction": entry["direction"],
        "source_file": path.name, "section": ACTUALS_SECTION, "source_line": line,
        "value_text": row["value"], "quote": f"{title} {doc}", "note": "; ".join(note_parts),
        "_scope": row.get("scope_note", ""),
    }


def resolve_indicator(indicator_id: str, printed: str, district: str, unit: str,
                      catalogue: dict[str, dict[str, str]], path: Path, line: int) -> str:
    """The catalogue id for a row: its indicator_id, or the printed name looked up in the
    catalogue's name_zh and in data/catalogue/aliases.csv (this district's aliases first).

    A printed name that maps to several ids is told apart by the row's unit (e.g.
    规模以上工业万元增加值能耗降低率 is energy_intensity in 吨标准煤/万元, energy_intensity_reduction
    in %). When both columns are filled they must agree.
    """
    if not indicator_id and not printed:
        raise UnknownIndicatorError("indicator_id and indicator are both empty", path, line)
    by_name: set[str] = set()
    if printed:
        by_name = ids_for_printed_name(printed, district, catalogue)
        if len(by_name) > 1:
            same_unit = {i for i in by_name
                         if catalogue[i]["unit"] == unit or (unit, catalogue[i]["unit"]) in UNIT_CONVERSIONS}
            by_name = same_unit if len(same_unit) == 1 else by_name
    if indicator_id:
        if indicator_id not in catalogue:
            raise UnknownIndicatorError(f"unknown indicator_id {indicator_id!r} (not in "
                                        "data/catalogue/indicators.csv)", path, line)
        if printed and by_name and indicator_id not in by_name:
            raise UnknownIndicatorError(f"indicator {printed!r} is {', '.join(sorted(by_name))} "
                                        f"in the catalogue, not {indicator_id}", path, line)
        return indicator_id
    if not by_name:
        raise UnknownIndicatorError(f"unknown indicator {printed!r}: not a catalogue name_zh nor a "
                                    "printed name in aliases.csv; give its indicator_id", path, line)
    if len(by_name) > 1:
        raise UnknownIndicatorError(f"indicator {printed!r} is ambiguous ({', '.join(sorted(by_name))}) "
                                    f"for unit {unit!r}; give its indicator_id", path, line)
    return next(iter(by_name))


def ids_for_printed_name(printed: str, district: str,
                         catalogue: dict[str, dict[str, str]]) -> set[str]:
    """Catalogue ids whose name_zh or (this district's, else any district's) alias matches."""
    key = name_key(printed)
    ids = {iid for iid, e in catalogue.items() if name_key(e["name_zh"]) == key}
    aliases = load_aliases()
    local = {a["indicator_id"] for (d, k, _), a in aliases.items() if d == district and k == key}
    ids |= local
    if not ids:
        ids = {a["indicator_id"] for (_, k, _), a in aliases.items() if k == key}
    return ids


def parse_year(text: str, path: Path, line: int) -> int:
    """A four-digit year (``2023``; Excel's ``2023.0`` accepted) between 2000 and this year."""
    s = unicodedata.normalize("NFKC", text).strip()
    m = _YEAR.match(s)
    if not m:
        raise ValueParseError(f"year {text!r} is not a four-digit year", path, line)
    year = int(m.group(1))
    if not 2000 <= year <= _dt.date.today().year:
        raise ValueParseError(f"year {year} is outside 2000–{_dt.date.today().year}", path, line)
    return year


def parse_number(text: str, unit: str, path: Path, line: int) -> float:
    """A plain number as typed or exported by Excel: ``45``, ``-0.4``, ``1,234.5``; a trailing
    ``%`` only when the unit is %. Anything else (``约45``, ``45万元``, empty) is an error."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if unit == "%" and s.endswith("%"):
        s = s[:-1]
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not s:
        raise ValueParseError("value is empty", path, line)
    if not _NUMBER.match(s):
        raise ValueParseError(f"value {text!r} is not a number (write the unit in the unit column)",
                              path, line)
    value = float(s)
    if not math.isfinite(value):
        raise ValueParseError(f"value {text!r} is not finite", path, line)
    return value


def convert_unit(value: float, unit: str, catalogue_unit: str, indicator_id: str,
                 path: Path, line: int) -> tuple[float, str]:
    """``(value in the catalogue unit, note)``; only exact conversions (万元 ↔ 亿元, ×/÷ 10 000)."""
    if unit == catalogue_unit:
        return value, ""
    factor = UNIT_CONVERSIONS.get((unit, catalogue_unit))
    if factor is None:
        raise UnitMismatchError(f"unit {unit!r} does not match the catalogue unit "
                                f"{catalogue_unit!r} of {indicator_id} and cannot be converted",
                                path, line)
    mul, div = factor
    return value * mul / div, f"换算: 原值 {value:g} {unit}"


def drop_identical_repeats(records: list[dict], path: Path) -> list[dict]:
    """Check (district, indicator_id, year) keys: different values → ConflictError naming both
    lines; the same value from the same source → the repeat is dropped (nothing lost); the same
    value from different sources → both kept (they corroborate each other)."""
    first: dict[tuple, dict] = {}
    sources: set[tuple] = set()
    kept = []
    for r in records:
        key = (r["district"], r["indicator_id"], r["year"])
        seen = first.get(key)
        if seen is None:
            first[key] = r
            sources.add((*key, r["quote"]))
            kept.append(r)
            continue
        if not math.isclose(seen["value"], r["value"], rel_tol=1e-9, abs_tol=1e-12):
            scopes = ""
            if seen["_scope"] != r["_scope"]:
                scopes = f" (scope notes {seen['_scope']!r} vs {r['_scope']!r}: keep one 口径)"
            raise ConflictError(f"{r['district']} {r['indicator_id']} {r['year']} = {r['value']:g} "
                                f"conflicts with line {seen['source_line']} = {seen['value']:g}{scopes}",
                                path, r["source_line"])
        if (*key, r["quote"]) not in sources:
            sources.add((*key, r["quote"]))
            kept.append(r)
    return kept
