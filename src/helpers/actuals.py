"""Observed values ("actuals") entered by a researcher, loaded into the indicator table.

The plans hold baselines and targets only; what actually happened must come from a statistical
bulletin, a 政府工作报告, 亩均论英雄 results … entered by hand in ``data/actuals/actuals.csv``
(template and column guide: ``data/actuals/README.md``), and results as the districts publish them
in ``data/actuals/published.csv``. :func:`load_actuals` turns one such file into rows with
``role = "actual"`` in the columns of :func:`helpers.load_indicators` (validated with the same
schema) plus ``form`` and ``scope`` (:data:`EXTRA_COLUMNS`); :func:`load_report_actuals` is what
reports use: published results, with a user's ``actuals.csv`` added and winning where both give
a value. Bad input raises an error naming file and line; nothing is guessed.

Forms (``form`` column; how the district prints the figure, see ``data/actuals/README.md``):
``level`` the value itself (a level, a stock, the running total of a cumulative target, the
year's count of a flow, the growth of a growth-rate target, a share, a reduction rate);
``growth_rate`` year-on-year growth in %; ``added_in_year`` the amount added in that year only;
``share`` a share in %. ``scope`` is the 口径 as printed (全区 / 区本级 / 规上 / other text).
"""
from __future__ import annotations

import copy
import csv
import datetime as _dt
import hashlib
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
#: Header of the actuals CSV, in template order (``form`` and ``scope`` may be left out or empty:
#: form = level, scope = not stated).
ACTUALS_COLUMNS = ["district", "indicator_id", "indicator", "year", "value", "unit", "form",
                   "scope", "source_title", "source_url_or_doc", "scope_note", "entered_by",
                   "entered_on"]
REQUIRED_COLUMNS = ["district", "year", "value", "unit", "source_title", "source_url_or_doc"]
#: Header of data/actuals/published.csv, exactly (agreed between branches; UTF-8 with BOM).
PUBLISHED_COLUMNS = ["district", "indicator_id", "indicator", "year", "value", "unit", "form",
                     "scope", "source_title", "publisher", "source_url_or_doc", "source_date",
                     "source_place", "mirror", "note"]
PUBLISHED_REQUIRED = ["district", "indicator", "year", "value", "unit", "form", "scope",
                      "source_title", "publisher", "source_url_or_doc"]
#: Forms a result is printed in → Chinese label.
FORMS: dict[str, str] = {"level": "水平值", "growth_rate": "同比增速", "added_in_year": "当年新增",
                         "share": "占比"}
#: Columns load_actuals adds after the indicator-table columns (helpers.schema.COLUMNS).
EXTRA_COLUMNS = ["form", "scope"]
ACTUAL_TABLE_COLUMNS = COLUMNS + EXTRA_COLUMNS
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


def published_path() -> Path:
    """``data/actuals/published.csv`` under the project root (results as published)."""
    return paths.ROOT / "data" / "actuals" / "published.csv"


#: The actuals table's non-text columns and their dtypes (the rest hold text: str).
_NUMBER_DTYPES = {"year": "int64", "source_line": "int64", "value": "float64"}


def empty_actuals() -> pd.DataFrame:
    """An actuals table with no rows (columns: ACTUAL_TABLE_COLUMNS), built to the indicator
    schema's columns and dtypes. Not run through pandera: with no rows there is nothing to check
    but columns and dtypes, which tests/test_actuals.py holds to the schema, and the validation
    alone took 10 ms of every report on a project without published results."""
    out = pd.DataFrame({c: pd.Series(dtype=_NUMBER_DTYPES.get(c, str))
                        for c in ACTUAL_TABLE_COLUMNS})
    out.attrs["notices"] = []
    return out


