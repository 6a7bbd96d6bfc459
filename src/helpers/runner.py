"""Run the district report notebook once per district with papermill and render it to HTML.

Command line (``make reports`` / ``make report DISTRICT=beilun`` call this)::

    python -m helpers.runner [--jobs N] [--timeout S] [--output-dir reports]
                             [--actuals PATH] [--end-year YYYY] [district ...]

No district → all of them. An unknown district is refused before anything runs (exit 2, with
the valid slugs). For each district it writes, each file atomically (temp file + rename, so a
failed run never clobbers the last good report):

* ``reports/<district>.ipynb`` — the executed notebook (parameters injected by papermill);
* ``reports/<district>.html``  — rendered for readers by :mod:`helpers.pages` (the kit's
  nbconvert template: no code, prompts, parameter cells or scripts; stylesheets, font and
  charts inlined, so it works offline);
* ``reports/<district>.pdf``   — the same page on A4 (WeasyPrint, print stylesheet);
* ``reports/<district>.json``  — the run record (status, seconds, timestamp, data version);

and finally ``reports/index.html`` (Chinese, for readers) with each district's headline facts
and links to its HTML and PDF. A failed district leaves its executed notebook (with the error) in
``reports/<district>.failed.ipynb``; the others carry on. Reports run in parallel in a process
pool (``--jobs``, default: number of CPUs, at most the number of districts); a kernel start that
loses a port race is retried once. Exit status 0 when all succeed, 1 when any failed, 2 for bad
arguments.

Plain papermill, for a scheduler (cron, Airflow's PapermillOperator, Dagster's dagstermill).
papermill reads JSON notebooks only, so convert the percent script first::

    jupytext --to ipynb --set-kernel python3 -o - notebooks/district_report.py \\
      | env -u MPLBACKEND papermill - reports/beilun.ipynb -p district beilun \\
          --cwd notebooks --execution-timeout 600
    jupyter nbconvert --to html --no-input --TagRemovePreprocessor.enabled=True \
      --TagRemovePreprocessor.remove_cell_tags remove-cell \
      --TagRemovePreprocessor.remove_cell_tags parameters \
      --TagRemovePreprocessor.remove_cell_tags injected-parameters reports/beilun.ipynb

(``-p end_year 2023``, ``-p actuals_path /path/actuals.csv`` and ``-p method unsd`` are the
other parameters. MPLBACKEND must not be set to Agg in the kernel's environment, or the charts
vanish. This route uses nbconvert's own template, which loads scripts from a CDN and embeds no CJK
font; ``python -m helpers.runner`` renders the offline page and the PDF.)
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import paths
from .districts import DISTRICTS, resolve_district
from .errors import KitError, UnknownDistrictError
from .files import atomic_write
from .pages import HIDDEN_CELL_TAGS, headline_of, label_table  # noqa: F401 (HIDDEN_CELL_TAGS: API)

#: The report template (jupytext percent script with a ``parameters`` cell).
REPORT_NOTEBOOK = paths.NOTEBOOK_DIR / "district_report.py"
#: Kernel every report runs in (jupyter_client maps its ``python`` argv to this interpreter).
KERNEL_NAME = "python3"
#: Default per-cell execution timeout, seconds.
DEFAULT_CELL_TIMEOUT = 600
#: Messages of errors that mean the kernel failed to start (port races), worth one retry.
KERNEL_START_ERRORS = ("Address already in use", "Kernel didn't respond", "Kernel died before replying",
                       "ZMQError", "Kernel died", "DeadKernelError")
STATUS_ZH = label_table("run_status")


def report_title(name: str) -> str:
    """The report's title for a district's Chinese name (labels file)."""
    return label_table("page")["report_title"].format(name=name)


@dataclass
class RunResult:
    """What happened to one district's report run."""

    district: str
    district_name: str
    status: str  # "ok" | "failed"
    seconds: float  # wall time of execution + rendering
    started: str  # ISO timestamp, local time, seconds precision
    data_version: str
    attempts: int = 1
    error: str = ""
    files: dict[str, str] = field(default_factory=dict)  # kind → file name in the output dir
    headline: list[str] = field(default_factory=list)  # the report's headline facts (index)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --------------------------------------------------------------------------- small pieces

