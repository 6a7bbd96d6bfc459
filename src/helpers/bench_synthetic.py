"""SYNTHETIC districts for the scale benchmark (issue 12.4): N made-up districts cloned from the
real ones, values perturbed, clearly labelled. NEVER a source of figures for a report.

    python -m helpers.bench_synthetic N OUT_DIR [--seed S]

District ``k`` (1…N) is a copy of real district ``k mod M`` (kit order) under a new slug
``syn001`` and name ``合成区001``, with the source's city and plan years, where the M sources are
the districts built from documents in ``data/raw/`` (:func:`document_districts`; today the four
whole plans). Districts entered from a web page (a dozen rows each, or a province as benchmark)
are not cloned by default: N = 4 and N = 100 then time reports of the same mix of full plans, so
the per-report times compare, and adding an entered plan does not change the benchmark. Every row
of the source district is kept (same indicators, years, roles, sections, source places), with:

* ``value`` multiplied by one factor per (synthetic district, indicator) drawn from
  ``[1 - spread, 1 + spread]`` by a seeded generator (the same seed gives the same table), then
  rounded to the decimals the source printed; a value the rounding would leave unchanged moves
  one printed unit away from zero, so every non-zero value differs from the source while its
  sign, unit, measure and direction stay; shares in % stay within 0–100; zero stays zero;
* ``value_text`` the source's text with its number replaced by the new one (unit and qualifier
  such as 以上 kept);
* ``quote`` prefixed with :data:`QUOTE_MARK` (the rest is the source's quote, which prints the
  *real* number: the synthetic number is printed nowhere);
* ``note`` saying SYNTHETIC, the source district and its printed value.

:func:`write_synthetic` writes ``indicators.csv`` (the clean table's format) and
``districts.csv`` (slug, name, city, base_year, end_year, plan_title, source) into a folder;
:func:`write_synthetic_root` writes a whole kit root (``data/clean`` with a manifest,
``data/districts/<slug>.toml`` registry files, ``data/catalogue`` and ``data/raw`` copied) for
``DISTRICT_KIT_ROOT``. The kit's schema only
admits registered districts, so :func:`synthetic_schema` is the indicator schema with the
district checks widened to the synthetic ones (every other check unchanged).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .districts import DISTRICTS, District
from .errors import KitError

#: Label carried by every synthetic row (quote prefix; also in note and plan titles).
QUOTE_MARK = "【SYNTHETIC 合成数据，非原文数值】"
#: Default relative perturbation (±15 %).
DEFAULT_SPREAD = 0.15
DISTRICT_COLUMNS = ["slug", "name", "city", "base_year", "end_year", "plan_title", "source"]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class SyntheticDistrict:
    """A made-up district and the real one it was cloned from."""

    slug: str
    name: str
    city: str
    base_year: int
    end_year: int
    plan_title: str
    source: str  # slug of the real district

    def as_district(self) -> District:
        return District(self.slug, self.name, self.city, self.base_year, self.end_year,
                        self.plan_title)


def document_districts() -> list[str]:
    """Slugs (kit order) of the registered districts built from documents in ``data/raw/``:
    the default sources of the synthetic districts (module docstring)."""
    return [slug for slug, d in DISTRICTS.items() if getattr(d, "documents", ())]


def synthetic_districts(n: int, sources: list[str] | None = None) -> list[SyntheticDistrict]:
    """``n`` synthetic districts cycling over ``sources`` (default: :func:`document_districts`)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise KitError(f"number of synthetic districts must be a whole number ≥ 1, got {n!r}")
    sources = list(sources or document_districts())
    if not sources:
        raise KitError("no registered district is built from documents in data/raw/ to clone "
                       "(data/districts/*.toml list no [[documents]])")
    width = max(3, len(str(n)))
    out = []
    for k in range(1, n + 1):
        src = DISTRICTS[sources[(k - 1) % len(sources)]]
        tag = f"{k:0{width}d}"
        out.append(SyntheticDistrict(
            f"syn{tag}", f"合成区{tag}", src.city, src.base_year, src.end_year,
            f"合成方案{tag}（SYNTHETIC，据{src.name}方案扰动，非真实文件）", src.slug))
    return out


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _printed_number(value_text: str, value: float) -> re.Match | None:
    """The number in ``value_text`` that prints ``value`` (its absolute value), if any."""
    for m in _NUMBER.finditer(value_text):
        if math.isclose(float(m.group()), abs(value), rel_tol=1e-9, abs_tol=1e-9):
            return m
    return None


