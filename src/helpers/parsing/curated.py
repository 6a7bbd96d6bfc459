"""Hand-curated extraction files (data/raw/*_extraction.csv): rows that carry their quote.

Each row is checked as it is read: the quote occurs verbatim in the named raw file, the
value text occurs in the quote, and the number in the value text equals the value.
"""
from __future__ import annotations

from pathlib import Path

from ..catalogue import read_csv_rows
from ..errors import QuoteNotFoundError, SourceError, ValueParseError
from ..values import UNITS, parse_value_text, normalise_name
from .document import RawDocument

CURATED_COLUMNS = ["district", "source_file", "section", "indicator", "indicator_id",
                   "category", "lead_agency", "year", "value", "unit", "role", "value_text",
                   "quote", "note"]
CURATED_GLOB = "*_extraction.csv"


def read_curated(path: Path, documents: dict[str, RawDocument]) -> list[dict]:
    """Validated rows of one curated file, each with ``source_line`` located in its raw file."""
    rows = []
    for row in read_csv_rows(path, CURATED_COLUMNS):
        line = row.pop("_line")
        doc = documents.get(row["source_file"])
        if doc is None:
            raise SourceError(f"source_file {row['source_file']!r} is not a raw .txt file", path, line)
        try:
            year = int(row["year"])
        except ValueError:
            raise ValueParseError(f"year {row['year']!r} is not a whole number", path, line) from None
        try:
            value = float(row["value"])
        except ValueError:
            raise ValueParseError(f"value {row['value']!r} is not a number", path, line) from None
        if row["unit"] not in UNITS:
            raise SourceError(f"unknown unit {row['unit']!r}", path, line)
        if not row["quote"]:
            raise SourceError("empty quote", path, line)
        pos = doc.text.find(row["quote"])
        if pos < 0:
            raise QuoteNotFoundError(f"quote not found verbatim in {doc.name}: {row['quote']!r}",
                                     path, line)
        vpos = row["quote"].find(row["value_text"]) if row["value_text"] else -1
        if vpos < 0:
            raise SourceError(f"value_text {row['value_text']!r} is not in the quote", path, line)
        printed, _unit = parse_value_text(row["value_text"], file=path, line=line)
        if abs(printed - value) > 1e-9 * max(1.0, abs(value)):
            raise SourceError(f"value {value} does not match value_text {row['value_text']!r}",
                              path, line)
        rows.append({
            **row, "indicator": normalise_name(row["indicator"]), "year": year, "value": value,
            "source_line": doc.line_of(pos + vpos), "curated_file": path.name, "curated_line": line,
        })
    return rows
