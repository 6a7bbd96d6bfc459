"""Analysis once (issue 12.1): every district's analysis tables, computed in one pass over the
indicator table and kept in ``data/clean/analysis/`` for the reports to read.

``python -m helpers.analysis`` (run by ``make data`` right after the build) computes, for every
district of the clean table, what :func:`helpers.report.prepare_report` shows: the plan rows,
the collapsed series (and the series whose copies disagree), growth (``growth_table``, with its
skipped series), the pledge checks (``doubling_check``/``leap_check`` through
``report.pledge_tables``), the milestone fit (with its skipped series), the audit, and — once
for all districts, not once per report — the cross-district comparison
(``compare.compare_districts``) and the levels at a common year (``compare.level_comparison``).
Each per-district analysis runs on that district's rows only, so the pass is linear in the
number of districts.

Files (Parquet): ``plan``, ``series``, ``growth``, ``doubling``, ``leap``, ``fit``, ``findings``,
one file per district (``<name>/<slug>.parquet``, all of a table's files with one schema, so
``pandas.read_parquet("data/clean/analysis/growth")`` reads every district's at once);
``comparison`` and ``levels`` (``<name>.parquet``, one row group per concept);
``districts/<slug>.json`` (which tables the district has rows in, its shared concepts, the
series that form none, the pledge note, the series growth and milestones skipped);
``comparison.csv`` (the tidy comparison, UTF-8 with BOM for Excel); ``manifest.json`` written
last: the cache key, the districts cached, the ones whose analysis failed (their reports
compute, and show the error), the concepts' row groups. Every file carries the key; a report
reads the manifest, its JSON, its own seven files and the row groups of its concepts: files
whose size does not grow with the number of districts (one file's footer would list every
district's row group).

The cache key (:func:`analysis_key`) is the data version of ``data/clean/manifest.json`` plus a
digest of everything else the numbers depend on: the district registry as loaded, the
catalogue, the labels and the kit's code. :func:`district_analysis` gives a district's tables
when the cache is fresh — rebuilding a missing or stale cache first — and None when the cache
cannot be used (then the report computes them itself); it never returns analysis of another
data version.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .errors import AnalysisError, KitError

#: Format of the cache files; bump when their layout changes.
FORMAT = 2
#: Per-district tables (one file per district: ``<name>/<slug>.parquet``) and cross-district
#: ones (``<name>.parquet``, one row group per concept).
DISTRICT_TABLES = ("plan", "series", "growth", "doubling", "leap", "fit", "findings")
CONCEPT_TABLES = ("comparison", "levels")
SKIPPED_COLUMNS = ["district", "indicator_id", "reason"]
#: Parquet metadata key: object columns stored as a nullable type, restored on reading.
_OBJECT_KEY = b"helpers.object_columns"
_KEY_KEY = b"helpers.analysis_key"


def analysis_dir() -> Path:
    """Where the cache lives: ``data/clean/analysis``."""
    return paths.CLEAN_DIR / "analysis"


# --------------------------------------------------------------------------- the cache key

_CODE_DIGEST: dict[tuple, str] = {}


def _code_digest() -> str:
    """Digest of the kit's code and labels (src/helpers/**/*.py, labels/*.toml), recomputed
    only when a file's size or modification time changes."""
    root = Path(__file__).resolve().parent
    files = sorted([*root.rglob("*.py"), *root.glob("labels/*.toml")])
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if stamp not in _CODE_DIGEST:
        h = hashlib.sha256()
        for p in files:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
        _CODE_DIGEST.clear()
        _CODE_DIGEST[stamp] = h.hexdigest()
    return _CODE_DIGEST[stamp]


def _data_version() -> str:
    return json.loads(paths.MANIFEST_JSON.read_text(encoding="utf-8"))["data_version"]


def analysis_key(data_version: str | None = None) -> str:
    """The key a cache must carry to be used: data version (data/clean/manifest.json), the
    district registry as loaded (base/end years, milestone years, pledges, audit links …),
    the catalogue, the labels and the code."""
    from .districts import DISTRICTS
    h = hashlib.sha256()
    h.update(f"format {FORMAT}\0data {data_version or _data_version()}\0".encode())
    for slug in DISTRICTS:
        h.update(repr(DISTRICTS[slug]).encode() + b"\0")
    h.update(Path(paths.CATALOGUE_CSV).read_bytes() + b"\0")
    h.update(_code_digest().encode())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- computing


