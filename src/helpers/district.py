"""Add, check, list and re-register districts (the kit's district registry is data).

    python -m helpers.district add <slug> --name <中文名> --document <file.txt> [--base-year Y] [--end-year Y]
    python -m helpers.district add <slug> --name <中文名> --entries <file.csv> [--base-year Y] [--end-year Y]
    python -m helpers.district check [<slug>]
    python -m helpers.district list
    python -m helpers.district register <slug>

``add --document`` copies the plan's text into data/raw/ (never editing it), drafts
data/raw/<slug>_extraction.csv from its prose (`helpers.drafting`, rows marked ``drafted``),
registers the district in data/districts/<slug>.toml with the document's checksum and the
expected row counts, runs ``check`` and says what to review. ``add --entries`` does the same for
values entered from a web page or scan (see `helpers.parsing.entries` for the columns).
``check`` lists every problem of one district (or all) in one run, each with file, line and
what to do. ``register`` records the new checksum and row counts after a document was
legitimately replaced or rows deliberately removed. Options: --city, --title, --order,
--catalogue-additions. The data root is ``DISTRICT_KIT_ROOT`` (default: this checkout).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

from . import paths
from .catalogue import CATALOGUE_COLUMNS, load_catalogue, read_csv_rows
from .districts import SLUG_RE, District, load_districts, read_district
from .errors import KitError, SourceError, UnknownDistrictError
from .files import atomic_write
from .parsing.curated import CURATED_COLUMNS, DRAFTED_NOTE
from .parsing.entries import ENTRIES_COLUMNS

#: 2021—2025 / 2021-2025 / 2023~2027 / 2021至2023 in a plan's title or text.
YEAR_SPAN = re.compile(r"(20\d\d)\s*年?\s*[—–－\-~～至到]+\s*(20\d\d)(?!\d)\s*年?")
EXTRACTION_COLUMNS = [*CURATED_COLUMNS, "review"]


class AddError(KitError):
    """``add`` refused its input (nothing was written)."""


# --- years and titles -------------------------------------------------------------------

def detect_years(text: str, where: str = "") -> tuple[int, int, str] | None:
    """(base, end, evidence) from the first 'YYYY—YYYY年' span: 2021—2025 → base 2020, end 2025.
    ``where`` names the text in the evidence (default: its line)."""
    m = YEAR_SPAN.search(text)
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    if not 2000 < first <= last <= 2050:
        return None
    line = text.count("\n", 0, m.start()) + 1
    return first - 1, last, f"{m.group(0)!r} ({where or f'line {line}'})"


def choose_years(text: str, base: int | None, end: int | None, where: str = ""
                 ) -> tuple[int, int, str]:
    found = detect_years(text, where)
    if base is not None and end is not None:
        return base, end, "as given (--base-year, --end-year)"
    if found is None:
        missing = " and ".join(f for f, v in (("--base-year", base), ("--end-year", end)) if v is None)
        raise AddError(f"the text prints no plan period like 2021—2025年; give {missing} "
                       "(the kit does not guess a plan's years)")
    fb, fe, evidence = found
    how = f"from {evidence}: base = first year - 1, end = last year"
    if base is not None or end is not None:
        how += "; " + ", ".join(x for x in (base is not None and "--base-year",
                                             end is not None and "--end-year") if x) + " as given"
    return (base if base is not None else fb), (end if end is not None else fe), how


def first_title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return re.sub(r"\s+", " ", line.strip())[:120]
    return ""


# --- writing the data file --------------------------------------------------------------

def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def district_toml(*, slug: str, name: str, city: str, title: str, base: int, end: int,
                  order: int, how: str, documents=(), extractions=(), entries=()) -> str:
    """A new district's data file (format: data/districts/README.md)."""
    out = [f"# {name} — written by `python -m helpers.district add`; see data/districts/README.md.",
           f"slug = {_q(slug)}", f"name = {_q(name)}", f"city = {_q(city)}",
           f"plan_title = {_q(title)}", f"# years {how}",
           f"base_year = {base}", f"end_year = {end}", f"order = {order}",
           "# milestone_years = [2023]   # default: every intermediate target year", ""]
    for file, sha, rows in documents:
        out += ["[[documents]]", f"file = {_q(file)}", f"sha256 = {_q(sha)}", f"rows = {rows}", ""]
    for file, rows in extractions:
        out += ["[[extractions]]", f"file = {_q(file)}", f"rows = {rows}", ""]
    for file, sha, rows in entries:
        out += ["[[entries]]", f"file = {_q(file)}", f"sha256 = {_q(sha)}", f"rows = {rows}", ""]
    return "\n".join(out)