def validate_districts(names: Iterable[str] | None) -> list[str]:
    """Slugs for the requested districts (all, in kit order, when none are named).

    Every name is checked before anything runs; unknown ones raise UnknownDistrictError listing
    all the unknown names and the valid slugs.
    """
    names = list(names or [])
    if not names:
        return list(DISTRICTS)
    slugs, unknown = [], []
    for name in names:
        try:
            slug = resolve_district(name).slug
        except UnknownDistrictError:
            unknown.append(name)
            continue
        if slug not in slugs:
            slugs.append(slug)
    if unknown:
        valid = ", ".join(f"{d.slug} ({d.name})" for d in DISTRICTS.values())
        raise UnknownDistrictError(
            f"unknown district{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(u) for u in unknown)}; valid: {valid}")
    return slugs


def is_kernel_start_error(exc: BaseException) -> bool:
    """True for errors that mean the kernel did not start or answer (worth one retry),
    False for errors raised by the notebook's own code (deterministic; retrying is pointless)."""
    from papermill.exceptions import PapermillExecutionError
    if isinstance(exc, (PapermillExecutionError, KitError)):
        return False
    text = f"{type(exc).__name__}: {exc}"
    return any(marker in text for marker in KERNEL_START_ERRORS)


def kernel_manager_class(log_path: Path):
    """A jupyter_client AsyncKernelManager subclass for report kernels.

    The kernel process gets the parent's environment without MPLBACKEND (Agg there makes
    figures vanish from executed notebooks; ipykernel picks its inline backend itself), and its
    stderr goes to ``log_path`` instead of the terminal (ipykernel's start-up and shutdown
    chatter would otherwise interleave with the progress bar; the log is kept for diagnosis).
    """
    from jupyter_client.manager import AsyncKernelManager

    class ReportKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            env = dict(kw.get("env") or os.environ)
            env.pop("MPLBACKEND", None)
            kw["env"] = env
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "ab") as log:  # Popen dups the descriptor; safe to close here
                kw["stderr"] = log
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return ReportKernelManager


def load_template(path: Path = REPORT_NOTEBOOK):
    """The report notebook read from its percent script, with python3 kernel metadata."""
    import jupytext
    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def report_parameters(district: str, end_year: int | None = None,
                      actuals_path: str | Path | None = None) -> dict:
    """The papermill parameters for one district (plain values; paths made absolute)."""
    return {"district": district, "end_year": end_year,
            "actuals_path": str(Path(actuals_path).resolve()) if actuals_path else None}


def render_html(nb, title: str) -> str:
    """HTML of an executed notebook for readers (helpers.pages.report_page): no code, prompts
    or parameter cells, the kit's stylesheets and the CJK font inlined, charts as PNG, nothing
    fetched from the network, byte-identical on re-render apart from the generation time."""
    from .pages import report_page
    return report_page(nb, title)


def render_pdf(page: str) -> bytes:
    """The A4 PDF of a rendered report page (helpers.pages.pdf_bytes, WeasyPrint)."""
    from .pages import pdf_bytes
    return pdf_bytes(page)


def execute(notebook: str | Path, output: str | Path, parameters: dict, *,
            cell_timeout: float = DEFAULT_CELL_TIMEOUT, log_path: Path | None = None,
            retries: int = 1) -> int:
    """Execute a percent-script notebook with papermill into ``output`` (an .ipynb path), in the
    notebook's folder, with the python3 kernel; a kernel that fails to start (port race) is
    retried ``retries`` times. Returns the number of attempts. Raises papermill's
    PapermillExecutionError when a cell fails (the output notebook is still written)."""
    import papermill
    notebook = Path(notebook)
    log_path = log_path or Path(output).with_suffix(".kernel.log")
    for attempt in range(1, retries + 2):
        try:
            papermill.execute_notebook(
                load_template(notebook), str(output), parameters=parameters,
                kernel_name=KERNEL_NAME, language="python", cwd=str(notebook.parent),
                execution_timeout=cell_timeout, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=kernel_manager_class(Path(log_path)))
            return attempt
        except Exception as exc:
            if attempt <= retries and is_kernel_start_error(exc):
                continue
            raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- one district

