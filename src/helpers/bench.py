"""What does a report batch cost, against a bare kernel, and does it stay flat with the number of
districts? ``make bench [N=100]`` runs this (issue 12.4/12.6).

    python -m helpers.bench [--runs K] [--jobs J] [--n N] [--base B] [--engine warm|cold]
                            [--districts slug ...] [--work .bench]

Measures, with the runner's own machinery, in ``--runs`` rounds (default 3) of one run of each
measurement in the order below (so a drift of the machine's speed, common on a shared virtual
machine, touches every measurement alike), and prints one table with the fastest (min) and the
median run of each, side by side:

* **floor** — a bare kernel start that runs the report's imports: papermill executes a two-cell
  notebook (a parameters cell, then :data:`REPORT_IMPORTS`) with its default engine
  (:func:`helpers.runner.execute`);
* **batch, serial** and **batch, J workers** — :func:`helpers.runner.run_batch` for the kit's
  districts (all, or ``--districts``) into a fresh folder under ``--work`` (execution, HTML, PDF,
  index), with 1 and with ``--jobs`` (default 2) workers;
* **per report at N=B and N=N** — the runner, as a subprocess with ``DISTRICT_KIT_ROOT``
  pointing at a kit root of B (default 4) and of N (default 100) SYNTHETIC districts written
  by :func:`helpers.bench_synthetic.write_synthetic_root` under ``--work`` (the notebooks
  copied in, the analysis cache computed beforehand, untimed), with ``--jobs`` workers: the
  **median report** (each report's own time from its run record — execution, HTML, PDF — less
  the start of its worker's kernel, which only a worker's first report carries:
  :func:`report_seconds`), the same **per PDF page** (:func:`page_seconds`: at more districts a
  report compares its district with more peers, up to its limit, so it holds more pages) and
  the **batch ÷ N** (wall time per report, which at small N also
  carries the batch's fixed costs: the runner's start, the kernels' start, the index). Each
  synthetic table is checked after every run: the data freshness check must not have rebuilt
  it (that would time a build, or worse, reports of other data).

and from those: the ratio batch ÷ (districts × floor) (serial batch; below 1 means a report
costs less than a kernel start, which a warm kernel makes possible), the speed-up of J workers
(serial ÷ J workers) and the ratios N ÷ B of the median report (1.00 = flat: what a report
costs does not grow with the number of districts), of the same per page (1.00 = what a page
costs does not grow either) and of the batch ÷ N. Each ratio is taken
within each round (pairwise, as ``farm-bench --vs`` does) and printed as the min and the median
of the rounds' ratios (:func:`paired`). Exit status 1 when any report failed (the failures are
listed), 2 for a bad option. Timings mean something only on a quiet machine.

Everything is written under ``--work`` (default ``.bench/``, removed by ``make clean``); the
kit's own ``reports/`` and data are not touched.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .districts import DISTRICTS
from .errors import KitError

#: The imports a district report performs (helpers.report.prepare_report and the charts).
REPORT_IMPORTS = """\
from IPython.display import HTML, display
from helpers import data_version, load_indicators, report
from helpers.plotting import show
import helpers.actuals, helpers.audit, helpers.compare, helpers.growth, helpers.milestones
import helpers.pledges, helpers.progress, helpers.series
import matplotlib.figure
"""


def floor_notebook_text() -> str:
    """The percent script of the floor notebook: a parameters cell and the report's imports."""
    return (f'# %% tags=["parameters"]\ndistrict = "{next(iter(DISTRICTS))}"\n\n# %%\n'
            + REPORT_IMPORTS)


@dataclass
class Timing:
    """Wall-clock seconds of the runs of one measurement (per report where ``per`` > 1)."""

    label: str
    seconds: list[float] = field(default_factory=list)
    per: int = 1  # the runs' times are divided by this (reports in the batch)

    @property
    def rounds(self) -> list[float]:
        """Each round's time (÷ ``per``), NaN for a round that gave none."""
        return [s / self.per for s in self.seconds]

    @property
    def values(self) -> list[float]:
        """The rounds' times, leaving out those that gave none."""
        return [v for v in self.rounds if not math.isnan(v)]

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)


