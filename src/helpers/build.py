"""`make data`: raw documents → data/clean/indicators.csv (+ manifest.json).

What is read comes from the district registry (data/districts/*.toml): each district's
documents (checked against their registered SHA-256), the tables inside them (read by
`helpers.parsing.tables` as the data file configures), its curated extraction files and its
entries files. Every problem found is reported at once, each naming its file and line: a
changed document, a file yielding fewer rows than registered, a bad curated value, an
unknown indicator or unit. Nothing is written until every row has been read, resolved,
validated and cross-checked; files are then replaced atomically, so a failed build leaves the
previous data/clean/ intact. Unchanged input gives byte-identical output (no timestamps,
stable sort).
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pandera.errors

from . import paths
from .catalogue import alias_for, load_catalogue
from .districts import District, load_districts
from .errors import ConflictError, KitError, ProblemList, SourceError, UnknownUnitError
from .files import atomic_write
from .parsing.curated import CURATED_GLOB, NARRATIVE_SECTION, read_curated_checked
from .parsing.document import RawDocument
from .parsing.entries import ENTRIES_GLOB, ENTRIES_SECTION, read_entries_checked
from .parsing.readings import Reading
from .parsing.tables import check_spec, read_table
from .schema import COLUMNS, validate
from .values import name_key, name_without_unit, normalise_unit, parse_value_text

#: What to run when a registered document was legitimately replaced.
REREGISTER = "python -m helpers.district register {slug}"
#: Unit conversions the catalogue messages suggest (1 <from> = factor <to>).
CONVERSIONS = {("亿元", "万元"): 10000, ("万元", "亿元"): 0.0001}


def resolve_unit(cell_unit: str | None, header_unit: str | None, fallback: str | None,
                 file, line) -> str:
    """The unit of a table value: printed in the cell, else in the name, else from aliases.

    '万吨' printed under a '(万吨标煤)' header is the header's unit; any other disagreement
    between cell and header is an error.
    """
    if cell_unit and header_unit and cell_unit != header_unit:
        if header_unit.startswith(cell_unit):
            return header_unit
        raise UnknownUnitError(f"cell unit {cell_unit!r} contradicts the header unit {header_unit!r}",
                               file, line)
    unit = cell_unit or header_unit or fallback
    if not unit:
        raise UnknownUnitError("no unit printed and none given in data/catalogue/aliases.csv",
                               file, line)
    return unit


def catalogue_alias(printed_name: str) -> dict | None:
    """A table name printed exactly as a catalogue name (its unit in brackets or none) maps to
    that id without an aliases.csv row: "规上工业亩均税收（万元/亩）" → tax_per_mu."""
    key = name_key(name_without_unit(printed_name))
    hits = [iid for iid, e in load_catalogue(paths.CATALOGUE_CSV).items() if name_key(e["name_zh"]) == key]
    if len(hits) != 1:
        return None
    return {"indicator_id": hits[0], "unit_if_unprinted": "", "unit_quote": ""}


def reading_to_row(r: Reading, documents: dict[str, RawDocument]) -> dict:
    doc = documents[r.source_file]
    value, printed_unit = parse_value_text(r.value_text, file=doc.path, line=r.line)
    cell_unit = normalise_unit(printed_unit, file=doc.path, line=r.line) if printed_unit else None
    alias = alias_for(r.district, r.indicator, cell_unit or "") or catalogue_alias(r.indicator)
    if alias is None:
        raise SourceError(f"no indicator_id for {r.indicator!r}: add it to "
                          f"data/catalogue/aliases.csv (district, printed_name, indicator_id)",
                          doc.path, r.line)
    fallback = alias["unit_if_unprinted"] or None
    if fallback and not (cell_unit or r.header_unit):
        doc.locate(alias["unit_quote"], line=r.line, what="aliases.csv unit_quote")
    unit = resolve_unit(cell_unit, r.header_unit, fallback, doc.path, r.line)
    return {
        "district": r.district, "indicator": r.indicator, "indicator_id": alias["indicator_id"],
        "category": r.category, "lead_agency": r.lead_agency, "year": r.year, "value": value,
        "unit": unit, "role": r.role, "source_file": r.source_file, "section": r.section,
        "source_line": r.line, "value_text": r.value_text, "quote": r.quote,
        "note": "; ".join(x for x in (r.note, fallback and f"unit from text: {alias['unit_quote']}") if x),
    }


def _tag(problems: list, start: int, slug: str) -> None:
    """Mark problems[start:] as belonging to a district (``check <slug>`` filters on it)."""
    for p in problems[start:]:
        if getattr(p, "district", None) is None:
            p.district = slug


def nearest_ids(catalogue: dict, indicator_id: str, name: str = "", n: int = 3) -> list[str]:
    """Catalogue ids nearest to an unknown id (by spelling) and to the printed name."""
    ids = difflib.get_close_matches(indicator_id, list(catalogue), n=n, cutoff=0.5)
    names = {e["name_zh"]: iid for iid, e in catalogue.items()}
    if name:
        ids += [names[m] for m in difflib.get_close_matches(name, list(names), n=n, cutoff=0.4)]
    return list(dict.fromkeys(ids))[:n + 2]


def unit_advice(row_unit: str, entry: dict, catalogue: dict) -> str:
    factor = CONVERSIONS.get((row_unit, entry["unit"]))
    same_concept = [iid for iid, e in catalogue.items()
                    if e["unit"] == row_unit and e["concept"] and e["concept"] == entry["concept"]]
    advice = f"allowed unit: {entry['unit']!r}"
    if factor:
        advice += f" (1 {row_unit} = {factor:g} {entry['unit']})"
    if same_concept:
        advice += f"; ids of the same concept in {row_unit}: {', '.join(same_concept)}"
    return advice + ("; a printed value stays as printed, so pick an id in the printed unit "
                     "or add one to data/catalogue/indicators.csv")


def attach_catalogue(rows: list[dict], registry: dict[str, District],
                     problems: list | None = None) -> list[dict]:
    """Add measure and direction from the catalogue; the unit must match the catalogue's.
    Rows that fail are left out and their problems appended to ``problems`` (raised when
    ``problems`` is None)."""
    catalogue = load_catalogue(paths.CATALOGUE_CSV)
    found, good = [], []
    for row in rows:
        entry = catalogue.get(row["indicator_id"])
        where = row.get("curated_file") or row["source_file"]
        line = row.get("curated_line") or row["source_line"]
        n_before = len(found)
        if entry is None:
            near = nearest_ids(catalogue, row["indicator_id"], row["indicator"])
            found.append(SourceError(
                f"indicator_id {row['indicator_id']!r} is not in data/catalogue/indicators.csv"
                + (f"; nearest: {', '.join(near)}" if near else "")
                + "; use one of these or add the id to the catalogue", where, line))
        elif entry["unit"] != row["unit"]:
            found.append(UnknownUnitError(
                f"{row['indicator_id']}: unit {row['unit']!r} does not match the catalogue "
                f"unit {entry['unit']!r}; {unit_advice(row['unit'], entry, catalogue)}",
                where, line))
        _tag(found, n_before, row["district"])
        if len(found) > n_before:
            continue
        row["measure"], row["direction"] = entry["measure"], entry["direction"]
        row["district_name"] = registry[row["district"]].name
        good.append(row)
    if problems is None and found:
        raise found[0] if len(found) == 1 else ProblemList(found)
    if problems is not None:
        problems += found
    return good


def check_agreement(rows: list[dict], problems: list | None = None) -> int:
    """The same series printed in several tables must agree; returns how many pairs agreed.

    Narrative (正文) rows are not checked here: disagreements there are audit findings.
    """
    seen: dict[tuple, dict] = {}
    agreed = 0
    for row in rows:
        if row["section"] == NARRATIVE_SECTION:
            continue
        key = (row["district"], row["indicator_id"], row["year"], row["role"])
        first = seen.setdefault(key, row)
        if first is row:
            continue
        if abs(first["value"] - row["value"]) > 1e-9:
            exc = ConflictError(
                f"{row['indicator_id']} {row['year']} {row['role']}: {row['value_text']!r} here but "
                f"{first['value_text']!r} in {first['source_file']} line {first['source_line']}",
                row["source_file"], row["source_line"])
            exc.district = row["district"]
            if problems is None:
                raise exc
            problems.append(exc)
            continue
        agreed += 1
    return agreed


def check_duplicates(rows: list[dict], problems: list | None = None) -> list[dict]:
    """Drop exact duplicates; conflicting rows under one key are an error."""
    out, seen = [], {}
    for row in rows:
        key = tuple(row[c] for c in ("district", "indicator_id", "source_file", "section",
                                     "year", "role", "quote"))
        if key in seen:
            if seen[key]["value"] != row["value"]:
                exc = ConflictError(f"two values ({seen[key]['value']} and {row['value']}) for "
                                    f"{row['indicator_id']} {row['year']} from the same quote",
                                    row.get("curated_file") or row["source_file"],
                                    row.get("curated_line") or row["source_line"])
                exc.district = row["district"]
                if problems is None:
                    raise exc
                problems.append(exc)
            continue
        seen[key] = row
        out.append(row)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _table_rows(doc: RawDocument, district: District, problems: list) -> list[dict]:
    rows = []
    spec_file = f"data/districts/{district.source or district.slug + '.toml'}"
    for spec in district.document(doc.name).tables:
        try:
            check_spec(spec, spec_file)
            readings = read_table(doc, district.slug, spec)
        except KitError as exc:
            problems.append(exc)
            continue
        said = set()  # one problem per printed name, not one per year cell
        for r in readings:
            if not district.base_year <= r.year <= district.end_year:
                key = ("year", r.year)
                if key not in said:
                    said.add(key)
                    problems.append(SourceError(
                        f"table {spec['section']!r} has a {r.year} column, outside the plan "
                        f"period {district.base_year}–{district.end_year} in {spec_file}", doc.path,
                        r.line))
                continue
            try:
                rows.append({**reading_to_row(r, {doc.name: doc}), "_origin": doc.name})
            except KitError as exc:
                key = (type(exc), str(exc).split(": ", 1)[-1])
                if key not in said:
                    said.add(key)
                    problems.append(exc)
    return rows


def read_inputs(raw_dir: Path, registry: dict[str, District]
                ) -> tuple[list[dict], list[KitError], dict[str, RawDocument]]:
    """Every row of every registered input, and every problem found on the way."""
    problems: list[KitError] = []
    documents: dict[str, RawDocument] = {}
    owners: dict[str, str] = {}
    for d in registry.values():
        start = len(problems)
        for reg in d.documents:
            path = raw_dir / reg.file
            if reg.file in owners:
                problems.append(SourceError(f"registered by both {owners[reg.file]} and {d.slug}",
                                            path))
                continue
            owners[reg.file] = d.slug
            if not path.exists():
                problems.append(SourceError(
                    f"raw file is missing (registered in data/districts/{d.slug}.toml)", path))
                continue
            if _sha256(path) != reg.sha256:
                problems.append(SourceError(
                    f"differs from the copy registered for {d.slug} (SHA-256 in "
                    f"data/districts/{d.slug}.toml): raw documents are never edited; restore "
                    f"the original, or if the document was legitimately replaced, re-register "
                    f"it with `{REREGISTER.format(slug=d.slug)}`", path))
            documents[reg.file] = RawDocument(path)
            for key in ("title", "doc_no", "date"):
                printed = getattr(reg, key)
                if printed and printed not in documents[reg.file].text:
                    problems.append(SourceError(
                        f"{key} {printed!r} (data/districts/{d.slug}.toml) is not printed verbatim "
                        "in the document: give it as the document prints it, or leave it out", path))
        _tag(problems, start, d.slug)
    for path in sorted(raw_dir.glob("*.txt")):
        if path.name not in owners:
            problems.append(SourceError(
                "not registered to any district; add it with `python -m helpers.district add "
                "<slug> --name <中文名> --document <file.txt>`", path))
    rows: list[dict] = []
    for d in registry.values():
        for reg in d.documents:
            if reg.file in documents and reg.tables and owners.get(reg.file) == d.slug:
                start = len(problems)
                try:
                    rows += _table_rows(documents[reg.file], d, problems)
                except KitError as exc:  # unreadable text
                    problems.append(exc)
                _tag(problems, start, d.slug)
    readers: dict[str, set[str]] = {}
    for d in registry.values():
        for reg in d.extractions:
            readers.setdefault(reg.file, set()).add(d.slug)
    for path in sorted(raw_dir.glob(CURATED_GLOB)):
        if path.name not in readers:
            problems.append(SourceError(
                "not listed under [[extractions]] by any district in data/districts/", path))
    for name in sorted(readers):
        got, found = read_curated_checked(raw_dir / name, documents, registry, readers[name])
        rows += got
        problems += found
    entry_files = {reg.file for d in registry.values() for reg in d.entries}
    for path in sorted(raw_dir.glob(ENTRIES_GLOB)):
        if path.name not in entry_files:
            problems.append(SourceError(
                "not listed under [[entries]] by any district in data/districts/", path))
    for d in registry.values():
        start = len(problems)
        for reg in d.entries:
            path = raw_dir / reg.file
            if not path.exists():
                problems.append(SourceError(
                    f"entries file is missing (registered in data/districts/{d.slug}.toml)", path))
                continue
            if reg.sha256 and _sha256(path) != reg.sha256:
                problems.append(SourceError(
                    f"differs from the copy registered for {d.slug} (SHA-256 in "
                    f"data/districts/{d.slug}.toml); restore it, or re-register a corrected "
                    f"file with `{REREGISTER.format(slug=d.slug)}`", path))
            got, found = read_entries_checked(path, d)
            rows += got
            problems += found
        _tag(problems, start, d.slug)
    return rows, problems, documents


def check_pledges(registry: dict[str, District], problems: list) -> None:
    """Every id of a declared pledge set must be in the catalogue."""
    catalogue = load_catalogue(paths.CATALOGUE_CSV)
    for d in registry.values():
        for key, p in d.pledges.items():
            unknown = [i for i in p["indicator_ids"] if i not in catalogue]
            if unknown:
                exc = SourceError(f"pledges.{key}: {', '.join(unknown)} not in "
                                  "data/catalogue/indicators.csv", d.source or f"{d.slug}.toml")
                exc.district = d.slug
                problems.append(exc)


def row_counts(rows: list[dict]) -> dict[tuple[str, str], int]:
    """(district, input file) → rows the build took from it."""
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["district"], row["_origin"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def check_counts(rows: list[dict], registry: dict[str, District], problems: list) -> None:
    """A registered input that yields fewer rows than registered stops the build. A file
    with a problem on one of its lines is not counted: that row is already reported."""
    counts = row_counts(rows)
    with_row_problems = {p.file for p in problems
                         if isinstance(p, SourceError) and p.line is not None}
    for d in registry.values():
        for reg in [*d.documents, *d.extractions, *d.entries]:
            got = counts.get((d.slug, reg.file), 0)
            if got < reg.rows and reg.file not in with_row_problems:
                problems.append(SourceError(
                    f"yields {got} rows for {d.slug}, {reg.rows} registered in "
                    f"data/districts/{d.slug}.toml ({reg.rows - got} missing); fix the file "
                    f"(see the problems above), or if rows were removed on purpose record the "
                    f"new count with `{REREGISTER.format(slug=d.slug)}`", reg.file))
                problems[-1].district = d.slug


def collect(raw_dir: Path | None = None, registry: dict[str, District] | None = None,
            counts: bool = True) -> tuple[pd.DataFrame | None, list[KitError], list[dict]]:
    """(table or None, every problem, the rows read) without raising on input problems."""
    raw_dir = Path(raw_dir or paths.RAW_DIR)
    registry = load_districts(paths.DISTRICTS_DIR) if registry is None else registry
    try:
        rows, problems, documents = read_inputs(raw_dir, registry)
    except KitError as exc:
        return None, [exc], []
    rows = check_duplicates(rows, problems)
    rows = attach_catalogue(rows, registry, problems)
    check_pledges(registry, problems)
    check_agreement(rows, problems)
    # by file and line, so a file's problems read top to bottom
    problems.sort(key=lambda p: (getattr(p, "file", None) or "", getattr(p, "line", None) or 0))
    if counts:
        check_counts(rows, registry, problems)
    if problems:
        return None, problems, rows
    if not rows:
        return None, [SourceError("no rows: no district registers any input", paths.DISTRICTS_DIR)], rows
    order = {slug: i for i, slug in enumerate(registry)}
    df = pd.DataFrame(rows)[COLUMNS]
    # Document order: where each quote stands in its file (Zhenhai prints everything on one
    # line); an entries row stands at its line of the entries file.
    df["_pos"] = [r["source_line"] if r["section"] == ENTRIES_SECTION
                  else documents[r["source_file"]].text.find(r["quote"]) for r in rows]
    df["year"] = df["year"].astype(int)
    df["source_line"] = df["source_line"].astype(int)
    df["value"] = df["value"].astype(float)
    df = df.sort_values(
        ["district", "source_file", "section", "_pos", "indicator_id", "year", "role", "quote"],
        key=lambda s: s.map(order) if s.name == "district" else s, kind="stable",
    ).drop(columns="_pos").reset_index(drop=True)
    try:
        return validate(df, registry), [], rows
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{c.column}: {c.check} failed for {c.failure_case!r}"
                 for c in cases.head(20).itertuples()]
        return None, [KitError("the built table fails its schema (helpers.schema): "
                               + "; ".join(lines))], rows


def build_table(raw_dir: Path = None, registry: dict[str, District] | None = None) -> pd.DataFrame:
    """Read every registered raw input and return the validated indicator table (nothing
    written). Raises the problem found, or a ProblemList of all of them."""
    df, problems, _ = collect(raw_dir, registry)
    if problems:
        raise problems[0] if len(problems) == 1 else ProblemList(problems)
    return df


def table_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes as written to data/clean: UTF-8 with BOM so Excel opens it cleanly."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def write_outputs(df: pd.DataFrame, raw_dir: Path, clean_dir: Path) -> dict:
    data = table_csv_bytes(df)
    inputs = sorted([*raw_dir.glob("*.txt"), *raw_dir.glob(CURATED_GLOB), *raw_dir.glob(ENTRIES_GLOB)])
    inputs += [paths.CATALOGUE_CSV, paths.ALIASES_CSV, *sorted(paths.DISTRICTS_DIR.glob("*.toml"))]
    manifest = {
        "table": "indicators.csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "data_version": hashlib.sha256(data).hexdigest()[:12],
        "rows": len(df),
        "rows_by_district_section": {
            f"{d}/{s}": int(n) for (d, s), n in df.groupby(["district", "section"]).size().items()},
        "inputs": {f"{p.parent.name}/{p.name}": _sha256(p) for p in inputs},
    }
    atomic_write(clean_dir / "indicators.csv", data)
    atomic_write(clean_dir / "manifest.json",
                  (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return manifest


def rebuild(raw_dir: Path | None = None, clean_dir: Path | None = None,
            registry: dict[str, District] | None = None) -> tuple[pd.DataFrame, dict]:
    """Build the table from raw_dir and, only if that succeeds, write it to clean_dir."""
    raw_dir, clean_dir = raw_dir or paths.RAW_DIR, clean_dir or paths.CLEAN_DIR
    df = build_table(raw_dir, registry)
    return df, write_outputs(df, raw_dir, clean_dir)


def summary(df: pd.DataFrame, registry: dict[str, District] | None = None) -> str:
    registry = load_districts(paths.DISTRICTS_DIR) if registry is None else registry
    width = max([9, *(len(s) for s in registry)])
    lines = [f"{'district':<{width}} {'name':<5} {'rows':>5} {'indicators':>10}  sections"]
    for slug, d in registry.items():
        sub = df[df["district"] == slug]
        sections = ", ".join(f"{s} {n}" for s, n in sub.groupby("section").size().items())
        lines.append(f"{slug:<{width}} {d.name:<5} {len(sub):>5} "
                     f"{sub['indicator_id'].nunique():>10}  {sections}")
    return "\n".join(lines)


def report_problems(problems: list[KitError], what: str = "data build failed") -> str:
    """The text a user sees: one problem per line, each naming file and line."""
    head = f"{what}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return "\n".join([head, *(f"  - {p}" for p in problems)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    args = ap.parse_args(argv)
    try:
        registry = load_districts(paths.DISTRICTS_DIR)
        df, problems, _ = collect(paths.RAW_DIR, registry)
        if problems:
            print(report_problems(problems), file=sys.stderr)
            return 1
        if not args.check:
            manifest = write_outputs(df, paths.RAW_DIR, paths.CLEAN_DIR)
    except KitError as exc:
        print(f"data build failed: {exc}", file=sys.stderr)
        return 1
    if not args.check:
        print(f"wrote data/clean/indicators.csv: {manifest['rows']} rows "
              f"(data version {manifest['data_version']})")
    print(summary(df, registry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