@dataclass
class DistrictTables:
    """What prepare_report shows of one district's plan, before actuals: the plan rows,
    series (indicator_id → collapse_best frame, in plan order), unusable (indicator_id → why
    its copies form no series), growth, doubling / leap (None without a base), pledge_note,
    fit, findings, tidy (the comparison on the shared concepts it prints) and levels
    (level_comparison of tidy; None: compute from tidy)."""

    plan: pd.DataFrame
    series: dict
    unusable: dict
    growth: pd.DataFrame
    doubling: pd.DataFrame | None
    leap: pd.DataFrame | None
    pledge_note: str
    fit: pd.DataFrame
    findings: pd.DataFrame
    tidy: pd.DataFrame
    levels: pd.DataFrame | None = None


def compute_district(df: pd.DataFrame, slug: str, tidy: pd.DataFrame | None = None) -> DistrictTables:
    """One district's tables computed from ``df`` (the indicator table, or only this district's
    rows when ``tidy`` — its comparison slice — is given). The computed path of prepare_report
    and each step of :func:`compute_all`."""
    from .audit import audit
    from .compare import compare_districts
    from .growth import growth_table
    from .milestones import milestone_fit
    from .report import concepts_of_district, pledge_tables
    from .series import collapsed_groups
    collapsed = collapsed_groups(df, slug, "best")  # tables, else the text; once per series
    series = {iid: s for (_, iid), s in collapsed.items() if not isinstance(s, AnalysisError)}
    unusable = {iid: str(s) for (_, iid), s in collapsed.items() if isinstance(s, AnalysisError)}
    doubling, leap, pledge_note = pledge_tables(df, slug)
    growth = growth_table(df, slug, source="best", collapsed=collapsed)
    fit = milestone_fit(df, slug, source="best", collapsed=collapsed)
    findings = audit(df, slug)
    if tidy is None:
        tidy = compare_districts(df, concepts=concepts_of_district(df, slug))
    return DistrictTables(
        plan=df[df["district"] == slug], series=series, unusable=unusable, growth=growth,
        doubling=doubling, leap=leap, pledge_note=pledge_note, fit=fit, findings=findings,
        tidy=tidy)


#: What the forked analysts inherit: the table's rows per district, and the empty comparison
#: slice every district's tables get (the comparison is computed once, for all, afterwards).
_JOB: tuple[dict[str, pd.DataFrame], pd.DataFrame | None] = ({}, None)


def _analyse(slug: str) -> DistrictTables | str:
    """One district's tables from ``_JOB``, or the message of the kit error it raised."""
    rows, empty_tidy = _JOB
    try:
        return compute_district(rows[slug], slug, tidy=empty_tidy)
    except KitError as exc:
        return str(exc)