def floor_run(workdir: Path, t: Timing) -> None:
    """One execution of the floor notebook (kernel start + report imports), added to ``t``."""
    from .runner import execute
    workdir.mkdir(parents=True, exist_ok=True)
    nb = workdir / "floor.py"
    nb.write_text(floor_notebook_text(), encoding="utf-8")
    i = len(t.seconds)
    t0 = time.perf_counter()
    execute(nb, workdir / f"floor-{i}.ipynb", {"district": next(iter(DISTRICTS))},
            log_path=workdir / "floor.kernel.log")
    t.seconds.append(time.perf_counter() - t0)


def _workers(n: int) -> str:
    return f"{n} worker{'s' if n > 1 else ''}"


def batch_timing(slugs: list[str], what: str) -> Timing:
    return Timing(f"batch, {len(slugs)} district{'s' if len(slugs) > 1 else ''}, {what}")


def batch_run(workdir: Path, slugs: list[str], jobs: int, engine: str, failures: list[str],
              t: Timing) -> None:
    """One batch of the kit's districts ``slugs`` with ``jobs`` workers into a fresh folder,
    added to ``t``; failed reports are added to ``failures``."""
    from .runner import run_batch
    out = workdir / f"batch-j{jobs}-{len(t.seconds)}"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    batch = run_batch(slugs, out, jobs=jobs, progress=False, engine=engine)
    t.seconds.append(time.perf_counter() - t0)
    failures += [f"{r.district}: {r.status} {r.error}" for r in batch.results if not r.ok]