def set_registered(text: str, file: str, *, sha256: str | None = None, rows: int | None = None) -> str:
    """The data file's text with the block of ``file`` given a new sha256 and/or rows
    (comments and everything else kept)."""
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if re.fullmatch(rf'\s*file\s*=\s*{re.escape(_q(file))}\s*', ln)), None)
    if start is None:
        raise SourceError(f"no block with file = {_q(file)}")
    i = start + 1
    seen = set()
    while i < len(lines) and not lines[i].lstrip().startswith("["):
        for key, value in (("sha256", sha256 and _q(sha256)), ("rows", rows)):
            if value is not None and re.match(rf"\s*{key}\s*=", lines[i]):
                lines[i] = f"{key} = {value}"
                seen.add(key)
        i += 1
    for key, value in (("sha256", sha256 and _q(sha256)), ("rows", rows)):
        if value is not None and key not in seen:
            lines.insert(start + 1, f"{key} = {value}")
    return "\n".join(lines)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- running the build's checks ---------------------------------------------------------

def run_check(slug: str | None = None):
    """(problems of the district, or of all when slug is None; rows read; the registry)."""
    from .build import collect
    registry = load_districts(paths.DISTRICTS_DIR)
    if slug is not None and slug not in registry:
        raise UnknownDistrictError(f"unknown district {slug!r}; known: {', '.join(registry)}")
    _df, problems, rows = collect(paths.RAW_DIR, registry)
    if slug is not None:
        problems = [p for p in problems if getattr(p, "district", None) in (slug, None)]
    return problems, rows, registry


def _print_problems(problems, out=sys.stdout) -> None:
    for p in problems:
        print(f"  - {p}", file=out)


# --- add ----------------------------------------------------------------------------------

class Transaction:
    """Files written by ``add``; removed again (old contents restored) if ``add`` fails."""

    def __init__(self):
        self.saved: list[tuple[Path, bytes | None]] = []

    def write(self, path: Path, data: str | bytes) -> None:
        path = Path(path)
        if not any(p == path for p, _ in self.saved):
            self.saved.append((path, path.read_bytes() if path.exists() else None))
        atomic_write(path, data)

    def copy(self, src: Path, dst: Path) -> None:
        self.write(dst, Path(src).read_bytes())

    def rollback(self) -> None:
        for path, old in reversed(self.saved):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, old)


def _check_new_slug(slug: str, name: str, registry: dict[str, District]) -> None:
    if not SLUG_RE.match(slug):
        raise AddError(f"slug {slug!r}: use lower-case ascii letters, digits and _ (e.g. ninghai)")
    if slug in registry:
        raise AddError(f"district {slug!r} is already registered (data/districts/{slug}.toml); "
                       f"after replacing its document run `python -m helpers.district register {slug}`")
    if not name.strip() or re.search(r"[A-Za-z0-9]", name):
        raise AddError(f"--name {name!r}: give the district's Chinese name, e.g. 宁海县")
    for d in registry.values():
        if name in (d.name,) or name.rstrip("区县市") == d.name.rstrip("区县市"):
            raise AddError(f"--name {name!r} is already district {d.slug} ({d.name})")


def _read_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AddError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise AddError(f"{path}: not UTF-8 text; save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)"
                       ) from None
    if not text.strip():
        raise AddError(f"{path}: the file is empty")
    return text


def _raw_name(slug: str, source: Path, suffix: str) -> str:
    if source.stem == slug:
        return f"{slug}_plan{suffix}"
    stem = source.stem if source.stem.startswith(f"{slug}_") else f"{slug}_{source.stem}"
    return stem + suffix


def _write_extraction(tx: Transaction, path: Path, rows: list[dict]) -> None:
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=EXTRACTION_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: "" if r.get(c) is None else r.get(c) for c in EXTRACTION_COLUMNS})
    tx.write(path, "\ufeff" + buf.getvalue())


def _add_catalogue_rows(tx: Transaction, rows: list[dict], origin: str) -> list[str]:
    """Append catalogue rows whose ids are new; an id already catalogued differently is an error."""
    catalogue = load_catalogue(paths.CATALOGUE_CSV)
    new = []
    for r in rows:
        if not isinstance(r, dict):
            continue
        iid = r.get("indicator_id", "")
        if iid in catalogue:
            old = catalogue[iid]
            if old["unit"] != r.get("unit") or old["measure"] != r.get("measure"):
                raise AddError(f"{origin}: {iid} is already catalogued with unit {old['unit']!r}, "
                               f"measure {old['measure']!r}; use that id or a new one")
            continue
        if iid not in [n["indicator_id"] for n in new]:
            new.append(r)
    if not new:
        return []
    text = paths.CATALOGUE_CSV.read_text(encoding="utf-8-sig")
    import io
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CATALOGUE_COLUMNS, lineterminator="\n", extrasaction="ignore")
    for r in new:
        w.writerow({c: r.get(c, "") or "" for c in CATALOGUE_COLUMNS})
    bom = paths.CATALOGUE_CSV.read_bytes().startswith(b"\xef\xbb\xbf")
    tx.write(paths.CATALOGUE_CSV, ("\ufeff" if bom else "") + text.rstrip("\n") + "\n" + buf.getvalue())
    return [r["indicator_id"] for r in new]


