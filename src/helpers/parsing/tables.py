"""One reader for the two table layouts of the plans, configured per document in the
district's data file (``[[documents.tables]]`` in data/districts/<slug>.toml).

Layouts (the raw files are never edited):

``tab_rows``
    one table row per line, cells separated by tabs (Beilun's whole plan). A line whose first
    cell is ``header_first`` is a header (a header repeated on every page is read again);
    lines without a tab are skipped. With ``merged_cells``, a row whose first value cell spans
    every year column ("…（项）\\t30 项\\t区市场监管局\\t\\t\\t\\t") gives that value for each year.
``cell_lines``
    one cell per line: a line starting with a tab opens a cell, a following line without a
    tab continues it (names and agencies split over lines); ``columns`` cells make a row
    (Beilun's standalone Annex 2, Yinzhou's Annex 1).

Keys of a table (columns are 1-based, as a person counts them):

=====================  ======================================================================
``section``            section name in the clean table (附件1, 表2 …)
``layout``             ``tab_rows`` or ``cell_lines``
``start``              list of texts found one after another; the table starts at the line
                       holding the last one (each is searched from the line after the previous)
``end``                optional: the table ends before the first line after the start holding it
``header_first``       text of the header's first cell (``header_last``: its last cell,
                       checked for ``cell_lines``)
``columns``            ``cell_lines`` only: cells per row
``category_column``    column of the category (指标类别); an empty cell continues the one above
``name_column``        column of the indicator name
``serial_column``      optional: a 序号 column, which must be a whole number (noted as 序号 N)
``agency_column``      optional: the lead agency (default: the column after the last year)
``doubled_categories`` a category cell printed twice by the converter ("提质增效提质增效")
``merged_cells``       ``tab_rows`` only: detect one value spanning all year columns
``compound_cells``     default true: "1,2,3" under "超百亿元/超50亿元/超20亿元…" is three values
``base_word``          header word of a baseline column (default 基数)
``target_word``        header word of a target column (default 目标)
=====================  ======================================================================

Year columns are the header cells reading "<year> 年<base_word|target_word>", which must
stand next to each other.
"""
from __future__ import annotations

import re

from ..errors import SourceError
from ..values import is_empty_cell, normalise_name
from .document import RawDocument, cell_grid, undouble
from .readings import Reading, row_readings

LAYOUTS = ("tab_rows", "cell_lines")
KEYS = {"section", "layout", "start", "end", "header_first", "header_last", "columns",
        "category_column", "name_column", "serial_column", "agency_column",
        "doubled_categories", "merged_cells", "compound_cells", "base_word", "target_word"}
MERGED_NOTE = "merged cell: one value printed for all years"


class TableSpecError(SourceError):
    """A table layout in a district's data file that cannot be used."""


def check_spec(spec: dict, where) -> None:
    """Refuse unknown keys, missing keys and impossible columns (SourceError naming ``where``)."""
    unknown = sorted(set(spec) - KEYS)
    if unknown:
        raise TableSpecError(f"table {spec.get('section')!r}: unknown keys {unknown}; "
                             f"known: {', '.join(sorted(KEYS))}", where)
    for key in ("section", "layout", "start", "header_first", "name_column"):
        if key not in spec:
            raise TableSpecError(f"table {spec.get('section')!r}: missing key {key!r}", where)
    if spec["layout"] not in LAYOUTS:
        raise TableSpecError(f"table {spec['section']!r}: layout must be one of {LAYOUTS}", where)
    if spec["layout"] == "cell_lines" and not isinstance(spec.get("columns"), int):
        raise TableSpecError(f"table {spec['section']!r}: a cell_lines table needs columns = N", where)
    if not isinstance(spec["start"], list) or not spec["start"]:
        raise TableSpecError(f"table {spec['section']!r}: start must be a list of texts", where)


def year_columns(headers: list[str], doc: RawDocument, line: int, spec: dict
                 ) -> tuple[int, list[tuple[int, str]]]:
    """(index of the first year column, [(2020, 'baseline'), (2023, 'target'), …])."""
    base, target = spec.get("base_word", "基数"), spec.get("target_word", "目标")
    pattern = re.compile(rf"(\d{{4}})\s*年\s*({re.escape(base)}|{re.escape(target)})")
    found = []
    for i, h in enumerate(headers):
        m = pattern.search(re.sub(r"\s+", "", h))
        if m:
            found.append((i, (int(m.group(1)), "baseline" if m.group(2) == base else "target")))
    if not found:
        raise SourceError(f"no year columns in header {headers!r}", doc.path, line)
    idx = [i for i, _ in found]
    if idx != list(range(idx[0], idx[0] + len(idx))):
        raise SourceError(f"year columns of header {headers!r} are not side by side", doc.path, line)
    return idx[0], [c for _, c in found]


