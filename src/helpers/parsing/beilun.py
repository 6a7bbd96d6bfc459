"""北仑区: Annex 1 (四倍增、五跃升) and Annex 2 of the whole plan, and the standalone Annex 2.

Layouts handled here (the raw files are never edited):
- the whole plan prints tables as tab-separated rows; Annex 2 repeats its header on every
  page, and the 标准制修订 row has one merged cell ("30 项") standing for all five years;
- the standalone Annex 2 prints one cell per line; category cells are split over lines and
  doubled ("提质\\n\\n增效\\n提质\\n\\n增效"); a lead agency may continue on the next line.
"""
from __future__ import annotations

from ..errors import SourceError
from ..values import is_empty_cell, normalise_name
from .document import RawDocument, cell_grid, undouble
from .readings import Reading, row_readings, year_columns

DISTRICT = "beilun"
PLAN_FILE = "beilun_plan_2021-2025.txt"
ANNEX2_FILE = "beilun_annex2_targets.txt"
MERGED_NOTE = "merged cell: one value printed for all years"


def parse_plan_annexes(doc: RawDocument) -> list[Reading]:
    """Annex 1 and Annex 2 of the whole plan (tab-separated rows)."""
    annex1 = doc.find_line("附件 1", doc.find_line("附件：1.") + 2)
    annex2 = doc.find_line("附件 2", annex1)
    end = doc.find_line("(此页无正文)", annex2)
    return (_parse_tab_table(doc, "附件1", annex1, annex2 - 1)
            + _parse_tab_table(doc, "附件2", annex2, end - 1))


def _parse_tab_table(doc: RawDocument, section: str, first: int, last: int) -> list[Reading]:
    readings: list[Reading] = []
    cols: list[tuple[int, str]] | None = None
    category = ""
    for n in range(first, last + 1):
        line = doc.lines[n - 1]
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[0] == "指标类别":
            cols = year_columns(cells, doc, n)
            continue
        if cols is None:
            raise SourceError("table row before any header", doc.path, n)
        category = normalise_name(cells[0]) or category
        name = cells[1]
        values = cells[2:2 + len(cols)]
        rest = cells[2 + len(cols):]
        agency = rest[0] if rest else ""
        note = ""
        if _is_merged_row(values, agency, rest):
            # "…（项）\t30 项\t区市场监管局\t\t\t\t": one merged value for every year.
            agency, values, note = values[1], [values[0]] * len(cols), MERGED_NOTE
        if len(values) != len(cols):
            raise SourceError(f"row has {len(values)} value cells, header has {len(cols)}", doc.path, n)
        readings += row_readings(
            doc, district=DISTRICT, section=section, category=category, name=name,
            lead_agency=normalise_name(agency), cols=cols, cells=values,
            quote=line.strip(), line_of_cell=[n] * len(cols), note=note)
    return readings


def _is_merged_row(values: list[str], agency: str, rest: list[str]) -> bool:
    """A row whose first value cell spans all year columns: the agency lands in column 2."""
    if agency or len(values) < 2 or is_empty_cell(values[0]):
        return False
    second_is_text = not any(ch.isdigit() for ch in values[1]) and not is_empty_cell(values[1])
    return second_is_text and all(not v for v in values[2:] + rest)


def parse_standalone_annex2(doc: RawDocument) -> list[Reading]:
    """The standalone Annex 2: one cell per line, eight cells per row."""
    header_line = doc.find_line("\t指标类别")
    header, rows = cell_grid(doc, header_line, 8, "指标类别", "牵头单位")
    cols = year_columns(header, doc, header_line)
    readings: list[Reading] = []
    category = ""
    for row in rows:
        category = undouble(row[0].text()) or category
        name_cell, value_cells, agency_cell = row[1], row[2:2 + len(cols)], row[-1]
        quote = doc.text[name_cell.start:agency_cell.end].strip()
        readings += row_readings(
            doc, district=DISTRICT, section="附件2", category=category,
            name=name_cell.text(), lead_agency=agency_cell.text(" "), cols=cols,
            cells=[c.text() for c in value_cells], quote=quote,
            line_of_cell=[c.line for c in value_cells])
    return readings


def parse(raw_dir) -> list[Reading]:
    return (parse_plan_annexes(RawDocument(raw_dir / PLAN_FILE))
            + parse_standalone_annex2(RawDocument(raw_dir / ANNEX2_FILE)))