def _perturb(value: float, factor: float, decimals: int, unit: str) -> float:
    """``value × factor`` rounded to ``decimals``; moved one printed unit away from zero if that
    leaves it unchanged (or zero, or of the other sign); a share in % stays at most 100."""
    if value == 0:
        return 0.0
    step = 10.0 ** -decimals
    capped = unit == "%" and 0 < value <= 100
    new = round(value * factor, decimals)
    if capped:
        new = min(new, 100.0)
    if new == value or new == 0 or (new > 0) != (value > 0):
        new = value + (step if value > 0 else -step)
        if capped and new > 100:
            new = value - step
        new = round(new, decimals)
    return new


def _format(value: float, decimals: int) -> str:
    return f"{abs(value):.{decimals}f}"


def synthetic_table(n: int, *, seed: int = 0, spread: float = DEFAULT_SPREAD,
                    table: pd.DataFrame | None = None,
                    sources: list[str] | None = None) -> tuple[pd.DataFrame, list[SyntheticDistrict]]:
    """The SYNTHETIC indicator table for ``n`` districts (module docstring) and the districts.
    ``table`` is the real table to clone (default: :func:`helpers.load_indicators`)."""
    from .schema import COLUMNS
    if not 0 < spread < 1:
        raise KitError(f"spread must be between 0 and 1 (exclusive), got {spread!r}")
    if table is None:
        from .data import load_indicators
        table = load_indicators()
    districts = synthetic_districts(n, sources)
    rng = np.random.default_rng(seed)
    by_source = {slug: g for slug, g in table.groupby("district", sort=False)}
    shared = shared_ids(table, sorted({d.source for d in districts}))
    parts = []
    for d in districts:
        src = by_source.get(d.source)
        if src is None:
            raise KitError(f"district {d.source!r} has no rows in the table to clone")
        ids = sorted(src["indicator_id"].unique())
        factors = dict(zip(ids, rng.uniform(1 - spread, 1 + spread, len(ids))))
        rows = src.copy()
        values, texts = [], []
        for value, text, iid, unit in zip(rows["value"], rows["value_text"],
                                          rows["indicator_id"], rows["unit"]):
            m = _printed_number(text, value)
            if m:
                decimals = _decimals(m.group())
            else:  # the text does not print the value as such: three significant digits
                decimals = max(0, 2 - int(math.floor(math.log10(abs(value))))) if value else 0
            new = _perturb(float(value), float(factors[iid]), decimals, unit)
            values.append(new)
            if m:
                texts.append(text[:m.start()] + _format(new, decimals) + text[m.end():])
            else:
                texts.append(f"{'-' if new < 0 else ''}{_format(new, decimals)}{unit}")
        source_name = DISTRICTS[d.source].name
        rows["note"] = [f"SYNTHETIC: cloned from {d.source} ({source_name}), printed there as "
                        f"{t!r}; seed {seed}" + (f"; {nt}" if nt else "")
                        for t, nt in zip(rows["value_text"], rows["note"])]
        rows["value"] = values
        rows["value_text"] = texts
        rows["quote"] = QUOTE_MARK + rows["quote"]
        rows["district"] = d.slug
        rows["district_name"] = d.name
        rows["indicator_id"] = [i if i in shared else own_id(i, d.slug)
                                for i in rows["indicator_id"]]
        parts.append(rows)
    df = pd.concat(parts, ignore_index=True)[COLUMNS]
    return df.astype({"year": int, "source_line": int, "value": float}), districts


def shared_ids(table: pd.DataFrame, sources: list[str]) -> set[str]:
    """Indicator ids that at least two of the ``sources`` print: the ones the clones share.
    Every other id is the clone's own (:func:`own_id`), so a synthetic district shares with
    the others what its real source shares with the real ones — N = 4 and N = 100 reports
    rank the same indicators, against more districts."""
    per = table[table["district"].isin(sources)].groupby("indicator_id")["district"].nunique()
    return set(per[per >= 2].index)


