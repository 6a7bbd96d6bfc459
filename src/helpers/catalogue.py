"""The indicator catalogue (data/catalogue/indicators.csv) and printed-name aliases.

The catalogue is data, not code: canonical id → Chinese and English name, unit, measure,
direction and the broader `concept` that links comparable indicators across districts.
`aliases.csv` maps each name as printed in a table to its id.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceError
from .paths import ALIASES_CSV, CATALOGUE_CSV
from .values import UNITS, name_key, normalise_unit

if TYPE_CHECKING:
    import pandas as pd

CATALOGUE_COLUMNS = ["indicator_id", "name_zh", "name_en", "unit", "measure", "direction",
                     "concept", "notes"]
ALIAS_COLUMNS = ["district", "printed_name", "printed_unit", "indicator_id",
                 "unit_if_unprinted", "unit_quote"]

#: What kind of number a value is; analysis chooses its growth rule from this.
MEASURES = {
    "level": "a level at a point in time (亿元, 万元/亩 …)",
    "stock": "a running total that includes what existed before the plan",
    "cumulative": "counted from the plan's start (累计新增), excluding the base",
    "flow": "an amount per year (每年新增)",
    "growth_rate": "a yearly growth-rate target (年均增速)",
    "reduction_rate": "a cumulative % reduction versus the base year",
    "share": "a percentage share of something",
    "index": "an index value",
}
DIRECTIONS = ("higher", "lower")


def read_csv_rows(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """Rows of a UTF-8 (BOM optional) CSV as dicts, with the header checked.

    Each dict carries its 1-based file line as ``_line`` so errors can name it.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            # csv.reader and zip, as csv.DictReader does it but at half its cost (the catalogue of
            # 100 districts has ~5,000 rows, read by every report): blank lines skipped, a short
            # row's missing cells empty, a long row an error
            reader = csv.reader(f)
            header = next(reader, [])
            missing = [c for c in columns if c not in header]
            if missing:
                raise SourceError(f"missing columns {missing}; header is {header or None}", path, 1)
            width, rows = len(header), []
            for cells in reader:
                if len(cells) > width:
                    raise SourceError(f"more cells than header columns: {cells[width:]!r}", path,
                                      reader.line_num)
                values = [c.strip() for c in cells]
                if not any(values):
                    continue
                row = dict(zip(header, values))
                for name in header[len(values):]:
                    row[name] = ""
                row["_line"] = reader.line_num
                rows.append(row)
            return rows
    except FileNotFoundError:
        raise SourceError("file is missing", path) from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 ({exc.reason})", path) from None


def _mtime(path: Path) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except FileNotFoundError:
        return -1  # read_csv_rows reports the missing file


def load_catalogue(path: Path = CATALOGUE_CSV) -> dict[str, dict[str, str]]:
    """indicator_id → catalogue entry, validated (units, measures, directions, unique ids).
    Cached per file modification time, so an edited catalogue is read again."""
    return _load_catalogue(path, _mtime(path))


@lru_cache(maxsize=4)
def _load_catalogue(path: Path, _mtime_ns: int) -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for row in read_csv_rows(path, CATALOGUE_COLUMNS):
        line, iid = row["_line"], row["indicator_id"]
        if iid in entries:
            raise SourceError(f"indicator_id {iid!r} listed twice", path, line)
        if row["unit"] not in UNITS:
            raise SourceError(f"unknown unit {row['unit']!r} for {iid}", path, line)
        if row["measure"] not in MEASURES:
            raise SourceError(f"unknown measure {row['measure']!r} for {iid}; "
                              f"known: {', '.join(MEASURES)}", path, line)
        if row["direction"] not in DIRECTIONS:
            raise SourceError(f"direction must be higher or lower, got {row['direction']!r}",
                              path, line)
        entries[iid] = row
    return entries


def catalogue_entry(indicator_id: str) -> dict[str, str]:
    """The catalogue row of an indicator ({} when the id is not catalogued)."""
    return load_catalogue().get(indicator_id, {})


def name_zh(indicator_id: str) -> str:
    """The catalogue's Chinese name of an indicator (the id itself when it is not catalogued)."""
    return catalogue_entry(indicator_id).get("name_zh", indicator_id)


def catalogue_frame(path: Path = CATALOGUE_CSV) -> pd.DataFrame:
    """The catalogue as a frame indexed by indicator_id (the columns of CATALOGUE_COLUMNS; the
    entries' source line numbers left out)."""
    import pandas as pd
    return pd.DataFrame(list(load_catalogue(path).values()),
                        columns=CATALOGUE_COLUMNS).set_index("indicator_id")


def load_aliases(path: Path = ALIASES_CSV) -> dict[tuple[str, str, str], dict[str, str]]:
    """(district, name key, printed unit or '') → alias row (cached per modification time)."""
    return _load_aliases(path, _mtime(path))


@lru_cache(maxsize=4)
def _load_aliases(path: Path, _mtime_ns: int) -> dict[tuple[str, str, str], dict[str, str]]:
    aliases: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in read_csv_rows(path, ALIAS_COLUMNS):
        unit = normalise_unit(row["printed_unit"], file=path, line=row["_line"]) \
            if row["printed_unit"] else ""
        key = (row["district"], name_key(row["printed_name"]), unit)
        if key in aliases and aliases[key]["indicator_id"] != row["indicator_id"]:
            raise SourceError(f"{row['printed_name']!r} mapped to both "
                              f"{aliases[key]['indicator_id']} and {row['indicator_id']}",
                              path, row["_line"])
        aliases[key] = row
    return aliases


def alias_for(district: str, printed_name: str, printed_unit: str) -> dict[str, str] | None:
    aliases = load_aliases()
    key = name_key(printed_name)
    return aliases.get((district, key, printed_unit)) or aliases.get((district, key, ""))