def synthetic_root(workdir: Path, n: int) -> Path:
    """A kit root of ``n`` SYNTHETIC districts under ``workdir``, written afresh from the kit's
    current data with the report notebooks copied in, and its analysis cache computed (as
    ``make data`` does for the kit's own districts): none of this is timed. KitError if the
    analysis fails."""
    from . import paths
    from .bench_synthetic import write_synthetic_root
    root = workdir / f"synthetic-{n}"
    shutil.rmtree(root, ignore_errors=True)
    write_synthetic_root(root, n)
    shutil.copytree(paths.NOTEBOOK_DIR, root / "notebooks", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    proc = subprocess.run([sys.executable, "-m", "helpers.analysis"], capture_output=True,
                          text=True, env={**os.environ, "DISTRICT_KIT_ROOT": str(root)})
    if proc.returncode != 0:
        raise KitError(f"the analysis of the {n} synthetic districts failed: "
                       + (proc.stderr.strip().splitlines() or ["(no message)"])[-1])
    return root


def _table_state(root: Path) -> tuple[str, float]:
    table = root / "data" / "clean" / "indicators.csv"
    return hashlib.sha256(table.read_bytes()).hexdigest(), table.stat().st_mtime


def ok_records(out: Path) -> list[dict]:
    """The run records (``<slug>.json``) of the successful reports in a runner output folder."""
    from .runner import RECORD_SUFFIXES
    others = tuple(v for k, v in RECORD_SUFFIXES.items() if k != "ok")
    records = []
    for path in sorted(out.glob("*" + RECORD_SUFFIXES["ok"])):
        if path.name.endswith(others):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("status") == "ok":
            records.append(record)
    return records


def _own_seconds(record: dict) -> float:
    return float(record["seconds"]) - float(record.get("kernel_start", 0.0))


def report_seconds(records: list[dict]) -> list[float]:
    """Each successful report's own time, from its run record (:func:`ok_records`): execution,
    HTML and PDF, less the start of its worker's kernel (which only a worker's first report
    carries, see RunResult.kernel_start)."""
    return [_own_seconds(r) for r in records]


def page_seconds(records: list[dict]) -> list[float]:
    """Each successful report's own time (:func:`report_seconds`) per page of its PDF: what a
    report costs for what it holds (at more districts a report compares its district with
    more peers, up to the report's limit, so it has more pages)."""
    return [_own_seconds(r) / r["pages"] for r in records if r.get("pages")]


@dataclass
class Synthetic:
    """The runs on one synthetic root: the batch's wall time per report, the median report's
    own time (:func:`report_seconds`) and the median of those per PDF page
    (:func:`page_seconds`), one value per run (NaN for a run with no successful report)."""

    root: Path
    n: int
    state: tuple[str, float]
    batch: Timing
    own: Timing
    per_page: Timing


def synthetic(workdir: Path, n: int, jobs: int) -> Synthetic:
    """A synthetic root of ``n`` districts (:func:`synthetic_root`, untimed) ready for runs."""
    root = synthetic_root(workdir, n)
    return Synthetic(root, n, _table_state(root),
                     Timing(f"batch ÷ N, N={n} synthetic, {_workers(jobs)}", per=n),
                     Timing(f"median report, N={n} synthetic, {_workers(jobs)}"),
                     Timing(f"median report per PDF page, N={n} synthetic"))


def synthetic_run(syn: Synthetic, jobs: int, engine: str, failures: list[str]) -> None:
    """One runner batch over the synthetic districts (a subprocess with DISTRICT_KIT_ROOT).
    KitError if the synthetic table was rebuilt meanwhile."""
    i = len(syn.batch.seconds)
    out = syn.root / f"reports-{i}"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "DISTRICT_KIT_ROOT": str(syn.root)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "helpers.runner", "--jobs", str(jobs),
                           "--engine", engine, "--quiet", "--output-dir", str(out)],
                          env=env, capture_output=True, text=True)
    syn.batch.seconds.append(time.perf_counter() - t0)
    if _table_state(syn.root) != syn.state:
        raise KitError(f"{syn.root / 'data' / 'clean' / 'indicators.csv'} was rebuilt during "
                       "the run: the data freshness check does not accept the synthetic "
                       "root, so the timing would include a build")
    if proc.returncode != 0:
        tail = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()][-5:]
        failures.append(f"N={syn.n} run {i + 1}: runner exit {proc.returncode}: "
                        + " | ".join(tail))
    records = ok_records(out)
    times, per_page = report_seconds(records), page_seconds(records)
    syn.own.seconds.append(statistics.median(times) if times else math.nan)
    syn.per_page.seconds.append(statistics.median(per_page) if per_page else math.nan)


def paired(label: str, a: Timing, b: Timing) -> tuple[str, float, float]:
    """(label, min, median) of the ratios a ÷ b taken run by run (the two were measured in
    the same round, so a drift of the machine's speed between rounds cancels out), rounds
    where either gave no time left out."""
    ratios = [x / y for x, y in zip(a.rounds, b.rounds)
              if not (math.isnan(x) or math.isnan(y)) and y > 0]
    if not ratios:
        raise KitError(f"{label}: no round gave both times")
    return label, min(ratios), statistics.median(ratios)


def _seconds(value: float) -> str:
    """Seconds for the table: two decimals, three below one second (a page's time)."""
    return f"{value:>6.3f}" if value < 1 else f"{value:>6.2f}"


def table_lines(rows: list[Timing], ratios: list[tuple[str, float, float]], *, runs: int,
                header: str) -> list[str]:
    """The printed table: one row per measurement (min, median, runs) and one per ratio."""
    width = max(len(r.label) for r in rows) if rows else 30
    width = max(width, *(len(label) for label, _, _ in ratios)) if ratios else width
    lines = [header, f"{'':<{width}}  {'min':>8}  {'median':>8}  runs"]
    for r in rows:
        lines.append(f"{r.label:<{width}}  {_seconds(r.min)} s  {_seconds(r.median)} s  "
                     f"{len(r.values):>4}")
    for label, lo, mid in ratios:
        lines.append(f"{label:<{width}}  {lo:>8.2f}  {mid:>8.2f}")
    return lines