def run_one(district: str, output_dir: str | Path = paths.REPORT_DIR, *,
            end_year: int | None = None, actuals_path: str | Path | None = None,
            cell_timeout: float = DEFAULT_CELL_TIMEOUT, notebook: str | Path = REPORT_NOTEBOOK,
            data_version: str = "", retries: int = 1) -> RunResult:
    """Execute and render one district's report (runs inside a worker process).

    Never raises for a failing notebook: the failure is returned in RunResult.error and the
    executed notebook kept as ``<district>.failed.ipynb``. Good outputs of an earlier run are
    replaced only when this run succeeds.
    """
    import nbformat

    d = resolve_district(district)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = _dt.datetime.now().isoformat(timespec="seconds")
    t0 = time.perf_counter()
    params = report_parameters(d.slug, end_year, actuals_path)
    result = RunResult(d.slug, d.name, "failed", 0.0, started, data_version)
    tmp = out / f".{d.slug}.running-{os.getpid()}.ipynb"
    log_path = out / f".{d.slug}.kernel.log"
    with contextlib.suppress(FileNotFoundError):
        log_path.unlink()
    try:
        result.attempts = execute(notebook, tmp, params, cell_timeout=cell_timeout,
                                  log_path=log_path, retries=retries)
        executed = nbformat.read(tmp, as_version=4)
        page = render_html(executed, report_title(d.name))
        pdf = render_pdf(page)
        result.headline = headline_of(executed)
        atomic_write(out / f"{d.slug}.html", page)
        atomic_write(out / f"{d.slug}.pdf", pdf)
        os.replace(tmp, out / f"{d.slug}.ipynb")
        for stale in (f"{d.slug}.failed.ipynb", f"{d.slug}.failed.json"):
            with contextlib.suppress(FileNotFoundError):
                (out / stale).unlink()
        result.status = "ok"
        result.files = {"html": f"{d.slug}.html", "pdf": f"{d.slug}.pdf", "ipynb": f"{d.slug}.ipynb"}
    except Exception as exc:  # noqa: BLE001
        result.error = _error_text(exc)
        if log_path.exists() and log_path.stat().st_size:
            result.error += f" (kernel log: {log_path.name})"
        if tmp.exists():
            os.replace(tmp, out / f"{d.slug}.failed.ipynb")
            result.files = {"failed": f"{d.slug}.failed.ipynb"}
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        result.seconds = round(time.perf_counter() - t0, 2)
    atomic_write(out / f"{d.slug}.{'json' if result.ok else 'failed.json'}",
                 json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


def _error_text(exc: BaseException) -> str:
    """One readable line: the exception type and the last line of its message."""
    from papermill.exceptions import PapermillExecutionError
    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}"
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}".strip()


# --------------------------------------------------------------------------- the batch

def default_jobs(n_districts: int) -> int:
    """Worker count when --jobs is not given: one per CPU, no more than there are districts."""
    return max(1, min(os.cpu_count() or 1, n_districts))


def run_reports(districts: Iterable[str] | None = None, output_dir: str | Path = paths.REPORT_DIR,
                *, jobs: int | None = None, cell_timeout: float = DEFAULT_CELL_TIMEOUT,
                end_year: int | None = None, actuals_path: str | Path | None = None,
                notebook: str | Path = REPORT_NOTEBOOK, progress: bool = True) -> list[RunResult]:
    """Run the report for each district (all by default) in parallel and write the index.

    Raises UnknownDistrictError before running anything if a district is unknown. Returns the
    results in district order; failures are in the results, not raised.
    """
    from tqdm import tqdm

    from .data import data_version

    slugs = validate_districts(districts)
    if actuals_path is not None and not Path(actuals_path).is_file():
        raise KitError(f"actuals file not found: {actuals_path}")
    version = data_version()  # also builds data/clean if it is missing or stale
    jobs = default_jobs(len(slugs)) if jobs is None else max(1, min(int(jobs), len(slugs)))
    kwargs = dict(output_dir=output_dir, end_year=end_year, actuals_path=actuals_path,
                  cell_timeout=cell_timeout, notebook=notebook, data_version=version)
    results: dict[str, RunResult] = {}
    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    bar = tqdm(total=len(slugs), desc="报告", unit="区", disable=not progress, file=sys.stderr)
    try:
        if jobs == 1:
            for slug in slugs:
                bar.set_postfix_str(slug)
                results[slug] = run_one(slug, **kwargs)
                bar.update()
        else:
            _preload()
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(run_one, slug, **kwargs): slug for slug in slugs}
                for fut in as_completed(futures):
                    slug = futures[fut]
                    try:
                        results[slug] = fut.result()
                    except Exception as exc:  # noqa: BLE001 — a worker that died
                        results[slug] = RunResult(slug, DISTRICTS[slug].name, "failed", 0.0,
                                                  _dt.datetime.now().isoformat(timespec="seconds"),
                                                  version, error=_error_text(exc))
                    bar.set_postfix_str(f"{slug} {STATUS_ZH[results[slug].status]}")
                    bar.update()
    finally:
        bar.close()
    ordered = [results[s] for s in slugs]
    write_index(Path(output_dir), ordered)
    return ordered


