"""How much does a report batch cost beyond starting kernels? ``make bench`` runs this.

    python -m helpers.bench [--jobs N] [--floor-runs K]

Measures, with the same machinery as ``helpers.runner``:

* **floor** — one bare kernel start that runs the same imports as the report: papermill
  executes a two-cell notebook (a parameters cell, then the report's imports) through
  :func:`helpers.runner.execute`. Run ``--floor-runs`` times (default 2); the fastest counts.
* **batch** — :func:`helpers.runner.run_reports` for every district into a temporary folder
  (execution, HTML rendering, index), with ``--jobs`` workers.

Prints both, the ratio batch / floor, and the ratio to the ideal parallel batch
``floor × ceil(districts / jobs)`` (what the batch would cost if a report were nothing but its
kernel start and imports). Nothing is written outside the temporary folder.
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

from .districts import DISTRICTS

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


def time_floor(workdir: Path, runs: int = 2) -> list[float]:
    """Wall-clock seconds of ``runs`` executions of the floor notebook (kernel start + imports)."""
    from .runner import execute
    nb = workdir / "floor.py"
    nb.write_text(floor_notebook_text(), encoding="utf-8")
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        execute(nb, workdir / f"floor-{i}.ipynb", {"district": next(iter(DISTRICTS))},
                log_path=workdir / "floor.kernel.log")
        times.append(time.perf_counter() - t0)
    return times


def time_batch(workdir: Path, jobs: int | None) -> tuple[float, list]:
    """Wall-clock seconds of the whole report batch (all districts) into workdir/reports."""
    from .runner import run_reports
    t0 = time.perf_counter()
    results = run_reports(None, workdir / "reports", jobs=jobs, progress=False)
    return time.perf_counter() - t0, results


def summary(floor: float, batch: float, n: int, jobs: int, results: list) -> list[str]:
    """The lines printed: per-district times, floor, batch and the two ratios."""
    ideal = floor * math.ceil(n / jobs)
    lines = [f"  {r.district:<8} {r.status:<6} {r.seconds:6.2f} s" for r in results]
    lines += [
        f"floor (kernel start + report imports): {floor:6.2f} s",
        f"batch ({n} reports, {jobs} job{'s' if jobs > 1 else ''}):          {batch:6.2f} s",
        f"batch / floor:                          {batch / floor:6.2f}",
        f"batch / (floor × ceil({n}/{jobs}) = {ideal:.2f} s): {batch / ideal:6.2f}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.bench", description=__doc__.split("\n")[0])
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="report workers (default: as helpers.runner)")
    p.add_argument("--floor-runs", type=int, default=2, help="floor executions (fastest counts)")
    args = p.parse_args(argv)
    from .runner import default_jobs
    n = len(DISTRICTS)
    jobs = default_jobs(n) if args.jobs is None else max(1, min(args.jobs, n))
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        work = Path(tmp)
        floors = time_floor(work, max(1, args.floor_runs))
        batch, results = time_batch(work, jobs)
    for line in summary(min(floors), batch, n, jobs, results):
        print(line)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