def run(args) -> tuple[list[str], list[str]]:
    """Measure everything, in ``--runs`` rounds of one run of each measurement (so each ratio
    is taken within a round); (printed lines, failures)."""
    from .runner import validate_districts
    slugs = validate_districts(args.districts)
    jobs = args.jobs
    batch_jobs = min(jobs, len(slugs))  # (as the runner: no more workers than districts)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    small, large = synthetic(work, args.base, jobs), synthetic(work, args.n, jobs)
    floor = Timing("floor (bare kernel + report imports)")
    serial = batch_timing(slugs, "serial")
    parallel = batch_timing(slugs, _workers(batch_jobs))
    for _ in range(args.runs):
        floor_run(work / "floor", floor)
        batch_run(work, slugs, 1, args.engine, failures, serial)
        if batch_jobs > 1:
            batch_run(work, slugs, batch_jobs, args.engine, failures, parallel)
        synthetic_run(small, jobs, args.engine, failures)
        synthetic_run(large, jobs, args.engine, failures)
    if batch_jobs == 1:  # one district: one worker, which is the serial batch (not run twice)
        parallel = Timing(serial.label.replace("serial", "1 worker (the serial runs)"),
                          list(serial.seconds))
    if not small.own.values or not large.own.values:
        raise KitError("no synthetic report succeeded: nothing to time (see the failures)")
    k = len(slugs)
    fours = Timing(f"{k} × floor", [k * s for s in floor.seconds])
    ratios = [
        paired(f"batch serial ÷ ({k} × floor)", serial, fours),
        paired(f"speed-up, {_workers(batch_jobs)} (serial ÷ {_workers(batch_jobs)})", serial,
               parallel),
        paired(f"median report N={args.n} ÷ N={args.base}", large.own, small.own),
        paired(f"median report per page N={args.n} ÷ N={args.base}", large.per_page,
               small.per_page),
        paired(f"batch ÷ N, N={args.n} ÷ N={args.base}", large.batch, small.batch),
    ]
    header = (f"helpers.bench: engine {args.engine}, {args.runs} run{'s' if args.runs > 1 else ''}"
              f" each, os.cpu_count() = {os.cpu_count()}")
    rows = [floor, serial, parallel, small.own, large.own, small.per_page, large.per_page,
            small.batch, large.batch]
    return table_lines(rows, ratios, runs=args.runs, header=header), failures


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .runner import DEFAULT_ENGINE, ENGINES
    p = argparse.ArgumentParser(prog="python -m helpers.bench",
                                description="Time the report batch against a bare kernel "
                                            "start, and per report at B and N synthetic "
                                            "districts (min and median of several runs).")
    p.add_argument("--runs", type=_positive, default=3, help="runs of each measurement (default 3)")
    p.add_argument("--jobs", "-j", type=_positive, default=2,
                   help="workers of the parallel batch and the synthetic runs (default 2)")
    p.add_argument("--n", type=_positive, default=100,
                   help="synthetic districts of the scale run (default 100)")
    p.add_argument("--base", type=_positive, default=4,
                   help="synthetic districts of the small run it is compared with (default 4)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help=f"report engine of the batches (default {DEFAULT_ENGINE})")
    p.add_argument("--districts", nargs="+", default=None, metavar="slug",
                   help="the kit's districts of the batch (default: all)")
    p.add_argument("--work", type=Path, default=Path(".bench"),
                   help="folder for everything the bench writes (default .bench/)")
    return p


def main(argv: list[str] | None = None) -> int:
    from .runner import skip_iri_grammars
    skip_iri_grammars()  # as the runner's command line does (this process runs batches too)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        lines, failures = run(args)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
