"""鄞州区: Annex 1 indicator system (2022 base; 2023, 2025, 2027 targets).

One cell per line, eight cells per row (一级指标, 序号, 二级指标, four values, 责任单位). The
header's year cells are split over lines ("2022年\\n\\n基数"); 序号 12 is printed twice; some
names carry no unit (their unit comes from data/catalogue/aliases.csv, with the narrative
quote that states it).
"""
from __future__ import annotations

from ..errors import SourceError
from .document import RawDocument, cell_grid
from .readings import Reading, row_readings, year_columns

DISTRICT = "yinzhou"
PLAN_FILE = "yinzhou_plan_2022-2027.txt"


def parse_annex1(doc: RawDocument) -> list[Reading]:
    title = doc.find_line("附件：1.")
    header_line = doc.find_line("\t一级指标", title)
    header, rows = cell_grid(doc, header_line, 8, "一级指标", "责任单位")
    cols = year_columns(header, doc, header_line)
    readings: list[Reading] = []
    category = ""
    for row in rows:
        category = row[0].text() or category
        serial, name_cell, value_cells, agency_cell = row[1], row[2], row[3:3 + len(cols)], row[-1]
        if not serial.text().isdigit():
            raise SourceError(f"expected a 序号, found {serial.text()!r}", doc.path, serial.line)
        quote = doc.text[name_cell.start:agency_cell.end].strip()
        readings += row_readings(
            doc, district=DISTRICT, section="附件1", category=category,
            name=name_cell.text(), lead_agency=agency_cell.text(" "), cols=cols,
            cells=[c.text() for c in value_cells], quote=quote,
            line_of_cell=[c.line for c in value_cells], note=f"序号 {serial.text()}")
    return readings


def parse(raw_dir) -> list[Reading]:
    return parse_annex1(RawDocument(raw_dir / PLAN_FILE))