def _preload() -> None:
    """Import the heavy modules once in the parent so forked workers start warm."""
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401
    from nbconvert.exporters import HTMLExporter  # noqa: F401


# --------------------------------------------------------------------------- index page

def previous_record(output_dir: Path, slug: str) -> dict | None:
    """The last successful run record of a district in output_dir (from <slug>.json), if any."""
    p = Path(output_dir) / f"{slug}.json"
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def index_html(output_dir: Path, results: list[RunResult]) -> str:
    """The reader's index page (template ``templates/index.html.j2``): one entry per district of
    this run with its headline facts and links to the HTML and PDF. A district that failed now
    links its last good report, if one is still there, with a note saying it was not refreshed
    (the error is named; run times and notebooks stay in the run records, not on this page)."""
    from .pages import index_page
    output_dir = Path(output_dir)
    texts = label_table("index")
    entries = []
    for r in results:
        d = DISTRICTS[r.district]
        entry = {"name": r.district_name, "city": d.city, "plan": d.plan_title, "html": "",
                 "pdf": "", "facts": list(r.headline), "note": ""}
        if r.ok:
            entry["html"] = r.files.get("html", "")
            entry["pdf"] = r.files.get("pdf", "")
        else:
            prev = previous_record(output_dir, r.district)
            if prev and (output_dir / f"{r.district}.html").exists():
                entry["html"] = f"{r.district}.html"
                if (output_dir / f"{r.district}.pdf").exists():
                    entry["pdf"] = f"{r.district}.pdf"
                entry["facts"] = list(prev.get("headline") or [])
                when = str(prev.get("started", "")).replace("T", " ")
                entry["note"] = texts["not_refreshed"].format(error=r.error, when=when)
            else:
                entry["note"] = texts["failed_no_report"].format(error=r.error)
        entries.append(entry)
    versions = sorted({r.data_version for r in results})
    for r in results:
        if not r.ok:
            prev = previous_record(output_dir, r.district) or {}
            if prev.get("data_version"):
                versions = sorted(set(versions) | {str(prev["data_version"])})
    now = _dt.datetime.now().isoformat(sep=" ", timespec="seconds")
    return index_page(entries, generated=now, data_versions=versions)


def write_index(output_dir: Path, results: list[RunResult]) -> Path:
    """Write ``index.html`` for this run's results (atomically) and return its path."""
    path = Path(output_dir) / "index.html"
    atomic_write(path, index_html(Path(output_dir), results))
    return path


# --------------------------------------------------------------------------- command line

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers.runner",
                                description="Run the district report notebook with papermill "
                                            "and render HTML reports plus reports/index.html.")
    p.add_argument("districts", nargs="*", metavar="district",
                   help=f"slugs or Chinese names (default: all of {', '.join(DISTRICTS)})")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="parallel worker processes (default: CPUs, at most one per district)")
    p.add_argument("--timeout", type=float, default=DEFAULT_CELL_TIMEOUT,
                   help=f"per-cell execution timeout in seconds (default {DEFAULT_CELL_TIMEOUT})")
    p.add_argument("--output-dir", type=Path, default=paths.REPORT_DIR,
                   help="where reports and index.html go (default: reports/)")
    p.add_argument("--actuals", type=Path, default=None,
                   help="actuals CSV (default: data/actuals/actuals.csv if it exists)")
    p.add_argument("--end-year", type=int, default=None,
                   help="judge targets up to this year (default: each plan's last target year)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return p


def summary_lines(results: list[RunResult], output_dir: Path, wall: float) -> list[str]:
    """The closing summary printed by the command line."""
    lines = [f"{r.district:<8} {r.district_name} {STATUS_ZH[r.status]} {r.seconds:6.1f} s"
             + (f"  (attempts: {r.attempts})" if r.attempts > 1 else "")
             + (f"  {r.error}" if r.error else "") for r in results]
    n_ok = sum(r.ok for r in results)
    lines.append(f"{n_ok}/{len(results)} reports ok in {wall:.1f} s; index: "
                 f"{Path(output_dir) / 'index.html'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        validate_districts(args.districts)
        if args.jobs is not None and args.jobs < 1:
            raise KitError(f"--jobs must be at least 1, got {args.jobs}")
        t0 = time.perf_counter()
        results = run_reports(args.districts, args.output_dir, jobs=args.jobs,
                              cell_timeout=args.timeout, end_year=args.end_year,
                              actuals_path=args.actuals, progress=not args.quiet)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in summary_lines(results, args.output_dir, time.perf_counter() - t0):
        print(line)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
