"""`make data`: raw documents → data/clean/indicators.csv (+ manifest.json).

Nothing is written until every row has been read, resolved, validated and cross-checked;
files are then replaced atomically, so a failed build leaves the previous data/clean/ intact.
Unchanged input gives byte-identical output (no timestamps, stable sort).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

from . import paths
from .catalogue import alias_for, load_catalogue
from .districts import DISTRICTS
from .errors import ConflictError, KitError, SourceError, UnknownUnitError
from .files import atomic_write
from .parsing import beilun, yinzhou
from .parsing.curated import CURATED_GLOB, read_curated
from .parsing.document import RawDocument
from .parsing.readings import Reading
from .schema import COLUMNS, validate
from .values import normalise_unit, parse_value_text

TABLE_PARSERS = (beilun.parse, yinzhou.parse)
NARRATIVE_SECTION = "正文"


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


def reading_to_row(r: Reading, documents: dict[str, RawDocument]) -> dict:
    doc = documents[r.source_file]
    value, printed_unit = parse_value_text(r.value_text, file=doc.path, line=r.line)
    cell_unit = normalise_unit(printed_unit, file=doc.path, line=r.line) if printed_unit else None
    alias = alias_for(r.district, r.indicator, cell_unit or "")
    if alias is None:
        raise SourceError(f"no indicator_id for {r.indicator!r}: add it to "
                          f"data/catalogue/aliases.csv", doc.path, r.line)
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


def attach_catalogue(rows: list[dict]) -> None:
    """Add measure and direction from the catalogue; the unit must match the catalogue's."""
    catalogue = load_catalogue(paths.CATALOGUE_CSV)
    for row in rows:
        entry = catalogue.get(row["indicator_id"])
        where = row.get("curated_file") or row["source_file"]
        line = row.get("curated_line") or row["source_line"]
        if entry is None:
            raise SourceError(f"indicator_id {row['indicator_id']!r} is not in "
                              f"data/catalogue/indicators.csv", where, line)
        if entry["unit"] != row["unit"]:
            raise UnknownUnitError(f"{row['indicator_id']}: unit {row['unit']!r} does not match "
                                   f"the catalogue unit {entry['unit']!r}", where, line)
        row["measure"], row["direction"] = entry["measure"], entry["direction"]
        row["district_name"] = DISTRICTS[row["district"]].name


def check_agreement(rows: list[dict]) -> int:
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
            raise ConflictError(
                f"{row['indicator_id']} {row['year']} {row['role']}: {row['value_text']!r} here but "
                f"{first['value_text']!r} in {first['source_file']} line {first['source_line']}",
                row["source_file"], row["source_line"])
        agreed += 1
    return agreed


def check_duplicates(rows: list[dict]) -> list[dict]:
    """Drop exact duplicates; conflicting rows under one key are an error."""
    out, seen = [], {}
    for row in rows:
        key = tuple(row[c] for c in ("district", "indicator_id", "source_file", "section",
                                     "year", "role", "quote"))
        if key in seen:
            if seen[key]["value"] != row["value"]:
                raise ConflictError(f"two values ({seen[key]['value']} and {row['value']}) for "
                                    f"{row['indicator_id']} {row['year']} from the same quote",
                                    row.get("curated_file") or row["source_file"],
                                    row.get("curated_line") or row["source_line"])
            continue
        seen[key] = row
        out.append(row)
    return out


def build_table(raw_dir: Path = None) -> pd.DataFrame:
    """Read every raw input and return the validated indicator table (nothing written)."""
    raw_dir = raw_dir or paths.RAW_DIR
    documents = {p.name: RawDocument(p) for p in sorted(raw_dir.glob("*.txt"))}
    rows = [reading_to_row(r, documents) for parse in TABLE_PARSERS for r in parse(raw_dir)]
    for path in sorted(raw_dir.glob(CURATED_GLOB)):
        rows += read_curated(path, documents)
    rows = check_duplicates(rows)
    attach_catalogue(rows)
    check_agreement(rows)
    order = {slug: i for i, slug in enumerate(DISTRICTS)}
    df = pd.DataFrame(rows)[COLUMNS]
    # Document order: where each quote stands in its file (Zhenhai prints everything on one line).
    df["_pos"] = [documents[f].text.find(q) for f, q in zip(df["source_file"], df["quote"])]
    df["year"] = df["year"].astype(int)
    df["source_line"] = df["source_line"].astype(int)
    df["value"] = df["value"].astype(float)
    df = df.sort_values(
        ["district", "source_file", "section", "_pos", "indicator_id", "year", "role", "quote"],
        key=lambda s: s.map(order) if s.name == "district" else s, kind="stable",
    ).drop(columns="_pos").reset_index(drop=True)
    return validate(df)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes as written to data/clean: UTF-8 with BOM so Excel opens it cleanly."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def write_outputs(df: pd.DataFrame, raw_dir: Path, clean_dir: Path) -> dict:
    data = table_csv_bytes(df)
    inputs = sorted([*raw_dir.glob("*.txt"), *raw_dir.glob(CURATED_GLOB)])
    inputs += [paths.CATALOGUE_CSV, paths.ALIASES_CSV]
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


def rebuild(raw_dir: Path | None = None, clean_dir: Path | None = None) -> tuple[pd.DataFrame, dict]:
    """Build the table from raw_dir and, only if that succeeds, write it to clean_dir."""
    raw_dir, clean_dir = raw_dir or paths.RAW_DIR, clean_dir or paths.CLEAN_DIR
    df = build_table(raw_dir)
    return df, write_outputs(df, raw_dir, clean_dir)


def summary(df: pd.DataFrame) -> str:
    lines = [f"{'district':<9} {'name':<5} {'rows':>5} {'indicators':>10}  sections"]
    for slug, d in DISTRICTS.items():
        sub = df[df["district"] == slug]
        sections = ", ".join(f"{s} {n}" for s, n in sub.groupby("section").size().items())
        lines.append(f"{slug:<9} {d.name:<5} {len(sub):>5} {sub['indicator_id'].nunique():>10}  {sections}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    args = ap.parse_args(argv)
    try:
        if args.check:
            df = build_table(paths.RAW_DIR)
        else:
            df, manifest = rebuild()
    except KitError as exc:
        print(f"data build failed: {exc}", file=sys.stderr)
        return 1
    if not args.check:
        print(f"wrote data/clean/indicators.csv: {manifest['rows']} rows "
              f"(data version {manifest['data_version']})")
    print(summary(df))
    return 0


if __name__ == "__main__":
    sys.exit(main())
