"""Hand-curated extraction files (data/raw/*_extraction.csv): rows that carry their quote.

Each row is checked as it is read, and every problem of a file is reported at once with its
line: the district is registered and lists the file, the source document is one of the
district's, the section is one the document has, the name is not empty, the year is a whole
number inside the plan period, the value a finite plain number, the unit and role known, the
quote occurs verbatim in the raw file, the value text occurs in the quote and its number
equals the value. An optional ``review`` column says ``drafted`` (written by
``helpers.drafting``, not yet checked by a person) or ``reviewed`` (missing column: reviewed).
"""
from __future__ import annotations

from pathlib import Path

from ..catalogue import read_csv_rows
from ..errors import KitError, QuoteNotFoundError, SourceError, ValueParseError
from ..values import UNITS, normalise_name, parse_plain_number, parse_value_text
from .document import RawDocument

CURATED_COLUMNS = ["district", "source_file", "section", "indicator", "indicator_id",
                   "category", "lead_agency", "year", "value", "unit", "role", "value_text",
                   "quote", "note"]
CURATED_GLOB = "*_extraction.csv"
NARRATIVE_SECTION = "正文"
ROLES = ("baseline", "target")
REVIEW_STATES = ("drafted", "reviewed")
#: Appended to the note of a drafted row in data/clean (reports list these rows as unchecked).
DRAFTED_NOTE = "drafted: not yet reviewed"


def is_drafted(df):
    """Mask of rows drafted by helpers.drafting and not yet reviewed by a person."""
    return df["note"].str.contains(DRAFTED_NOTE, regex=False)


def allowed_sections(district, source_file: str) -> list[str]:
    """Sections a curated row from this document may name: 正文 plus the document's tables
    and declared ``sections``."""
    doc = district.document(source_file)
    extra = [*doc.sections, *(t.get("section") for t in doc.tables)] if doc else []
    return list(dict.fromkeys([*extra, NARRATIVE_SECTION]))


def check_value_fields(row: dict, district, bad, problems: list, path: Path, line: int
                       ) -> tuple[int | None, float | None]:
    """The checks a curated row and an entries row share: name and id present, the year a
    whole number inside the district's plan period, the value a plain number, the unit known,
    the role baseline or target. Each problem goes to ``bad`` (or ``problems``); returns
    (year, value), None where unreadable."""
    if not row["indicator"]:
        bad("empty indicator name")
    if not row["indicator_id"]:
        bad("empty indicator_id")
    year = None
    try:
        year = int(row["year"])
        if str(year) != row["year"]:
            raise ValueError
    except ValueError:
        bad(f"year {row['year']!r} is not a whole number", ValueParseError)
        year = None
    if year is not None and district is not None and not district.base_year <= year <= district.end_year:
        bad(f"year {year} is outside the plan period {district.base_year}–{district.end_year} "
            f"of {district.slug} (data/districts/{district.slug}.toml)")
    value = None
    try:
        value = parse_plain_number(row["value"], file=path, line=line)
    except ValueParseError as exc:
        problems.append(exc)
    if row["unit"] not in UNITS:
        bad(f"unknown unit {row['unit']!r}; known: {', '.join(sorted(UNITS))}")
    if row["role"] not in ROLES:
        bad(f"unknown role {row['role']!r}; use baseline or target")
    return year, value


def check_value_text(row: dict, value: float | None, bad, problems: list, path: Path, line: int,
                     empty_message: str) -> None:
    """The value_text a curated or entries row gives must be readable and equal the value;
    an empty one is reported with ``empty_message`` (each file says what it expects)."""
    if not row["value_text"]:
        bad(empty_message)
        return
    try:
        printed, _unit = parse_value_text(row["value_text"], file=path, line=line)
        if value is not None and abs(printed - value) > 1e-9 * max(1.0, abs(value)):
            bad(f"value {value} does not match value_text {row['value_text']!r}")
    except ValueParseError as exc:
        problems.append(exc)


