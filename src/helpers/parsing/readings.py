"""The intermediate form every parser produces: what was printed, where, and what it means."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SourceError
from ..values import is_empty_cell, normalise_name, unit_in_name
from .document import RawDocument

COMPOUND_SPLIT = re.compile(r"\s*[,，]\s*")


@dataclass
class Reading:
    district: str
    source_file: str
    section: str
    indicator: str  # name as printed, whitespace-normalised
    category: str
    lead_agency: str
    year: int
    role: str  # baseline | target
    value_text: str  # exact printed characters the value is read from
    quote: str  # verbatim substring of the source file
    line: int  # line of value_text
    header_unit: str | None  # unit printed in the indicator name, if any
    note: str = ""


def split_compound(name: str, value_text: str, doc: RawDocument, line: int) -> list[tuple[str, str]]:
    """Split a compound cell into (name part, value piece) pairs.

    '超百亿元/超50亿元/超20亿元项目数量(个)' with '1,2,3' gives three pairs; a plain cell gives
    one. The counts of name parts and value pieces must match.
    """
    pieces = COMPOUND_SPLIT.split(value_text.strip())
    if len(pieces) == 1:
        return [(name, value_text.strip())]
    parts = [p for p in name.split("/") if p]
    if len(parts) != len(pieces):
        raise SourceError(
            f"compound cell {value_text!r} has {len(pieces)} values but the name {name!r} "
            f"has {len(parts)} parts", doc.path, line)
    return list(zip(parts, pieces))


def row_readings(doc: RawDocument, *, district: str, section: str, category: str, name: str,
                 lead_agency: str, cols: list[tuple[int, str]], cells: list[str],
                 quote: str, line_of_cell: list[int], note: str = "",
                 compound: bool = True) -> list[Reading]:
    """Readings for one table row: one per non-empty cell and (``compound``) compound part."""
    name = normalise_name(name)
    whole_unit = unit_in_name(name)
    out: list[Reading] = []
    for (year, role), text, line in zip(cols, cells, line_of_cell):
        if is_empty_cell(text):
            continue
        pairs = split_compound(name, text, doc, line) if compound else [(name, text.strip())]
        for part_name, piece in pairs:
            out.append(Reading(
                district=district, source_file=doc.name, section=section,
                indicator=normalise_name(part_name), category=category,
                lead_agency=lead_agency, year=year, role=role, value_text=piece,
                quote=quote, line=line,
                header_unit=unit_in_name(part_name) or whole_unit,
                note=note + ("; " if note and part_name != name else "")
                + (f"compound cell {text.strip()!r}" if part_name != name else ""),
            ))
    return out