def _district_results(rows: dict[str, pd.DataFrame], slugs: list[str],
                      jobs: int) -> dict[str, DistrictTables | str]:
    """slug → its DistrictTables or its kit error's message, in the order of ``slugs``. Each
    district's analysis reads only its own rows, so with ``jobs`` > 1 they run side by side in
    forked processes (the rows are inherited, the tables come back pickled); any other
    exception is raised here, as in the serial loop."""
    global _JOB
    _JOB = (rows, _empty("comparison"))
    try:
        jobs = max(1, min(int(jobs), len(slugs)))
        if jobs == 1:
            return {slug: _analyse(slug) for slug in slugs}
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor
        chunk = max(1, len(slugs) // (4 * jobs))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
            return dict(zip(slugs, pool.map(_analyse, slugs, chunksize=chunk)))
    finally:
        _JOB = ({}, None)


@dataclass
class AllTables:
    """:func:`compute_all`'s result: per district tables, the districts whose analysis failed
    (slug → message), the full comparison and levels, and each district's concepts."""

    districts: dict[str, DistrictTables]
    failed: dict[str, str]
    comparison: pd.DataFrame
    levels: pd.DataFrame
    concepts: dict[str, list[str]]


def compute_all(df: pd.DataFrame, jobs: int = 1) -> AllTables:
    """Every district's tables in one pass: each district's analyses on its own rows, then the
    comparison once over all districts from those results (never per report). A district whose
    analysis raises a kit error is left out (``failed``): its report computes and shows it.
    ``jobs`` > 1: the districts are analysed in that many forked processes (the result is the
    same; see :func:`_district_results`)."""
    from .compare import concept_of, level_comparison, shared_concepts, tidy_frame
    from .series import district_slugs, is_narrative, is_table
    shared = shared_concepts(df)
    shown = df[is_table(df) | is_narrative(df)]
    own = {slug: set(map(concept_of, ids.unique()))
           for slug, ids in shown.groupby("district", sort=False)["indicator_id"]}
    concepts = {slug: [c for c in shared if c in own.get(slug, set())]
                for slug in district_slugs(df)}
    rows = dict(tuple(df.groupby("district", sort=False)))
    done, failed = {}, {}
    for slug, result in _district_results(rows, district_slugs(df), jobs).items():
        if isinstance(result, DistrictTables):
            done[slug] = result
        else:
            failed[slug] = result
    if failed:  # the failed districts' series still count in the others' comparison
        from .compare import compare_districts
        comparison = compare_districts(df, concepts=shared)
    else:  # from the series and growth just computed, not a second time
        series = {(slug, iid): s for slug, t in done.items() for iid, s in t.series.items()}
        growth = _concat([t.growth for t in done.values()]) if done \
            else pd.DataFrame(columns=["district", "indicator_id"])
        comparison = tidy_frame(series, growth, shared)
    levels = level_comparison(comparison)
    return AllTables(done, failed, comparison, levels, concepts)


# --------------------------------------------------------------------------- Parquet


def _nullable(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Object columns that mix values with pd.NA (bool or int with NA, all-NA) as nullable
    extension columns Parquet can store; returns the frame and {column: kind} to undo it."""
    kinds, out = {}, {}
    for c in frame.columns:
        col = frame[c]
        if col.dtype != object:
            continue
        vals = [v for v in col if not (v is None or v is pd.NA or (isinstance(v, float) and v != v))]
        if len(vals) == len(col) and all(isinstance(v, str) for v in vals):
            continue  # plain strings: Parquet keeps them as object
        if all(isinstance(v, bool) for v in vals):
            kinds[c], out[c] = "boolean", pd.array(list(col), dtype="boolean")
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            kinds[c], out[c] = "Int64", pd.array(list(col), dtype="Int64")
        else:
            raise AnalysisError(f"analysis cache: column {c!r} mixes types Parquet cannot keep")
    return (frame.assign(**out) if out else frame), kinds


def _restore(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    for c in kinds:
        frame[c] = frame[c].astype(object)
    return frame


def _arrow_table(frame: pd.DataFrame, cache_key: str):
    """``frame`` as an Arrow table carrying the cache key and the object columns' kinds."""
    import pyarrow as pa
    stored, kinds = _nullable(frame.reset_index(drop=True))
    table = pa.Table.from_pandas(stored, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[_OBJECT_KEY] = json.dumps(kinds).encode()
    meta[_KEY_KEY] = cache_key.encode()
    return table.replace_schema_metadata(meta)


def _runs(by: list) -> list[tuple[str, int, int]]:
    """(value, start, length) of each run of equal values in ``by``."""
    runs, start = [], 0
    for i in range(1, len(by) + 1):
        if i == len(by) or by[i] != by[start]:
            runs.append((str(by[start]), start, i - start))
            start = i
    return runs


def _parquet_bytes(table, parts: list[tuple[int, int]]) -> bytes:
    """A Parquet file of ``table`` with one row group per (start, length) part."""
    import pyarrow.parquet as pq
    buf = io.BytesIO()
    with pq.ParquetWriter(buf, table.schema) as writer:
        for start, length in parts:
            writer.write_table(table.slice(start, length))
    return buf.getvalue()


def _write_grouped(path: Path, frame: pd.DataFrame, by: list, cache_key: str) -> dict:
    """Write ``frame`` as Parquet with one row group per run of equal ``by`` values (a
    concept); returns {value: [row group numbers]}."""
    from .files import atomic_write
    table, runs = _arrow_table(frame, cache_key), _runs(by)
    groups: dict[str, list[int]] = {}
    for n, (value, _, _) in enumerate(runs):
        groups.setdefault(value, []).append(n)
    atomic_write(path, _parquet_bytes(table, [(start, length) for _, start, length in runs]))
    return groups


def _write_split(folder: Path, frame: pd.DataFrame, cache_key: str) -> list[str]:
    """Write each district's rows of ``frame`` (stacked by district, one schema for all) as
    ``folder/<slug>.parquet``, so a report opens a file of its own size whatever the number of
    districts (one file's footer lists every row group); returns the slugs written."""
    from .files import atomic_write
    folder.mkdir(parents=True, exist_ok=True)
    table, written = _arrow_table(frame, cache_key), []
    for slug, start, length in _runs(frame["district"].tolist()):
        if slug in written:  # a second run of its rows would replace the first file
            raise AnalysisError(f"analysis cache: {folder.name} rows of {slug} are not together")
        atomic_write(folder / f"{slug}.parquet", _parquet_bytes(table, [(start, length)]))
        written.append(slug)
    return written


def _read_groups(path: Path, row_groups: list[int] | None, cache_key: str) -> pd.DataFrame:
    """The row groups of a cache file (None: all of them) as one frame; raises _Stale when the
    file carries another key. (A district with no row group of a table gets :func:`_empty`
    without a read.)"""
    import pyarrow.parquet as pq
    pf = pq.ParquetFile(path)
    meta = pf.schema_arrow.metadata or {}
    if meta.get(_KEY_KEY, b"").decode() != cache_key:
        raise _Stale(f"{path.name} belongs to another analysis")
    kinds = json.loads(meta.get(_OBJECT_KEY, b"{}"))
    table = pf.read() if row_groups is None else pf.read_row_groups(sorted(row_groups))
    return _restore(table.to_pandas(), kinds)


class _Stale(Exception):
    """A cache file that does not belong to the manifest read (a concurrent rebuild)."""


# --------------------------------------------------------------------------- writing


def _empty(name: str) -> pd.DataFrame:
    """A district's empty result of a table exactly as the computation returns it (columns,
    dtypes), for a district with no row in the cache file."""
    from .audit import FINDING_COLUMNS
    from .compare import LEVEL_COLUMNS, tidy_frame
    from .growth import GROWTH_COLUMNS
    from .milestones import FIT_COLUMNS
    if name == "comparison":
        return tidy_frame({}, pd.DataFrame(columns=["district", "indicator_id"]), [])
    from .series import SERIES_COLUMNS
    columns = {"growth": GROWTH_COLUMNS, "fit": FIT_COLUMNS, "findings": FINDING_COLUMNS,
               "levels": LEVEL_COLUMNS,
               "series": ["district", "indicator_id", *SERIES_COLUMNS]}[name]
    return pd.DataFrame([], columns=columns)


def _concat(frames) -> pd.DataFrame:
    """Frames one under the other (their attrs, e.g. growth_table's skipped series, left out)."""
    bare = []
    for f in frames:
        f = f.copy(deep=False)
        f.attrs = {}
        bare.append(f)
    return pd.concat(bare, ignore_index=True)


def _stack(frames: dict[str, pd.DataFrame | None]) -> tuple[pd.DataFrame | None, dict]:
    """Per-district frames (each with its district column) one under the other, and for each
    district the dtypes its own frame had where the stacked column's differ (bool beside
    bool-or-NA …), so reading gives back exactly the frame computed."""
    parts = {s: f for s, f in frames.items() if f is not None and len(f)}
    if not parts:
        return None, {}
    stacked = _concat(parts.values())
    dtypes = {}
    for s, f in parts.items():
        diff = {c: str(f[c].dtype) for c in f.columns if f[c].dtype != stacked[c].dtype}
        if diff:
            dtypes[s] = diff
    return stacked, dtypes


def write_analysis(df: pd.DataFrame | None = None, data_version: str | None = None,
                   jobs: int = 1) -> dict:
    """Compute every district's analysis from the clean table (default: data/clean/indicators.csv)
    and write the cache; returns its manifest. Files are replaced one by one, the manifest last
    (each file carries the key too), so a reader never takes a half-written cache for a fresh one.
    ``jobs``: processes analysing the districts (:func:`compute_all`)."""
    from .build import table_csv_bytes
    from .compare import concept_of
    from .data import ensure_built, read_table
    from .files import atomic_write
    if df is None:
        df = read_table(ensure_built())
    version = data_version or _data_version()
    key = analysis_key(version)
    out = analysis_dir()
    all_t = compute_all(df, jobs)
    t = all_t.districts

    frames: dict[str, dict[str, pd.DataFrame | None]] = {
        "plan": {s: d.plan.assign(_row=d.plan.index) for s, d in t.items()},
        "series": {s: _series_rows(s, d.series) for s, d in t.items()},
        "growth": {s: d.growth for s, d in t.items()},
        "doubling": {s: d.doubling for s, d in t.items()},
        "leap": {s: d.leap for s, d in t.items()},
        "fit": {s: d.fit for s, d in t.items()},
        "findings": {s: d.findings for s, d in t.items()},
    }
    # per district: where its slices are, and its small tables, in one JSON file
    meta = {s: {"key": key, "tables": [], "dtypes": {}, "unusable": d.unusable,
                "has_pledges": d.doubling is not None, "pledge_note": d.pledge_note,
                "concepts": all_t.concepts.get(s, []),
                "growth_skipped": _records(d.growth.attrs.get("skipped")),
                "fit_skipped": _records(d.fit.attrs.get("skipped"))} for s, d in t.items()}
    for name, per in frames.items():
        stacked, dtypes = _stack(per)
        written = _write_split(out / name, stacked, key) if stacked is not None else []
        for s in written:
            meta[s]["tables"].append(name)
        for s, diff in dtypes.items():
            meta[s]["dtypes"][name] = diff
        for old in (out / name).glob("*.parquet"):
            if old.stem not in written:  # a district gone, or with no row of this table now
                old.unlink(missing_ok=True)
    groups = {}
    for name, frame in (("comparison", all_t.comparison), ("levels", all_t.levels)):
        by = frame["concept"].tolist() if "concept" in frame.columns \
            else [concept_of(i) for i in frame["indicator_id"]]
        groups[name] = _write_grouped(out / f"{name}.parquet", frame, by, key)
    for s, m in meta.items():
        atomic_write(out / "districts" / f"{s}.json", json.dumps(m, ensure_ascii=False) + "\n")
    keep = {f"{n}.parquet" for n in CONCEPT_TABLES} | {f"{s}.json" for s in meta}
    for old in [*out.glob("*.parquet"), *(out / "districts").glob("*.json")]:
        if old.name not in keep:  # a district no longer in the table, an older layout
            old.unlink(missing_ok=True)
    atomic_write(out / "comparison.csv", table_csv_bytes(all_t.comparison))
    manifest = {"format": FORMAT, "key": key, "data_version": version, "districts": list(t),
                "failed": all_t.failed, "row_groups": groups}
    atomic_write(out / "manifest.json", json.dumps(manifest, ensure_ascii=False) + "\n")
    return manifest


def _series_rows(slug: str, series: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """A district's series (indicator_id → frame) one under the other, with district and
    indicator_id columns first; None for none. One concat, not one copy per series."""
    from .series import SERIES_COLUMNS
    if not series:
        return None
    stacked = pd.concat(list(series.values()), ignore_index=True)[SERIES_COLUMNS]
    ids = [iid for iid, f in series.items() for _ in range(len(f))]
    return pd.concat([pd.DataFrame({"district": [slug] * len(ids), "indicator_id": ids}),
                      stacked], axis=1)


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None else frame[SKIPPED_COLUMNS].to_dict("records")


# --------------------------------------------------------------------------- reading


def read_manifest() -> dict | None:
    """The cache manifest, None when there is none or it cannot be read."""
    try:
        return json.loads((analysis_dir() / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def fresh_manifest() -> dict | None:
    """The manifest when the cache matches the current data, registry and code; else None."""
    from .data import ensure_built
    ensure_built()
    m = read_manifest()
    return m if m is not None and m.get("key") == analysis_key() else None


def ensure_analysis() -> dict | None:
    """The fresh cache manifest, computing and writing the cache when it is missing or stale
    (one process at a time: the others of a parallel batch wait, then read it); None when it
    cannot be written (a read-only data folder)."""
    m = fresh_manifest()
    if m is not None:
        return m
    try:
        with _build_lock():
            m = fresh_manifest()  # built meanwhile by another worker of the batch
            if m is None:
                write_analysis()
                m = fresh_manifest()
    except OSError:
        return None
    return m


@contextmanager
def _build_lock():
    """An exclusive lock on data/clean/analysis/.lock while the cache is built (POSIX flock;
    elsewhere no lock: concurrent builds then only repeat work, each file is written atomically)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder = analysis_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _split_series(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from .series import SERIES_COLUMNS
    body = frame[SERIES_COLUMNS]
    ids = frame["indicator_id"].tolist()
    out, start = {}, 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[start]:
            out[ids[start]] = body.iloc[start:i].reset_index(drop=True)
            start = i
    return out


def load_district(slug: str, manifest: dict) -> DistrictTables | None:
    """A district's tables from the cache described by ``manifest`` (see fresh_manifest):
    its JSON file (where its slices are, its small tables) and its row groups of each Parquet
    file. None when the district is not cached (its analysis failed, or it has no rows) or a
    file belongs to another analysis (the caller then computes)."""
    if slug not in manifest["districts"]:
        return None
    key, folder = manifest["key"], analysis_dir()
    try:
        meta = json.loads((folder / "districts" / f"{slug}.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        concepts = meta["concepts"]

        def read(name: str) -> pd.DataFrame:
            if name in CONCEPT_TABLES:
                idx = [i for c in concepts for i in manifest["row_groups"][name].get(c, [])]
                if not idx:
                    return _empty(name)
                frame = _read_groups(folder / f"{name}.parquet", idx, key)
            elif name in meta["tables"]:
                frame = _read_groups(folder / name / f"{slug}.parquet", None, key)
            else:
                return _empty(name)
            for c, dt in meta["dtypes"].get(name, {}).items():
                frame[c] = frame[c].astype(pd.api.types.pandas_dtype(dt))
            return frame

        plan = read("plan")
        plan.index = pd.Index(plan.pop("_row").to_numpy())
        growth, fit = read("growth"), read("fit")
        growth.attrs["skipped"] = pd.DataFrame(meta["growth_skipped"], columns=SKIPPED_COLUMNS)
        fit.attrs["skipped"] = pd.DataFrame(meta["fit_skipped"], columns=SKIPPED_COLUMNS)
        has = meta["has_pledges"]
        return DistrictTables(
            plan=plan, series=_split_series(read("series")), unusable=meta["unusable"],
            growth=growth, doubling=read("doubling") if has else None,
            leap=read("leap") if has else None, pledge_note=meta["pledge_note"],
            fit=fit, findings=read("findings"), tidy=read("comparison"), levels=read("levels"))
    except (_Stale, OSError, KeyError, ValueError):
        return None


def district_analysis(slug: str) -> DistrictTables | None:
    """A district's analysis tables from a fresh cache (built first when missing or stale);
    None when the cache cannot serve it — the caller computes."""
    m = ensure_analysis()
    return load_district(slug, m) if m is not None else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.analysis",
                                 description="Compute every district's analysis tables once "
                                             "into data/clean/analysis/ (the reports read them).")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="processes analysing the districts side by side (default: one per "
                         "CPU, %(default)s here)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        m = write_analysis(jobs=args.jobs)
    except KitError as exc:
        print(f"analysis failed: {exc}", file=sys.stderr)
        return 1
    print(f"wrote data/clean/analysis/: {len(m['districts'])} districts "
          f"(data version {m['data_version']}, key {m['key']})")
    for slug, why in m["failed"].items():
        print(f"  {slug}: not cached, its report computes it: {why}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