def _bounds(doc: RawDocument, spec: dict) -> tuple[int, int | None]:
    line = 0
    for marker in spec["start"]:
        line = doc.find_line(marker, line + 1)
    end = doc.find_line(spec["end"], line + 1) - 1 if spec.get("end") else None
    return line, end


def _col(spec: dict, key: str) -> int | None:
    """0-based index of a 1-based column key, None when the key is absent."""
    return spec[key] - 1 if spec.get(key) is not None else None


def _agency_col(spec: dict, vstart: int, ncols: int) -> int:
    col = _col(spec, "agency_column")
    return vstart + ncols if col is None else col


def read_table(doc: RawDocument, district: str, spec: dict) -> list[Reading]:
    """Readings of one configured table of a document."""
    first, last = _bounds(doc, spec)
    if spec["layout"] == "tab_rows":
        return _tab_rows(doc, district, spec, first, last or len(doc.lines))
    return _cell_lines(doc, district, spec, first, last)


def _category(text: str, spec: dict, previous: str) -> str:
    if spec.get("doubled_categories"):
        text = undouble(text)
    return text or previous


def _tab_rows(doc, district, spec, first, last) -> list[Reading]:
    readings: list[Reading] = []
    cols: list[tuple[int, str]] | None = None
    vstart = 0
    category = ""
    cat_col, name_col = _col(spec, "category_column"), _col(spec, "name_column")
    for n in range(first, last + 1):
        line = doc.lines[n - 1]
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[0] == spec["header_first"]:
            vstart, cols = year_columns(cells, doc, n, spec)
            continue
        if cols is None:
            raise SourceError("table row before any header", doc.path, n)
        if cat_col is not None:
            category = _category(normalise_name(cells[cat_col]), spec, category)
        name = cells[name_col]
        values = cells[vstart:vstart + len(cols)]
        agency_col = _agency_col(spec, vstart, len(cols))
        rest = cells[agency_col:]
        agency = rest[0] if rest else ""
        note = ""
        if spec.get("merged_cells") and _is_merged_row(values, agency, rest):
            agency, values, note = values[1], [values[0]] * len(cols), MERGED_NOTE
        if len(values) != len(cols):
            raise SourceError(f"row has {len(values)} value cells, header has {len(cols)}",
                              doc.path, n)
        readings += row_readings(
            doc, district=district, section=spec["section"], category=category, name=name,
            lead_agency=normalise_name(agency), cols=cols, cells=values, quote=line.strip(),
            line_of_cell=[n] * len(cols), note=note,
            compound=spec.get("compound_cells", True))
    return readings


def _is_merged_row(values: list[str], agency: str, rest: list[str]) -> bool:
    """A row whose first value cell spans all year columns: the agency lands in column 2."""
    if agency or len(values) < 2 or is_empty_cell(values[0]):
        return False
    second_is_text = not any(ch.isdigit() for ch in values[1]) and not is_empty_cell(values[1])
    return second_is_text and all(not v for v in values[2:] + rest)


def _cell_lines(doc, district, spec, first, last) -> list[Reading]:
    ncols = spec["columns"]
    header, rows = cell_grid(doc, first, ncols, spec["header_first"],
                             spec.get("header_last"), last)
    vstart, cols = year_columns(header, doc, first, spec)
    cat_col, name_col = _col(spec, "category_column"), _col(spec, "name_column")
    serial_col = _col(spec, "serial_column")
    agency_col = _agency_col(spec, vstart, len(cols))
    if agency_col >= ncols:
        raise TableSpecError(f"table {spec['section']!r}: agency column {agency_col + 1} is "
                             f"beyond the {ncols} columns", doc.path, first)
    readings: list[Reading] = []
    category = ""
    for row in rows:
        if cat_col is not None:
            category = _category(row[cat_col].text(), spec, category)
        name_cell, value_cells, agency_cell = row[name_col], row[vstart:vstart + len(cols)], row[agency_col]
        note = ""
        if serial_col is not None:
            serial = row[serial_col]
            if not serial.text().isdigit():
                raise SourceError(f"expected a 序号, found {serial.text()!r}", doc.path, serial.line)
            note = f"序号 {serial.text()}"
        quote = doc.text[name_cell.start:agency_cell.end].strip()
        readings += row_readings(
            doc, district=district, section=spec["section"], category=category,
            name=name_cell.text(), lead_agency=agency_cell.text(" "), cols=cols,
            cells=[c.text() for c in value_cells], quote=quote,
            line_of_cell=[c.line for c in value_cells], note=note,
            compound=spec.get("compound_cells", True))
    return readings