def load_actuals(path: str | Path | None = None) -> pd.DataFrame:
    """Read an actuals CSV into rows with ``role = "actual"`` (columns: ACTUAL_TABLE_COLUMNS =
    helpers.schema.COLUMNS + form, scope).

    path: the CSV (UTF-8, BOM optional; a GBK/GB18030 file is refused with advice to save it as
    "CSV UTF-8"). Either the actuals template's columns or published.csv's (recognised by its
    ``publisher`` column). None → ``data/actuals/actuals.csv`` if it exists, else an empty
    table. An explicit path that does not exist is an error.
    A published row whose indicator is in no catalogue (empty indicator_id, printed name
    unknown) is not an error: it is listed in ``df.attrs["notices"]`` (reported, not dropped).
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
    try:
        key = (str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest(),
               id(load_catalogue()), id(load_aliases()),
               tuple((s, repr(DISTRICTS[s])) for s in DISTRICTS))
    except OSError:
        key = None  # unreadable: the reading below says why
    if key is not None and key in _LOADED:
        return _copy(_LOADED[key])
    out = _load_actuals(path)
    if key is not None:
        while len(_LOADED) >= 8:  # a few files per process: published.csv, actuals.csv …
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = out
    return _copy(out)


#: load_actuals results of this process, by file content, catalogue, aliases and registry (a
#: batch of reports in one kernel reads and validates data/actuals/published.csv once).
_LOADED: dict[tuple, pd.DataFrame] = {}


def _copy(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = copy.deepcopy(df.attrs)
    return out


def _load_actuals(path: Path) -> pd.DataFrame:
    check_encoding(path)
    published = _is_published(path)
    rows = read_csv_rows(path, PUBLISHED_REQUIRED if published else REQUIRED_COLUMNS)
    _check_indicator_columns(rows, path)
    catalogue = load_catalogue()
    names = PrintedNames(catalogue, load_aliases())
    records, notices = [], []
    for row in rows:
        if published and not row.get("indicator_id"):
            try:
                records.append(actual_record(row, path, catalogue, published, names))
            except UnknownIndicatorError:
                # (the reader's note is Chinese and names file and line; the exception's English
                # advice is for whoever adds the indicator to the catalogue)
                try:
                    who = resolve_district(row["district"]).name
                except UnknownDistrictError:
                    who = row["district"]
                notices.append(f"{path.name} 第{row['_line']}行 {who} "
                               f"{row.get('indicator', '')} {row['year']}年 {row['value']} "
                               f"{row['unit']}：目录中无对应指标，未用于评估")
            continue
        records.append(actual_record(row, path, catalogue, published, names))
    records = drop_identical_repeats(records, path)
    return _frame(records, notices)


def _frame(records: list[dict], notices: list[str]) -> pd.DataFrame:
    if not records:
        out = empty_actuals()
        out.attrs["notices"] = list(notices)
        return out
    df = pd.DataFrame([{c: r[c] for c in ACTUAL_TABLE_COLUMNS} for r in records],
                      columns=ACTUAL_TABLE_COLUMNS)
    df = df.astype({"year": int, "source_line": int, "value": float})
    out = validate(df[COLUMNS])
    for c in EXTRA_COLUMNS:
        out[c] = df[c].astype(str)
    out.attrs["notices"] = list(notices)
    return out


def load_report_actuals(path: str | Path | None = None) -> tuple[pd.DataFrame, str]:
    """The actuals a report uses and a label naming where they came from.

    path given → that file only. None → ``data/actuals/published.csv`` (results as the districts
    publish them) plus the user's ``data/actuals/actuals.csv`` when it exists; where both give a
    value for the same district, indicator, year, form and scope, the user's row wins and the
    published one is listed in ``attrs["notices"]`` (never silently dropped). Either file may be
    missing (then it contributes nothing). Errors as :func:`load_actuals`.
    """
    if path is not None:
        return load_actuals(path), Path(path).name
    parts, labels = [], []
    for p in (published_path(), default_actuals_path()):
        if p.exists():
            parts.append(load_actuals(p))
            labels.append(f"data/actuals/{p.name}")
    if not parts:
        return empty_actuals(), ""
    if len(parts) == 1:
        return parts[0], labels[0]
    return combine_actuals(parts[0], parts[1]), " + ".join(labels)


def combine_actuals(published: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """Published rows plus the user's; the user's row wins for the same (district,
    indicator_id, year, form, scope) and each published row it replaces becomes a notice."""
    key = ["district", "indicator_id", "year", "form", "scope"]
    user_keys = set(map(tuple, user[key].itertuples(index=False, name=None)))
    replaced = [tuple(k) in user_keys for k in published[key].itertuples(index=False, name=None)]
    notices = list(published.attrs.get("notices", [])) + list(user.attrs.get("notices", []))
    for r in published[replaced].itertuples(index=False):
        notices.append(f"{r.source_file} 第{r.source_line}行 {r.district_name} {r.indicator} "
                       f"{r.year}年 {r.value:g} {r.unit}：已由用户实际值文件的同年同口径数值取代")
    out = pd.concat([published[[not x for x in replaced]], user], ignore_index=True)
    out.attrs["notices"] = notices
    return out


def check_encoding(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the file; a GBK/GB18030 file (what Excel saves as
    "CSV" on Chinese Windows) gets the advice to save it again as "CSV UTF-8"."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError("file is missing", path) from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise SourceError(f"not UTF-8 ({exc.reason}); save it as \"CSV UTF-8\"", path,
                              line) from None
        raise SourceError("not UTF-8: this looks like a GBK/GB18030 file (Excel's \"CSV\" on "
                          "Chinese Windows); open it in Excel and save it again as "
                          "\"CSV UTF-8 (逗号分隔)\"", path, line) from None


def _is_published(path: Path) -> bool:
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    return "publisher" in [h.strip() for h in header]


def _check_indicator_columns(rows: list[dict], path: Path) -> None:
    if rows and "indicator_id" not in rows[0] and "indicator" not in rows[0]:
        raise SourceError("needs an indicator_id or an indicator column", path, 1)


def actual_record(row: dict[str, str], path: Path, catalogue: dict[str, dict[str, str]],
                  published: bool = False, names: PrintedNames | None = None) -> dict:
    """One CSV row (with its ``_line``) → one actuals-table record, or a SourceError subclass.
    ``names``: the printed-name lookup of ``catalogue`` (built here when not given; a file's
    reader builds it once for all its rows).

    Units: ``level``/``added_in_year`` values are converted to the catalogue unit (万元 ↔ 亿元
    only); ``growth_rate``/``share`` values must be in %. ``quote`` holds the source (title,
    publisher, URL or document, date, place on the page, mirror) as given."""
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
    form = parse_form(row.get("form", ""), path, line)
    percent_form = form in ("growth_rate", "share")
    # a growth rate or share printed under the quantity's name ("规上工业增加值" 增长4.3%) is
    # attached by its indicator_id; the printed name need not be that id's name
    printed = row.get("indicator", "") if not (percent_form and row.get("indicator_id")) else ""
    iid = resolve_indicator(row.get("indicator_id", ""), printed, district.slug,
                            "" if percent_form else unit, catalogue, path, line, names)
    entry = catalogue[iid]
    year = parse_year(row["year"], path, line)
    value = parse_number(row["value"], unit, path, line)
    if percent_form:
        if unit != "%":
            raise UnitMismatchError(f"a {form} value is in %, not {unit!r}", path, line)
        conversion = ""
    else:
        value, conversion = convert_unit(value, unit, entry["unit"], iid, path, line)
    title, doc = row["source_title"], row["source_url_or_doc"]
    if not title or not doc:
        missing = "source_title" if not title else "source_url_or_doc"
        raise MissingSourceError(f"{missing} is empty: every actual needs its source", path, line)
    if published and not row.get("publisher"):
        raise MissingSourceError("publisher is empty: every published result names its publisher",
                                 path, line)
    scope = unicodedata.normalize("NFKC", row.get("scope", "")).strip()
    note_parts = []
    if row.get("note"):
        note_parts.append(row["note"])
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
        "category": "", "lead_agency": "", "year": year, "value": value,
        "role": "actual", "measure": entry["measure"], "direction": entry["direction"],
        "source_file": path.name, "source_line": line,
        # the section tells apart a level, a growth rate and another scope's figure of the same
        # year from the same page (the indicator table's key has no form or scope column)
        "section": ACTUALS_SECTION + ("" if form == "level" else f"·{FORMS[form]}")
                   + (f"·{scope}" if scope else ""),
        "value_text": row["value"], "quote": source_text(row, published),
        "note": "; ".join(note_parts), "form": form, "scope": scope,
        "unit": entry["unit"] if not percent_form else "%",
        "_scope": scope or row.get("scope_note", ""),
    }


def source_text(row: dict[str, str], published: bool) -> str:
    """The source as the reader sees it: title, publisher, URL/document, date, place, mirror."""
    if not published:
        return f"{row['source_title']} {row['source_url_or_doc']}"
    parts = [row["source_title"], row.get("publisher", ""), row["source_url_or_doc"],
             row.get("source_date", ""), row.get("source_place", "")]
    text = " ".join(p for p in parts if p)
    if row.get("mirror", "") == "mirror":
        text += "（转载页）"
    return text


def parse_form(text: str, path: Path, line: int) -> str:
    """The form column: one of FORMS; empty means ``level`` (the target's own form)."""
    form = text.strip() or "level"
    if form not in FORMS:
        raise ValueParseError(f"form {text!r} is not one of {', '.join(FORMS)}", path, line)
    return form


def resolve_indicator(indicator_id: str, printed: str, district: str, unit: str,
                      catalogue: dict[str, dict[str, str]], path: Path, line: int,
                      names: PrintedNames | None = None) -> str:
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
        names = names if names is not None else PrintedNames(catalogue, load_aliases())
        by_name = names.ids(printed, district)
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


class PrintedNames:
    """Catalogue ids by printed name: the catalogue's name_zh and the aliases' printed names,
    indexed once by :func:`helpers.values.name_key` (a lookup that scanned the whole catalogue
    made reading a results file cost rows × catalogue entries: 5,000 entries at 100 districts)."""

    def __init__(self, catalogue: dict[str, dict[str, str]],
                 aliases: dict[tuple[str, str, str], dict[str, str]]):
        self._zh: dict[str, set[str]] = {}
        for iid, entry in catalogue.items():
            self._zh.setdefault(name_key(entry["name_zh"]), set()).add(iid)
        self._local: dict[tuple[str, str], set[str]] = {}
        self._any: dict[str, set[str]] = {}
        for (district, key, _), alias in aliases.items():
            self._local.setdefault((district, key), set()).add(alias["indicator_id"])
            self._any.setdefault(key, set()).add(alias["indicator_id"])

    def ids(self, printed: str, district: str) -> set[str]:
        """Ids whose name_zh or (this district's, else any district's) alias matches."""
        key = name_key(printed)
        ids = self._zh.get(key, set()) | self._local.get((district, key), set())
        return ids if ids else set(self._any.get(key, ()))


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
    s = unicodedata.normalize("NFKC", text).strip()
    if re.search(r"\s", s):
        raise ValueParseError(f"value {text!r} has a space inside: is it one number or two?",
                              path, line)
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
    """Check (district, indicator_id, year, form, scope) keys (a growth rate and a level of the
    same year, or a 全区 and a 区本级 figure, are different results): different values →
    ConflictError naming both lines; the same value from the same source → the repeat is dropped (nothing lost); the same
    value from different sources → both kept (they corroborate each other)."""
    first: dict[tuple, dict] = {}
    sources: set[tuple] = set()
    kept = []
    for r in records:
        key = (r["district"], r["indicator_id"], r["year"], r["form"], r["scope"])
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
            form = "" if r["form"] == "level" else f" ({r['form']})"
            raise ConflictError(f"{r['district']} {r['indicator_id']} {r['year']}{form} = {r['value']:g} "
                                f"conflicts with line {seen['source_line']} = {seen['value']:g}{scopes}",
                                path, r["source_line"])
        if (*key, r["quote"]) not in sources:
            sources.add((*key, r["quote"]))
            kept.append(r)
    return kept