def _next_order(registry) -> int:
    return max([d.order for d in registry.values()] + [0]) // 10 * 10 + 10


def add_document(args, registry) -> int:
    source = Path(args.document)
    text = _read_text(source)
    base, end, how = choose_years(text, args.base_year, args.end_year)
    raw_name = _raw_name(args.slug, source, ".txt")
    dest = paths.RAW_DIR / raw_name
    if dest.exists() and dest.read_bytes() != source.read_bytes():
        raise AddError(f"data/raw/{raw_name} exists with other content; raw documents are never "
                       "overwritten")
    try:
        from .drafting import draft_extraction
    except ImportError:
        raise AddError("helpers.drafting is not available in this checkout; curate "
                       f"data/raw/{args.slug}_extraction.csv by hand") from None
    try:
        draft = draft_extraction(text, district=args.slug, source_file=raw_name,
                                 base_year=base, end_year=end)
    except KitError:
        raise
    except Exception as exc:  # a drafting bug must not leave a traceback or half a district
        raise AddError(f"drafting {source.name} failed ({type(exc).__name__}: {exc}); nothing "
                       f"was added; curate data/raw/{args.slug}_extraction.csv by hand") from None
    extraction = f"{args.slug}_extraction.csv"
    ext_path = paths.RAW_DIR / extraction
    if ext_path.exists():
        raise AddError(f"data/raw/{extraction} exists already; remove it or choose another slug")
    tx = Transaction()
    try:
        tx.copy(source, dest)
        proposed = _add_catalogue_rows(tx, list(getattr(draft, "proposed_ids", []) or []),
                                       "drafting's proposed ids")
        rows = [dict(r, district=args.slug, source_file=raw_name, review=r.get("review") or "drafted")
                for r in draft.rows]
        _write_extraction(tx, ext_path, rows)
        toml_path = paths.DISTRICTS_DIR / f"{args.slug}.toml"
        toml = district_toml(slug=args.slug, name=args.name, city=args.city or "",
                             title=args.title or first_title(text), base=base, end=end,
                             order=args.order or _next_order(registry), how=how,
                             documents=[(raw_name, sha256_of(source), 0)],
                             extractions=[(extraction, 0)])
        tx.write(toml_path, toml)
        # drafted rows the checks refuse are taken out (and listed), never kept half-right
        problems, _rows, _ = run_check(args.slug)
        refused = {p.line: p for p in problems if getattr(p, "file", None) == extraction and p.line}
        if refused:
            lines = [r["_line"] for r in read_csv_rows(ext_path, CURATED_COLUMNS)]
            dropped = [(r, refused[ln]) for r, ln in zip(rows, lines) if ln in refused]
            rows = [r for r, ln in zip(rows, lines) if ln not in refused]
            _write_extraction(tx, ext_path, rows)
        else:
            dropped = []
        problems, got, _ = run_check(args.slug)
        if problems:
            print(f"add {args.slug}: the new district does not check clean; nothing was added:",
                  file=sys.stderr)
            _print_problems(problems, sys.stderr)
            tx.rollback()
            return 1
        n = sum(1 for r in got if r["district"] == args.slug and r["_origin"] == extraction)
        tx.write(toml_path, set_registered(toml, extraction, rows=n))
    except BaseException:
        tx.rollback()
        raise
    print(f"added {args.slug} ({args.name}): data/districts/{args.slug}.toml")
    print(f"  document: data/raw/{raw_name} (copied unchanged, sha256 {sha256_of(dest)[:12]}…)")
    print(f"  years: base {base}, end {end} — {how}")
    print(f"  drafted {n} rows into data/raw/{extraction} (review = drafted)")
    for r in rows:
        print(f"    {r['year']} {r['role']:<8} {r['indicator_id']:<40} {r['value_text']:<10} "
              f"«{r['quote'][:40]}»")
    if proposed:
        print(f"  new catalogue ids added to data/catalogue/indicators.csv: {', '.join(proposed)}")
    skipped = list(getattr(draft, "skipped", []) or [])
    if skipped or dropped:
        print(f"  not drafted ({len(skipped) + len(dropped)}): write these rows by hand if they are targets")
        for s in skipped:
            print(f"    - {_skipped_text(s)}")
        for r, p in dropped:
            print(f"    - {r.get('quote', '')[:60]!r}: refused by check: {str(p).split(': ', 1)[-1]}")
    print("  review: open the extraction file, check each row against its quote (value, unit, year, "
          "indicator_id), set review = reviewed, then run "
          f"`python -m helpers.district check {args.slug}` and `make reports`")
    return 0