def _check_row(row: dict, path: Path, line: int, documents: dict[str, RawDocument],
               registry: dict, readers: set[str]) -> tuple[dict | None, list[KitError]]:
    problems: list[KitError] = []

    def bad(msg, cls=SourceError):
        problems.append(cls(msg, path, line))

    slug = row["district"]
    district = registry.get(slug)
    if district is None:
        bad(f"unknown district {slug!r}; known: {', '.join(registry) or 'none'} "
            "(add one with python -m helpers.district add)")
    elif slug not in readers:
        bad(f"district {slug!r} does not list {path.name} under [[extractions]] in "
            f"data/districts/{slug}.toml")
    doc = documents.get(row["source_file"])
    if district is not None and district.document(row["source_file"]) is None:
        bad(f"source_file {row['source_file']!r} is not a registered document of {slug} "
            f"(its documents: {', '.join(d.file for d in district.documents) or 'none'})")
        doc = None
    elif doc is None and district is not None:
        bad(f"source_file {row['source_file']!r} is not in data/raw")
    if district is not None and district.document(row["source_file"]) is not None:
        sections = allowed_sections(district, row["source_file"])
        if row["section"] not in sections:
            bad(f"unknown section {row['section']!r} for {row['source_file']}; known: "
                f"{', '.join(sections)}")
    year, value = check_value_fields(row, district, bad, problems, path, line)
    review = row.get("review", "") or "reviewed"
    if review not in REVIEW_STATES:
        bad(f"review {row.get('review')!r} must be drafted or reviewed")
    pos = vpos = -1
    if not row["quote"]:
        bad("empty quote")
    elif doc is not None:
        pos = doc.text.find(row["quote"])
        if pos < 0:
            bad(f"quote not found verbatim in {doc.name}: {row['quote']!r}; copy the exact "
                f"characters from the document", QuoteNotFoundError)
        vpos = row["quote"].find(row["value_text"]) if row["value_text"] else -1
        if vpos < 0:
            bad(f"value_text {row['value_text']!r} is not in the quote; use the characters "
                "the value is printed with")
    check_value_text(row, value, bad, problems, path, line, "empty value_text")
    if problems:
        return None, problems
    note = row["note"]
    if review == "drafted":
        note = "; ".join(x for x in (note, DRAFTED_NOTE) if x)
    out = {k: v for k, v in row.items() if k in CURATED_COLUMNS}
    return {
        **out, "note": note, "indicator": normalise_name(row["indicator"]), "year": year,
        "value": value, "source_line": doc.line_of(pos + vpos), "curated_file": path.name,
        "curated_line": line, "_origin": path.name,
    }, []


def read_curated_checked(path: Path, documents: dict[str, RawDocument], registry: dict,
                         readers: set[str]) -> tuple[list[dict], list[KitError]]:
    """(good rows, every problem) of one curated file; ``readers`` are the districts that
    list it. A file that cannot be read at all is one problem."""
    try:
        raw_rows = read_csv_rows(path, CURATED_COLUMNS)
    except SourceError as exc:
        return [], [exc]
    rows, problems = [], []
    for raw in raw_rows:
        line = raw.pop("_line")
        row, found = _check_row(raw, path, line, documents, registry, readers)
        for p in found:
            p.district = raw["district"]
        problems += found
        if row is not None:
            rows.append(row)
    return rows, problems


def read_curated(path: Path, documents: dict[str, RawDocument], registry: dict | None = None,
                 readers: set[str] | None = None) -> list[dict]:
    """Validated rows of one curated file, each with ``source_line`` located in its raw file;
    raises the problem (or a ProblemList of all of them) when any row is bad."""
    from ..districts import DISTRICTS
    from ..errors import ProblemList
    registry = DISTRICTS if registry is None else registry
    readers = set(registry) if readers is None else readers
    rows, problems = read_curated_checked(path, documents, registry, readers)
    if problems:
        raise problems[0] if len(problems) == 1 else ProblemList(problems)
    return rows
