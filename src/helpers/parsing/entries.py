"""Entries files: plan values entered by hand from a web page, an image or a scan.

The file (``data/raw/<slug>_entries.csv``, an immutable copy registered with its checksum
under ``[[entries]]`` in data/districts/<slug>.toml) has one row per value, columns in this
order (UTF-8, BOM optional)::

    indicator,indicator_id,category,year,role,value,unit,value_text,source_title,
    source_doc_no,source_date,source_url,source_place,mirror,note

A row carries its source (document title, 文号, date, URL, place on the page) instead of a
verbatim quote. The build checks all it can: the catalogue id and its unit, the year inside the
plan period, the value against ``value_text``, the source fields, duplicates.

In data/clean/indicators.csv an entries row has ``section`` = ``网页录入`` (ENTRIES_SECTION),
``source_file`` = the entries file, ``source_line`` = its line in that file, ``quote`` =
``value_text`` (which stands verbatim on that line, so traceability checks hold) and a
``note`` that starts with ENTRIES_NOTE ("据原文录入，未与原文逐字核对") followed by the
citation: ``来源：<title>（<文号>，<date>），<place>；<url>`` (+ ``；转载`` for a mirror, then
``; `` and the row's own note). `source_of_entry` gives the source columns of a row back.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..catalogue import read_csv_rows
from ..errors import KitError, SourceError
from ..values import normalise_name
from .curated import check_value_fields, check_value_text

ENTRIES_COLUMNS = ["indicator", "indicator_id", "category", "year", "role", "value", "unit",
                   "value_text", "source_title", "source_doc_no", "source_date", "source_url",
                   "source_place", "mirror", "note"]
ENTRIES_GLOB = "*_entries.csv"
ENTRIES_SECTION = "网页录入"
ENTRIES_NOTE = "据原文录入，未与原文逐字核对"
MIRROR_STATES = ("official", "mirror")


def is_entry(df):
    """Mask of rows entered from a web page / scan (not checked against a stored text)."""
    return df["section"] == ENTRIES_SECTION


def citation(row: dict) -> str:
    """来源：<title>（<文号>，<date>），<place>；<url>[；转载]"""
    meta = "，".join(x for x in (row["source_doc_no"], row["source_date"]) if x)
    text = f"来源：{row['source_title']}" + (f"（{meta}）" if meta else "")
    text += f"，{row['source_place']}" + (f"；{row['source_url']}" if row["source_url"] else "")
    return text + ("；转载" if row["mirror"] == "mirror" else "")


def read_entries_checked(path: Path, district) -> tuple[list[dict], list[KitError]]:
    """(good rows in the build's row form, every problem with its line) of one entries file."""
    try:
        raw_rows = read_csv_rows(path, ENTRIES_COLUMNS)
    except SourceError as exc:
        return [], [exc]
    rows, problems, seen = [], [], {}
    for row in raw_rows:
        line = row.pop("_line")
        found: list[KitError] = []

        def bad(msg, cls=SourceError):
            found.append(cls(msg, path, line))

        year, value = check_value_fields(row, district, bad, found, path, line)
        check_value_text(row, value, bad, found, path, line,
                         "empty value_text (the number as printed, e.g. 39.8万元)")
        if not row["source_title"]:
            bad("empty source_title (the document's title)")
        if row["source_date"]:  # empty: the page prints no date
            try:
                dt.date.fromisoformat(row["source_date"])
            except ValueError:
                bad(f"source_date {row['source_date']!r} is not a date YYYY-MM-DD (or leave it "
                    "empty when the page prints none)")
        if not row["source_url"].startswith(("http://", "https://")):
            bad(f"source_url {row['source_url']!r} is not an http(s) address")
        if not row["source_place"]:
            bad("empty source_place (where on the page, e.g. 二、主要目标 第1段)")
        if row["mirror"] not in MIRROR_STATES:
            bad(f"mirror {row['mirror']!r} must be official or mirror")
        key = (row["indicator_id"], year, row["role"])
        if not found and key in seen:
            first_line, first_value = seen[key]
            bad(f"{row['indicator_id']} {year} {row['role']} entered twice (also line "
                f"{first_line}" + (f", value {first_value:g}" if first_value != value else "") + ")")
        problems += found
        if found:
            continue
        seen[key] = (line, value)
        note = "；".join(x for x in (ENTRIES_NOTE, citation(row)) if x)
        if row["note"]:
            note += f"; {row['note']}"
        rows.append({
            "district": district.slug, "indicator": normalise_name(row["indicator"]),
            "indicator_id": row["indicator_id"], "category": row["category"], "lead_agency": "",
            "year": year, "value": value, "unit": row["unit"], "role": row["role"],
            "source_file": path.name, "section": ENTRIES_SECTION, "source_line": line,
            "value_text": row["value_text"], "quote": row["value_text"], "note": note,
            "curated_file": path.name, "curated_line": line, "_origin": path.name,
        })
    return rows, problems


def entry_sources(source_file: str, raw_dir: Path | None = None) -> dict[int, dict[str, str]]:
    """line → the source columns (source_title, source_doc_no, source_date, source_url,
    source_place, mirror) of every row of an entries file in data/raw/, read once."""
    from .. import paths
    path = Path(raw_dir or paths.RAW_DIR) / source_file
    return {row["_line"]: {k: row[k] for k in ENTRIES_COLUMNS if k.startswith("source_") or k == "mirror"}
            for row in read_csv_rows(path, ENTRIES_COLUMNS)}


def source_of_entry(source_file: str, source_line: int, raw_dir: Path | None = None) -> dict[str, str]:
    """The source columns (source_title, source_doc_no, source_date, source_url, source_place,
    mirror) of the entries row at ``source_line`` of ``source_file`` in data/raw/."""
    from .. import paths
    path = Path(raw_dir or paths.RAW_DIR) / source_file
    for row in read_csv_rows(path, ENTRIES_COLUMNS):
        if row["_line"] == int(source_line):
            return {k: row[k] for k in ENTRIES_COLUMNS if k.startswith("source_") or k == "mirror"}
    raise SourceError(f"no entries row on line {source_line}", path, source_line)