def _skipped_text(s) -> str:
    if isinstance(s, dict):
        return f"line {s.get('line')}: {str(s.get('clause', s.get('text', '')))[:60]!r} ({s.get('reason', '')})"
    if isinstance(s, (tuple, list)) and len(s) >= 3:
        return f"line {s[0]}: {str(s[1])[:60]!r} ({s[2]})"
    line = getattr(s, "line", None)
    if line is not None:
        return f"line {line}: {str(getattr(s, 'clause', getattr(s, 'text', '')))[:60]!r} ({getattr(s, 'reason', '')})"
    return str(s)


def add_entries(args, registry) -> int:
    source = Path(args.entries)
    _read_text(source)  # UTF-8 check
    try:
        raw_rows = read_csv_rows(source, ENTRIES_COLUMNS)
    except SourceError as exc:
        raise AddError(str(exc)) from None
    titles = " ".join(dict.fromkeys(r["source_title"] for r in raw_rows))
    base, end, how = choose_years(titles, args.base_year, args.end_year, "in source_title")
    raw_name = f"{args.slug}_entries.csv"
    dest = paths.RAW_DIR / raw_name
    if dest.exists():
        raise AddError(f"data/raw/{raw_name} exists already; raw files are never overwritten")
    additions = Path(args.catalogue_additions) if args.catalogue_additions else \
        source.parent / "catalogue_additions.csv"
    tx = Transaction()
    try:
        proposed = []
        if additions.exists():
            try:
                extra = read_csv_rows(additions, CATALOGUE_COLUMNS)
            except SourceError as exc:
                raise AddError(str(exc)) from None
            used = {r["indicator_id"] for r in raw_rows}
            proposed = _add_catalogue_rows(tx, [r for r in extra if r["indicator_id"] in used],
                                           additions.name)
        tx.copy(source, dest)
        sha = sha256_of(dest)
        title = args.title or (raw_rows[0]["source_title"] if raw_rows else "")
        toml = district_toml(slug=args.slug, name=args.name, city=args.city or "", title=title,
                             base=base, end=end, order=args.order or _next_order(registry),
                             how=how, entries=[(raw_name, sha, len(raw_rows))])
        toml_path = paths.DISTRICTS_DIR / f"{args.slug}.toml"
        tx.write(toml_path, toml)
        problems, got, _ = run_check(args.slug)
        if problems:
            print(f"add {args.slug}: {source.name} does not check clean; nothing was added. "
                  "Fix these in the entries file and run add again:", file=sys.stderr)
            _print_problems(problems, sys.stderr)
            tx.rollback()
            return 1
    except BaseException:
        tx.rollback()
        raise
    n = sum(1 for r in got if r["district"] == args.slug)
    print(f"added {args.slug} ({args.name}): data/districts/{args.slug}.toml")
    print(f"  entries: data/raw/{raw_name} ({n} values, copied unchanged)")
    print(f"  years: base {base}, end {end} — {how}")
    if proposed:
        print(f"  new catalogue ids from {additions.name}: {', '.join(proposed)}")
    print("  these values are marked 据原文录入，未与原文逐字核对 in reports; check them against "
          "the source page, then `make reports`")
    return 0


# --- register / check / list --------------------------------------------------------------