def own_id(indicator_id: str, slug: str) -> str:
    """The id of a synthetic district's own copy of an indicator no other source prints."""
    return f"{indicator_id}_{slug}"


def synthetic_catalogue(df: pd.DataFrame, concepts: set[str]) -> pd.DataFrame:
    """The catalogue rows of a synthetic table's own indicators (:func:`own_id`): the source
    indicator's entry under the new id, with its concept when that is one of the shared
    ``concepts`` (helpers.compare.shared_concepts of the sources), else the new id (a concept of
    its own)."""
    from .catalogue import load_catalogue
    catalogue = load_catalogue()
    rows = []
    for slug, iid in df[["district", "indicator_id"]].drop_duplicates().itertuples(index=False):
        suffix = f"_{slug}"
        if iid in catalogue or not iid.endswith(suffix):
            continue
        entry = dict(catalogue[iid[:-len(suffix)]])
        entry.pop("_line", None)
        entry.update(indicator_id=iid,
                     concept=entry["concept"] if entry["concept"] in concepts else iid,
                     notes=f"SYNTHETIC: {slug}'s own copy of {iid[:-len(suffix)]}")
        rows.append(entry)
    return pd.DataFrame(rows)


def append_catalogue(path: Path, rows: pd.DataFrame) -> None:
    """Add ``rows`` (catalogue columns) at the end of the catalogue file ``path``."""
    from .files import atomic_write
    if len(rows) == 0:
        return
    text = path.read_text(encoding="utf-8-sig").rstrip("\n") + "\n"
    columns = list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
    added = rows[columns].to_csv(index=False, header=False, lineterminator="\n")
    atomic_write(path, (text + added).encode("utf-8-sig"))


def synthetic_schema(districts: list[SyntheticDistrict]):
    """The indicator schema with ``district``/``district_name`` checked against ``districts``
    instead of the registry; every other column check, the strictness and the unique key kept."""
    from . import schema
    if hasattr(schema, "indicator_schema"):  # the schema is built per registry
        return schema.indicator_schema({d.slug: d for d in districts})
    import pandera.pandas as pa
    slugs = [d.slug for d in districts]
    names = [d.name for d in districts]
    return schema.INDICATOR_SCHEMA.update_columns({
        "district": {"checks": [pa.Check.str_length(min_value=1), pa.Check.isin(slugs)]},
        "district_name": {"checks": [pa.Check.str_length(min_value=1), pa.Check.isin(names)]},
    })


def validate_synthetic(df: pd.DataFrame, districts: list[SyntheticDistrict]) -> pd.DataFrame:
    """Validate a synthetic table; raises KitError with pandera's failure list (no traceback)."""
    import pandera.errors
    try:
        return synthetic_schema(districts).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases[["column", "check", "failure_case"]].head(10)
        raise KitError("synthetic table fails the indicator schema:\n"
                       + cases.to_string(index=False)) from None


@dataclass
class SyntheticSet:
    """What :func:`write_synthetic` wrote."""

    table: Path
    districts_file: Path
    districts: list[SyntheticDistrict]
    rows: int
    data_version: str


def write_synthetic(folder: str | Path, n: int, *, seed: int = 0,
                    spread: float = DEFAULT_SPREAD, table: pd.DataFrame | None = None) -> SyntheticSet:
    """Write ``indicators.csv`` and ``districts.csv`` for ``n`` SYNTHETIC districts into
    ``folder`` (validated first; each file written atomically)."""
    df, districts = synthetic_table(n, seed=seed, spread=spread, table=table)
    return _write_table(folder, df, districts)


def _write_table(folder: str | Path, df: pd.DataFrame,
                 districts: list[SyntheticDistrict]) -> SyntheticSet:
    from .build import table_csv_bytes
    from .files import atomic_write
    validate_synthetic(df, districts)
    folder = Path(folder)
    data = table_csv_bytes(df)
    atomic_write(folder / "indicators.csv", data)
    reg = pd.DataFrame([asdict(d) for d in districts], columns=DISTRICT_COLUMNS)
    atomic_write(folder / "districts.csv", reg.to_csv(index=False, lineterminator="\n")
                 .encode("utf-8-sig"))
    return SyntheticSet(folder / "indicators.csv", folder / "districts.csv", districts, len(df),
                        "SYNTHETIC-" + hashlib.sha256(data).hexdigest()[:12])


def _toml_value(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(int(value))


def registry_toml(d: SyntheticDistrict, order: int, shared: set[str] | None = None) -> str:
    """A ``data/districts/<slug>.toml`` for a synthetic district: name, city, plan period and
    title, and the source district's milestone years and pledge sets (same indicator ids, or
    the district's own copies of those not in ``shared``, see :func:`shared_ids`); no
    documents (its rows come from the synthetic table, not from a build)."""
    src = DISTRICTS[d.source]
    lines = [f"# SYNTHETIC district for the scale benchmark, cloned from {d.source}: not a real plan",
             *(f"{key} = {_toml_value(getattr(d, key))}"
               for key in ("slug", "name", "city", "plan_title", "base_year", "end_year")),
             f"order = {order}"]
    if getattr(src, "milestone_years", None):
        lines.append(f"milestone_years = {_toml_value(src.milestone_years)}")
    for key, pledge in (getattr(src, "pledges", None) or {}).items():
        lines += ["", f"[pledges.{key}]", f"label = {_toml_value(pledge.get('label', ''))}",
                  f"kind = {_toml_value(pledge['kind'])}",
                  "indicator_ids = " + _toml_value([
                      i if shared is None or i in shared else own_id(i, d.slug)
                      for i in pledge["indicator_ids"]])]
    return "\n".join(lines) + "\n"


def write_synthetic_root(root: str | Path, n: int, *, seed: int = 0,
                         spread: float = DEFAULT_SPREAD) -> SyntheticSet:
    """A kit root for ``DISTRICT_KIT_ROOT``: ``data/raw`` and ``data/catalogue`` copied (times
    kept), a registry file per synthetic district in ``data/districts/`` (for a kit that reads
    its districts from there), then ``data/clean/indicators.csv``, ``districts.csv`` and
    ``manifest.json`` written last (so the table is newer than every input and nothing is
    rebuilt over it)."""
    from . import paths
    from .files import atomic_write
    root = Path(root)
    for sub in ("raw", "catalogue"):
        shutil.copytree(paths.ROOT / "data" / sub, root / "data" / sub, copy_function=shutil.copy2,
                        dirs_exist_ok=True)
    from .compare import shared_concepts
    from .data import load_indicators
    real = load_indicators()
    df, districts = synthetic_table(n, seed=seed, spread=spread, table=real)
    sources = sorted({d.source for d in districts})
    shared = shared_ids(real, sources)
    for k, d in enumerate(districts, start=1):
        atomic_write(root / "data" / "districts" / f"{d.slug}.toml", registry_toml(d, k, shared))
    append_catalogue(root / "data" / "catalogue" / "indicators.csv",
                     synthetic_catalogue(df, set(shared_concepts(real, sources))))
    clean = root / "data" / "clean"
    made = _write_table(clean, df, districts)
    manifest = {"table": "indicators.csv", "synthetic": True, "seed": seed, "districts": n,
                "rows": made.rows, "data_version": made.data_version,
                "sha256": hashlib.sha256(made.table.read_bytes()).hexdigest()}
    atomic_write(clean / "manifest.json",
                 json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return made


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.bench_synthetic",
                                description="Write SYNTHETIC districts (perturbed clones of the "
                                            "real ones) for the scale benchmark.")
    p.add_argument("n", type=int, help="number of synthetic districts")
    p.add_argument("out", type=Path, help="folder for indicators.csv and districts.csv")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--spread", type=float, default=DEFAULT_SPREAD)
    p.add_argument("--root", action="store_true",
                   help="write a whole kit root (data/raw, data/catalogue, data/clean) for "
                        "DISTRICT_KIT_ROOT instead of the two files")
    args = p.parse_args(argv)
    try:
        write = write_synthetic_root if args.root else write_synthetic
        made = write(args.out, args.n, seed=args.seed, spread=args.spread)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote SYNTHETIC data for {len(made.districts)} districts ({made.rows} rows, "
          f"data version {made.data_version}) to {made.table.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