def register(slug: str) -> int:
    """Record the current checksums and row counts of a district's files (a deliberate act)."""
    from .build import collect
    registry = load_districts(paths.DISTRICTS_DIR)
    if slug not in registry:
        raise UnknownDistrictError(f"unknown district {slug!r}; known: {', '.join(registry)}")
    d = registry[slug]
    toml_path = paths.DISTRICTS_DIR / d.source
    text = toml_path.read_text(encoding="utf-8")
    changes = []
    for reg in [*d.documents, *d.entries]:
        path = paths.RAW_DIR / reg.file
        if not path.exists():
            print(f"register {slug}: data/raw/{reg.file} is missing", file=sys.stderr)
            return 1
        new = sha256_of(path)
        if new != reg.sha256 and (reg.sha256 or reg in d.documents):
            text = set_registered(text, reg.file, sha256=new)
            changes.append(f"{reg.file}: sha256 {reg.sha256[:12]}… → {new[:12]}…")
    # count with the new checksums, without the count check
    tmp = read_district_text(toml_path, text)
    trial = dict(registry, **{slug: tmp})
    _df, problems, rows = collect(paths.RAW_DIR, trial, counts=False)
    problems = [p for p in problems if getattr(p, "district", None) in (slug, None)]
    if problems:
        print(f"register {slug}: fix these first (nothing was registered):", file=sys.stderr)
        _print_problems(problems, sys.stderr)
        return 1
    counts: dict[str, int] = {}
    for r in rows:
        if r["district"] == slug:
            counts[r["_origin"]] = counts.get(r["_origin"], 0) + 1
    for reg in [*d.documents, *d.extractions, *d.entries]:
        got = counts.get(reg.file, 0)
        if got != reg.rows:
            text = set_registered(text, reg.file, rows=got)
            changes.append(f"{reg.file}: rows {reg.rows} → {got}")
    if not changes:
        print(f"register {slug}: checksums and row counts already match")
        return 0
    atomic_write(toml_path, text)
    print(f"register {slug}: updated data/districts/{d.source}")
    for c in changes:
        print(f"  {c}")
    return 0


def read_district_text(path: Path, text: str) -> District:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / path.name
        p.write_text(text, encoding="utf-8")
        return read_district(p)


def check(slug: str | None) -> int:
    problems, rows, registry = run_check(slug)
    which = slug or f"all {len(registry)} districts"
    if problems:
        print(f"check {which}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        _print_problems(problems)
        return 1
    n = sum(1 for r in rows if slug is None or r["district"] == slug)
    print(f"check {which}: no problems ({n} rows)")
    drafted: dict[str, int] = {}
    for r in rows:
        if (slug is None or r["district"] == slug) and DRAFTED_NOTE in r.get("note", ""):
            drafted[r["curated_file"]] = drafted.get(r["curated_file"], 0) + 1
    for file, k in drafted.items():
        print(f"  {file}: {k} rows still review = drafted (check each against its quote, then "
              "set review = reviewed)")
    return 0


def list_districts() -> int:
    problems, rows, registry = run_check(None)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["district"]] = counts.get(r["district"], 0) + 1
    from .formatting import pad
    width = max([4, *(len(s) for s in registry)])
    print(f"{'slug':<{width}}  {pad('name', 8)} {pad('city', 8)} {'period':<9} {'rows':>5}  inputs")
    for slug, d in registry.items():
        files = [x.file for x in (*d.documents, *d.extractions, *d.entries)]
        print(f"{slug:<{width}}  {pad(d.name, 8)} {pad(d.city or '—', 8)} {d.base_year}–{d.end_year} "
              f"{counts.get(slug, 0):>5}  {', '.join(files)}")
    if problems:
        print(f"({len(problems)} problems; run `python -m helpers.district check`)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.district",
                                 description="add, check, list and re-register districts")
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="add a district from its plan's text or from an entries CSV")
    a.add_argument("slug")
    a.add_argument("--name", required=True, help="Chinese name, e.g. 宁海县")
    src = a.add_mutually_exclusive_group(required=True)
    src.add_argument("--document", help="the plan as UTF-8 text (.txt)")
    src.add_argument("--entries", help="values entered from a web page or scan (.csv)")
    a.add_argument("--base-year", type=int)
    a.add_argument("--end-year", type=int)
    a.add_argument("--city", default="", help="e.g. 宁波市")
    a.add_argument("--title", help="plan title (default: the document's first line / the source title)")
    a.add_argument("--order", type=int, help="position in district lists (default: last)")
    a.add_argument("--catalogue-additions",
                   help="catalogue rows for new ids (default: catalogue_additions.csv beside --entries)")
    c = sub.add_parser("check", help="validate one district or all, every problem at once")
    c.add_argument("slug", nargs="?")
    sub.add_parser("list", help="the districts the kit knows, with row counts")
    r = sub.add_parser("register", help="record new checksums and row counts after a deliberate change")
    r.add_argument("slug")
    args = ap.parse_args(argv)
    try:
        if args.command == "add":
            registry = load_districts(paths.DISTRICTS_DIR)
            _check_new_slug(args.slug, args.name, registry)
            return add_document(args, registry) if args.document else add_entries(args, registry)
        if args.command == "check":
            return check(args.slug)
        if args.command == "list":
            return list_districts()
        return register(args.slug)
    except KitError as exc:
        print(f"{args.command} failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
