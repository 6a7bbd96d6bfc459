"""Run the district report notebook once per district with papermill and render it to HTML.

Command line (``make reports`` / ``make report DISTRICT=beilun`` call this)::

    python -m helpers.runner [--jobs N] [--timeout S] [--output-dir reports]
                             [--actuals PATH] [--end-year YYYY] [--method opensdg|unsd]
                             [--engine warm|cold] [--dask tcp://host:8786]
                             [district ...]

No district → all of them. Every argument is checked before anything runs, and a bad one is
refused with exit 2 and a message naming it: an unknown district (with the valid slugs), a
--timeout or --jobs that is not a positive number, an --end-year that is not a year or that a
district of the run prints no targets for, an --output-dir that is a file, a missing
--actuals file, an unknown --method. For each district it writes, each file atomically (temp
file + rename, so a failed run never clobbers the last good report):

* ``reports/<district>.ipynb`` — the executed notebook (parameters injected by papermill);
* ``reports/<district>.html``  — rendered for readers by :mod:`helpers.pages` (the kit's
  nbconvert template: no code, prompts, parameter cells or scripts; stylesheets, font and
  charts inlined, so it works offline);
* ``reports/<district>.pdf``   — the same page on A4 (WeasyPrint, print stylesheet);
* ``reports/<district>.json``  — the run record (status, seconds, timestamp, data version,
  ``refreshed``, headline);

and finally ``reports/index.html`` (Chinese, for readers) with each district's headline facts
and links to its HTML and PDF, listing every district with a report in the folder — this run's,
and the others from their latest run records (so ``make report DISTRICT=ouhai`` keeps the other
districts listed, marked as not refreshed). A failed district leaves its executed notebook (with
the error) in ``reports/<district>.failed.ipynb`` and its record in ``<district>.failed.json``;
the others carry on, and the terminal shows the failing cell with its exception type and
message. Reports run in parallel on ``--jobs`` worker processes (default: number of CPUs, at
most the number of districts), each in a process group of its own and running one district
after another; a kernel start that loses a port race is retried once.

Engines (``--engine``): ``warm`` (default, :mod:`helpers.engine`) — each worker starts one
kernel on its first district, with the report's imports done, and reuses it for its next
districts, reset to a fresh namespace before each; a kernel that dies is replaced by a fresh one
and the report run again once. ``cold`` — papermill's default engine, a new kernel per report.
Both write the same files, byte for byte apart from the page's generation time.

Dask (``--dask tcp://host:8786``): the districts run as tasks on an existing Dask cluster
(``distributed.Client(address).get_executor()``) instead of local worker processes, with the
same result files and run records and the same per-district failure isolation (a task that
raises or whose worker dies fails its district alone). The workers must see the kit (installed
``helpers``, data, notebook) and the output folder at the same paths (a shared file system);
``--jobs`` caps the tasks submitted at a time (default: the cluster's worker threads). With the
warm engine each worker thread keeps one kernel; it ends with its worker (ipykernel also exits
when its parent does).

Ctrl-C (SIGINT) or SIGTERM: no further district starts, every worker and every kernel it
started is stopped (none is left running), and reports/ stays consistent: each district has
either all of its new files or all of its old ones, interrupted districts keep their last good
report and get ``<district>.interrupted.json`` (status ``interrupted``, ``refreshed`` false),
and the index lists only files that are on disk. Exit status 0 when all succeed, 1 when any
failed, 2 for bad arguments, 128 + the signal number when interrupted (130 for Ctrl-C, 143 for
SIGTERM).

With ``--dask`` an interrupt holds less: no further district is submitted and every submitted
task is cancelled (one still queued never starts), but a task already running cannot be stopped
from here: it finishes on the cluster and puts its district's files in place all at once or not
at all (never half-written). The runner does not wait for it: it records the district as
interrupted (``refreshed`` false) and writes the index from what is on disk.

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
import gc
import json
import math
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import paths
from .districts import DISTRICTS, resolve_district
from .errors import KitError, UnknownDistrictError
from .files import atomic_write
from .formatting import display_width, pad
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
#: Seconds a worker gets to stop after SIGTERM before its process group is killed.
STOP_GRACE_SECONDS = 5.0
#: Progress methods the report notebook knows (helpers.progress.METHODS).
METHODS = ("opensdg", "unsd")
#: Report engines: warm (default) keeps one kernel per worker process with the report's imports
#: done and resets it between reports (helpers.engine); cold is papermill's default engine, a
#: new kernel per report. Both give the same report, byte for byte, apart from its time stamp.
ENGINES = ("warm", "cold")
DEFAULT_ENGINE = "warm"
#: Run records a district may have in the output folder: last good run, last failed run,
#: last interrupted run (the latest by ``started`` is the district's state).
RECORD_SUFFIXES = {"ok": ".json", "failed": ".failed.json", "interrupted": ".interrupted.json"}


def report_title(name: str) -> str:
    """The report's title for a district's Chinese name (labels file)."""
    return label_table("page")["report_title"].format(name=name)


@dataclass
class RunResult:
    """What happened to one district's report run."""

    district: str
    district_name: str
    status: str  # "ok" | "failed" | "interrupted"
    seconds: float  # wall time of execution + rendering
    started: str  # ISO timestamp, local time, seconds precision
    data_version: str
    attempts: int = 1
    error: str = ""
    files: dict[str, str] = field(default_factory=dict)  # kind → file name in the output dir
    #: False when the report on disk (if any) is not this run's: the run failed or was
    #: interrupted, or the district was not part of this run (its row in the index comes from
    #: its earlier run record). The index should say 未更新 for these.
    refreshed: bool = True
    headline: list[str] = field(default_factory=list)  # the report's headline facts (index)
    #: of ``seconds``, the time spent starting and warming the worker's kernel (the first report
    #: of a warm-engine worker; 0 for the others, and for the cold engine, which starts a kernel
    #: for every report)
    kernel_start: float = 0.0
    pages: int = 0  # pages of the PDF made (0: none, the run failed)

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
    Every kernel it starts is registered (:data:`_KERNELS`, and the batch parent is told its
    process group), so an interrupted batch can shut it down: jupyter_client starts kernels
    in a session of their own, out of reach of the worker's process group.
    """
    from jupyter_client.manager import AsyncKernelManager

    class ReportKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            env = dict(kw.get("env") or os.environ)
            env.pop("MPLBACKEND", None)
            kw["env"] = env
            log_path.parent.mkdir(parents=True, exist_ok=True)
            # no SIGINT/SIGTERM between the fork of the kernel and its registration
            with _signals_deferred(), open(log_path, "ab") as log:  # Popen dups the descriptor
                kw["stderr"] = log
                result = await super()._async_launch_kernel(kernel_cmd, **kw)
                _register_kernel(self)
            return result

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
                      actuals_path: str | Path | None = None, method: str | None = None) -> dict:
    """The papermill parameters for one district (plain values; paths made absolute); the
    progress ``method`` only when given (the notebook's default is opensdg)."""
    params = {"district": district, "end_year": end_year,
              "actuals_path": str(Path(actuals_path).resolve()) if actuals_path else None}
    if method is not None:
        params["method"] = method
    return params


def render_html(nb, title: str) -> str:
    """HTML of an executed notebook for readers (helpers.pages.report_page): no code, prompts
    or parameter cells, the kit's stylesheets and the CJK font inlined, charts as PNG, nothing
    fetched from the network, byte-identical on re-render apart from the generation time."""
    from .pages import report_page
    return report_page(nb, title)


def render_pdf(page: str) -> tuple[bytes, int]:
    """The A4 PDF of a rendered report page and its number of pages
    (helpers.pages.pdf_document, WeasyPrint)."""
    from .pages import pdf_document
    return pdf_document(page)


def execute(notebook: str | Path, output: str | Path, parameters: dict, *,
            cell_timeout: float = DEFAULT_CELL_TIMEOUT, log_path: Path | None = None,
            retries: int = 1) -> int:
    """Execute a percent-script notebook with papermill into ``output`` (an .ipynb path), in the
    notebook's folder, with the python3 kernel; a kernel that fails to start (port race) is
    retried ``retries`` times. Returns the number of attempts. Raises papermill's
    PapermillExecutionError when a cell fails (the output notebook is still written)."""
    return execute_cold(notebook, output, parameters, cell_timeout=cell_timeout,
                        log_path=log_path, retries=retries)[0]


def execute_cold(notebook: str | Path, output: str | Path, parameters: dict, *,
                 cell_timeout: float = DEFAULT_CELL_TIMEOUT, log_path: Path | None = None,
                 retries: int = 1):
    """:func:`execute` with papermill's default engine (a new kernel for this notebook),
    returning (attempts, the executed notebook as written to ``output``)."""
    import papermill
    notebook = Path(notebook)
    log_path = log_path or Path(output).with_suffix(".kernel.log")
    for attempt in range(1, retries + 2):
        try:
            nb = papermill.execute_notebook(
                load_template(notebook), str(output), parameters=parameters,
                kernel_name=KERNEL_NAME, language="python", cwd=str(notebook.parent),
                execution_timeout=cell_timeout, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=kernel_manager_class(Path(log_path)))
            return attempt, nb
        except Exception as exc:
            if attempt <= retries and is_kernel_start_error(exc):
                continue
            raise
    raise AssertionError("unreachable")


def _engine_function(engine: str):
    """The execute function of an engine: (notebook, output, parameters, **options) →
    (attempts, executed notebook)."""
    if engine == "cold":
        return execute_cold
    from .engine import run_warm
    return run_warm


# --------------------------------------------------------------------------- one district

def run_one(district: str, output_dir: str | Path = paths.REPORT_DIR, *,
            end_year: int | None = None, actuals_path: str | Path | None = None,
            cell_timeout: float = DEFAULT_CELL_TIMEOUT, notebook: str | Path = REPORT_NOTEBOOK,
            data_version: str = "", retries: int = 1, method: str | None = None,
            engine: str = "warm") -> RunResult:
    """Execute and render one district's report (runs inside a worker process), with the warm
    engine (this process's warm kernel, :mod:`helpers.engine`) or the cold one (papermill's
    default: a kernel for this report alone); see :data:`ENGINES`.

    Never raises for a failing notebook: the failure is returned in RunResult.error and the
    executed notebook kept as ``<district>.failed.ipynb``. Good outputs of an earlier run are
    replaced only when this run succeeds; SIGINT/SIGTERM are held while the new files are put
    in place, so an interrupt leaves either all old or all new files.
    """
    if engine not in ENGINES:
        raise KitError(f"--engine {engine!r}: unknown; choose one of {', '.join(ENGINES)}")
    d = resolve_district(district)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = _dt.datetime.now().isoformat(timespec="seconds")
    t0 = time.perf_counter()
    params = report_parameters(d.slug, end_year, actuals_path, method)
    result = RunResult(d.slug, d.name, "failed", 0.0, started, data_version, refreshed=False)
    tmp = out / f".{d.slug}.running-{os.getpid()}.ipynb"
    log_path = out / f".{d.slug}.kernel.log"
    with contextlib.suppress(FileNotFoundError):
        log_path.unlink()
    try:
        run = _engine_function(engine)
        # the executed notebook as papermill holds it (and wrote it to tmp): not read back
        result.attempts, executed = run(notebook, tmp, params, cell_timeout=cell_timeout,
                                        log_path=log_path, retries=retries)
        if engine == "warm":
            from .engine import last_kernel_start
            result.kernel_start = round(last_kernel_start(), 2)
        page = render_html(executed, report_title(d.name))
        pdf, result.pages = render_pdf(page)
        result.headline = headline_of(executed)
        with _signals_deferred():  # all new files or none: an interrupt waits for this block
            atomic_write(out / f"{d.slug}.html", page)
            atomic_write(out / f"{d.slug}.pdf", pdf)
            os.replace(tmp, out / f"{d.slug}.ipynb")
            for stale in (f"{d.slug}.failed.ipynb", f"{d.slug}.failed.json",
                          f"{d.slug}.interrupted.json"):
                with contextlib.suppress(FileNotFoundError):
                    (out / stale).unlink()
            result.status = "ok"
            result.refreshed = True
            result.files = {"html": f"{d.slug}.html", "pdf": f"{d.slug}.pdf",
                            "ipynb": f"{d.slug}.ipynb"}
            result.seconds = round(time.perf_counter() - t0, 2)
            atomic_write(out / f"{d.slug}.json",
                         json.dumps(asdict(result), ensure_ascii=False, indent=1))
        return result
    except Exception as exc:  # noqa: BLE001
        result.error = _error_text(exc, log_path)
        if tmp.exists():
            os.replace(tmp, out / f"{d.slug}.failed.ipynb")
            result.files = {"failed": f"{d.slug}.failed.ipynb"}
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if not result.ok:
            result.seconds = round(time.perf_counter() - t0, 2)
    atomic_write(out / f"{d.slug}.failed.json",
                 json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


def _failing_line(traceback: list[str] | None) -> str:
    """The line of the cell that raised, from an IPython traceback (``----> 6 rep = …`` in
    the cell's frame, colour codes removed); '' when there is none."""
    import re
    for entry in traceback or []:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(entry))
        if not text.lstrip().startswith("Cell In["):
            continue
        m = re.search(r"^-+>\s*\d+\s(.*)$", text, flags=re.M)
        return m.group(1).strip() if m else ""
    return ""


def _error_text(exc: BaseException, log_path: Path | None = None) -> str:
    """What went wrong, for the terminal and the index: for a failing cell, the cell (its
    execution count and first source line) and its exception type and message as the notebook
    printed them; otherwise the exception type and the last line of its message, plus the last
    line of the kernel log when the kernel wrote one (a kernel that died says why there)."""
    from papermill.exceptions import PapermillExecutionError
    if isinstance(exc, PapermillExecutionError):
        first = _failing_line(exc.traceback) or next(
            (ln.strip() for ln in str(exc.source or "").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")), "")
        where = f"cell [{exc.exec_count}]" if exc.exec_count else f"cell #{exc.cell_index + 1}"
        if first:
            where += f" `{first[:60]}{'…' if len(first) > 60 else ''}`"
        return f"{where}: {exc.ename}: {str(exc.evalue).strip()}"
    lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
    text = f"{type(exc).__name__}: {lines[-1] if lines else ''}".strip()
    if log_path is not None and log_path.exists() and log_path.stat().st_size:
        tail = [ln.strip() for ln in log_path.read_text(encoding="utf-8", errors="replace")
                .splitlines() if ln.strip()]
        text += f" (kernel log {log_path.name}: {tail[-1][:200]})" if tail else ""
    return text


# --------------------------------------------------------------------------- signals and kernels

#: Kernels started by this process: pid → kernel manager (see kernel_manager_class).
_KERNELS: dict[int, object] = {}
#: Where a batch worker reports each kernel it starts (the parent's end of a pipe), or None.
_PARENT_CONN = None


@contextlib.contextmanager
def _signals_deferred():
    """Hold SIGINT and SIGTERM for the duration of the block (they are delivered at its end).
    Only the main thread can change the process's handling; elsewhere this does nothing."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _register_kernel(km) -> None:
    """Remember a kernel this process started, and tell the batch parent its process group."""
    prov = getattr(km, "provisioner", None)
    pid = getattr(prov, "pid", None)
    if not pid:
        return
    for old, old_km in list(_KERNELS.items()):  # kernels shut down since (a warm one replaced)
        if not getattr(old_km, "has_kernel", True):
            _KERNELS.pop(old, None)
    _KERNELS[pid] = km
    if _PARENT_CONN is not None:
        with contextlib.suppress(OSError, ValueError):
            _PARENT_CONN.send(("kernel", pid, getattr(prov, "pgid", None) or pid))


def _kill_group(pgid: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when no such group exists any more."""
    try:
        os.killpg(pgid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return False


def _stop_own_kernels(grace: float = 2.0) -> None:
    """Shut down every kernel this process started: SIGTERM to its process group, SIGKILL
    after ``grace`` seconds, reap it, remove its connection file."""
    import signal
    for pid, km in list(_KERNELS.items()):
        _kill_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        reaped = False
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                reaped = True
                break
            if done:
                reaped = True
                break
            time.sleep(0.05)
        if not reaped:
            _kill_group(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        with contextlib.suppress(OSError, TypeError):
            os.unlink(km.connection_file)
        _KERNELS.pop(pid, None)


def _worker_on_signal(signum, frame):  # noqa: ARG001 — signal handler signature
    """A batch worker told to stop: shut its kernels down and leave at once (the parent keeps
    the output folder consistent; nothing of this district's half-done run is committed)."""
    _stop_own_kernels()
    os._exit(128 + signum)


def _worker_main(conn, kwargs: dict) -> None:
    """Body of one batch worker process: its own process group (so the batch can stop it and
    everything it started, and a terminal's Ctrl-C reaches only the batch parent). It runs the
    districts the parent sends it, one at a time, and sends each result back; ``None`` (or the
    parent gone) ends it. With the warm engine its kernel is started on the first district and
    reused for the next ones; it is shut down when the worker ends."""
    import signal
    global _PARENT_CONN
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, _worker_on_signal)
    signal.signal(signal.SIGINT, _worker_on_signal)
    _KERNELS.clear()
    _PARENT_CONN = conn
    # forked with the signals held (see _start_worker): a stop request sent before the handlers
    # were in place is delivered now
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        while True:
            try:
                slug = conn.recv()
            except (EOFError, OSError):
                break
            if slug is None:
                break
            result = run_one(slug, **kwargs)
            with _signals_deferred():
                conn.send(("done", slug, asdict(result)))
    finally:
        with _signals_deferred():
            from .engine import shutdown_warm_kernel
            shutdown_warm_kernel()
            _stop_own_kernels()
        conn.close()


# --------------------------------------------------------------------------- the batch

def default_jobs(n_districts: int) -> int:
    """Worker count when --jobs is not given: one per CPU, no more than there are districts."""
    return max(1, min(os.cpu_count() or 1, n_districts))


@dataclass
class Batch:
    """Outcome of :func:`run_batch`: one result per requested district (kit order) and the
    signal that interrupted the batch (None when it ran to the end)."""

    results: list[RunResult]
    signal: int | None = None

    @property
    def exit_code(self) -> int:
        """0 all ok, 1 any failed, 128 + signal number when interrupted (130 for Ctrl-C)."""
        if self.signal is not None:
            return 128 + self.signal
        return 0 if all(r.ok for r in self.results) else 1


def check_output_dir(output_dir: str | Path) -> Path:
    """The output folder, created if missing; KitError naming --output-dir when it is a file,
    lies under a file, or cannot be written."""
    out = Path(output_dir)
    for p in (out, *out.parents):
        if p.exists() and not p.is_dir():
            what = "is a file" if p == out else f"is inside {p}, which is a file"
            raise KitError(f"--output-dir {out}: {what}, not a folder; name a folder for the "
                           "reports (default: reports/)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KitError(f"--output-dir {out}: cannot create the folder ({exc.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise KitError(f"--output-dir {out}: the folder is not writable")
    return out


def run_reports(districts: Iterable[str] | None = None, output_dir: str | Path = paths.REPORT_DIR,
                *, jobs: int | None = None, cell_timeout: float = DEFAULT_CELL_TIMEOUT,
                end_year: int | None = None, actuals_path: str | Path | None = None,
                notebook: str | Path = REPORT_NOTEBOOK, progress: bool = True,
                method: str | None = None, engine: str = DEFAULT_ENGINE,
                dask: str | None = None) -> list[RunResult]:
    """Run the report for each district (all by default) in parallel and write the index.

    Raises UnknownDistrictError before running anything if a district is unknown, KitError for
    an unusable output folder or actuals file. Returns the results in district order; failures
    (and, after SIGINT/SIGTERM, interrupted districts) are in the results, not raised. See
    :func:`run_batch`.
    """
    return run_batch(districts, output_dir, jobs=jobs, cell_timeout=cell_timeout,
                     end_year=end_year, actuals_path=actuals_path, notebook=notebook,
                     progress=progress, method=method, engine=engine, dask=dask).results


def run_batch(districts: Iterable[str] | None = None, output_dir: str | Path = paths.REPORT_DIR,
              *, jobs: int | None = None, cell_timeout: float = DEFAULT_CELL_TIMEOUT,
              end_year: int | None = None, actuals_path: str | Path | None = None,
              notebook: str | Path = REPORT_NOTEBOOK, progress: bool = True,
              method: str | None = None, engine: str = DEFAULT_ENGINE,
              dask: str | None = None) -> Batch:
    """Run the districts' reports, at most ``jobs`` at a time, on worker processes of their own
    process groups (at most ``jobs``, each running one district after another; with the warm
    ``engine`` each keeps one kernel for all of its districts), and write the index.

    ``dask``: the address of a running Dask scheduler (``tcp://host:8786``): the districts run
    as tasks on that cluster instead (see :func:`_schedule_dask`); its workers must see the
    same kit (checkout or installed package, data) and the output folder at the same path.

    SIGINT (Ctrl-C) or SIGTERM during the batch: no further district starts; every running
    worker gets SIGTERM (it shuts its kernel down and exits), after STOP_GRACE_SECONDS its
    process group and its kernels' groups get SIGKILL; nothing is left running. A worker holds
    the signal while it puts a finished report in place, so each district's files are either
    all the new ones or all the old ones. Interrupted districts keep their last good report and
    get ``<slug>.interrupted.json`` (status interrupted, refreshed false); leftover temp files
    are removed; the index is written from what is on disk. A second signal skips the grace
    period.
    """
    import signal
    import threading

    from tqdm import tqdm

    from .data import data_version

    slugs = validate_districts(districts)
    out = check_output_dir(output_dir)
    if actuals_path is not None and not Path(actuals_path).is_file():
        raise KitError(f"--actuals {actuals_path}: file not found")
    if method is not None and method not in METHODS:
        raise KitError(f"--method {method!r}: unknown; choose one of {', '.join(METHODS)}")
    if engine not in ENGINES:
        raise KitError(f"--engine {engine!r}: unknown; choose one of {', '.join(ENGINES)}")
    version = data_version()  # also builds data/clean if it is missing or stale
    client = _dask_client(dask) if dask else None
    if client is not None and jobs is None:
        jobs = max(1, min(sum(client.nthreads().values()) or 1, len(slugs)))
    jobs = default_jobs(len(slugs)) if jobs is None else max(1, min(int(jobs), len(slugs)))
    kwargs = dict(output_dir=out, end_year=end_year, actuals_path=actuals_path,
                  cell_timeout=cell_timeout, notebook=notebook, data_version=version,
                  method=method, engine=engine)
    stop: list[int] = []  # signals received

    def on_signal(signum, frame):  # noqa: ARG001
        stop.append(signum)

    in_main = threading.current_thread() is threading.main_thread()
    old_handlers = {}
    if in_main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            old_handlers[sig] = signal.signal(sig, on_signal)
    results: dict[str, RunResult] = {}
    started_at: dict[str, str] = {}  # slug → when its worker started
    tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers
    bar = tqdm(total=len(slugs), desc="报告", unit="区", disable=not progress, file=sys.stderr)
    try:
        if client is not None:
            _schedule_dask(client, slugs, jobs, kwargs, results, stop, bar, version, started_at)
        else:
            _preload()
            # what the parent holds, frozen out of the garbage collector's reach while workers
            # are forked from it: they share it unchanged (no copy-on-write) and none of their
            # collections scans it again — a fifth of the time WeasyPrint takes for a report
            gc.collect()
            gc.freeze()
            try:
                _schedule(slugs, jobs, kwargs, results, stop, bar, version, started_at)
            finally:
                gc.unfreeze()
    finally:
        bar.close()
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
    batch_signal = stop[0] if stop else None
    if batch_signal is not None:
        if client is None:  # (a Dask task still running cleans up its own temp files)
            _sweep_temp_files(out, slugs)
        for slug in slugs:
            if slug not in results:
                results[slug] = _interrupted_result(out, slug, version, batch_signal,
                                                    started_at.get(slug))
    ordered = [results[s] for s in slugs]
    write_index(out, index_results(out, ordered))
    return Batch(ordered, batch_signal)


@dataclass
class _Worker:
    """A batch worker process as the parent sees it."""

    proc: object  # multiprocessing Process
    conn: object  # the parent's end of its (duplex) pipe
    slug: str | None = None  # the district it is running, if any
    kernels: set[int] = field(default_factory=set)  # kernel process groups it reported


def _start_worker(ctx, kwargs: dict) -> _Worker:
    """Fork a worker (signals held, so a stop request cannot find it untracked)."""
    parent_end, child_end = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_worker_main, args=(child_end, kwargs), name="report-worker",
                       daemon=False)
    with _signals_deferred():
        proc.start()
    with contextlib.suppress(OSError):
        os.setpgid(proc.pid, proc.pid)  # the worker does the same; whoever is first
    child_end.close()
    return _Worker(proc, parent_end)


def _schedule(slugs, jobs, kwargs, results, stop, bar, version, started_at) -> None:
    """Run ``slugs`` on at most ``jobs`` worker processes (forked on demand, each running one
    district after another, so a warm kernel serves several reports), collect their results; on
    a signal in ``stop``, start nothing more and stop the workers (see run_batch)."""
    import multiprocessing as mp
    import signal
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork")
    pending = list(slugs)
    workers: list[_Worker] = []

    def finish(slug: str) -> None:
        r = results[slug]
        bar.set_postfix_str(f"{slug} {STATUS_ZH[r.status]}")
        bar.update()

    def receive(w: _Worker) -> None:
        while True:
            try:
                if not w.conn.poll():
                    return
                msg = w.conn.recv()
            except (EOFError, OSError):
                return
            if msg[0] == "kernel":
                w.kernels.add(int(msg[2]))
            elif msg[0] == "done":
                results[msg[1]] = RunResult(**msg[2])
                if w.slug == msg[1]:
                    w.slug = None
                finish(msg[1])

    def reap(w: _Worker) -> None:
        """A worker that ended: collect what it said; a district it was running without a
        result failed (the worker crashed), and its kernels are killed."""
        receive(w)
        w.proc.join()
        w.conn.close()
        workers.remove(w)
        slug = w.slug
        if slug is not None and slug not in results and not stop:
            for pgid in w.kernels:  # its kernel would otherwise run on, orphaned
                _kill_group(pgid, signal.SIGKILL)
            _sweep_temp_files(Path(kwargs["output_dir"]), [slug])
            results[slug] = RunResult(
                slug, DISTRICTS[slug].name, "failed", 0.0, started_at[slug], version,
                error=f"worker process died (exit code {w.proc.exitcode}) before it reported",
                refreshed=False)
            finish(slug)
        elif slug is None:
            for pgid in w.kernels:
                _kill_group(pgid, signal.SIGKILL)  # normally gone already: the worker shut it

    try:
        while (pending or any(w.slug for w in workers)) and not stop:
            while pending and not stop:
                idle = next((w for w in workers if w.slug is None and w.proc.is_alive()), None)
                if idle is None and len(workers) < jobs:
                    idle = _start_worker(ctx, kwargs)
                    workers.append(idle)
                if idle is None:
                    break
                slug = pending.pop(0)
                with _signals_deferred():  # a signal now would find a district not yet tracked
                    started_at[slug] = _dt.datetime.now().isoformat(timespec="seconds")
                    idle.slug = slug
                    try:
                        idle.conn.send(slug)
                    except OSError:  # died meanwhile: reaped below, its district failed
                        pass
                bar.set_postfix_str(slug)
            waitables = {}
            for w in workers:
                waitables[w.conn] = w
                waitables[w.proc.sentinel] = w
            for ready in wait(list(waitables), timeout=0.5):
                w = waitables[ready]
                if w not in workers:
                    continue
                receive(w)
                if not w.proc.is_alive():
                    reap(w)
        if not stop:  # all done: let the workers shut their kernels down and leave
            for w in workers:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
            deadline = time.monotonic() + STOP_GRACE_SECONDS + 25
            while workers and not stop and time.monotonic() < deadline:
                for w in list(workers):
                    w.proc.join(timeout=0.05)
                    if not w.proc.is_alive():
                        reap(w)
    finally:
        if workers:
            _stop_workers(workers, stop)
            for w in list(workers):
                reap(w)


# --------------------------------------------------------------------------- on a Dask cluster

#: Seconds to wait for the Dask scheduler to answer.
DASK_CONNECT_TIMEOUT = 20


def _dask_client(address: str):
    """A ``dask.distributed`` client of the scheduler at ``address``; KitError naming --dask
    when distributed is missing or the scheduler does not answer."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise KitError(f"--dask {address}: the 'distributed' package is not installed "
                       f"(it is pinned in requirements.txt; run `make setup`): {exc}") from None
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise KitError(f"--dask {address}: cannot connect to the Dask scheduler "
                       f"({type(exc).__name__}: {exc})") from None


def _dask_task(slug: str, kwargs: dict) -> dict:
    """What a Dask worker runs for one district: :func:`run_one` (which never raises for a
    failing report), its result as a plain dict. With the warm engine the worker's thread keeps
    its kernel for the next district it is given."""
    return asdict(run_one(slug, **kwargs))


def _schedule_dask(client, slugs, jobs, kwargs, results, stop, bar, version, started_at) -> None:
    """Run ``slugs`` as tasks on a Dask cluster through ``client.get_executor()``, at most
    ``jobs`` submitted at a time (default: the cluster's worker threads), so a district is
    submitted only when a thread is free for it. A task that raises or whose worker dies
    (Dask's KilledWorker) fails that district alone, with the error in its result, as a
    crashed local worker does.

    On SIGINT/SIGTERM: nothing more is submitted, and the submitted tasks are cancelled; a
    task that has not started will not start; one already running cannot be stopped by Dask
    (it runs in a worker thread) and finishes on the cluster: its report is put in place all
    at once or not at all (atomic writes), and the runner, which does not wait for it, records
    the district as interrupted (not refreshed)."""
    from concurrent.futures import FIRST_COMPLETED
    from concurrent.futures import wait as wait_futures

    executor = client.get_executor(pure=False)
    pending = list(slugs)
    running: dict = {}  # future → slug

    def collect(fut, slug) -> None:
        try:
            results[slug] = RunResult(**fut.result())
        except Exception as exc:  # noqa: BLE001 — the task itself failed (worker died, import)
            results[slug] = RunResult(
                slug, DISTRICTS[slug].name, "failed", 0.0, started_at[slug], version,
                error=f"Dask task failed: {_error_text(exc)}", refreshed=False)
        r = results[slug]
        bar.set_postfix_str(f"{slug} {STATUS_ZH[r.status]}")
        bar.update()

    try:
        while (pending or running) and not stop:
            while pending and len(running) < jobs and not stop:
                slug = pending.pop(0)
                started_at[slug] = _dt.datetime.now().isoformat(timespec="seconds")
                running[executor.submit(_dask_task, slug, kwargs)] = slug
                bar.set_postfix_str(slug)
            done, _ = wait_futures(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
            for fut in done:
                collect(fut, running.pop(fut))
    finally:
        for fut in list(running):  # finished meanwhile (also after a signal): its result
            if fut.done() and not fut.cancelled():
                collect(fut, running.pop(fut))
        # stop: every submitted task cancelled (a queued one never starts), nothing submitted
        with contextlib.suppress(Exception):
            executor.shutdown(wait=not running)


def _stop_workers(workers: list[_Worker], stop: list) -> None:
    """SIGTERM every worker's process group; after STOP_GRACE_SECONDS (or at once on a
    second signal) SIGKILL what is left, and every kernel process group the workers reported."""
    import signal
    for w in workers:
        if not _kill_group(w.proc.pid, signal.SIGTERM):
            with contextlib.suppress(ProcessLookupError):
                os.kill(w.proc.pid, signal.SIGTERM)
    n_signals = len(stop)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline and len(stop) <= n_signals:
        if not any(w.proc.is_alive() for w in workers):
            break
        time.sleep(0.05)
    for w in workers:
        if w.proc.is_alive():
            _kill_group(w.proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(w.proc.pid, signal.SIGKILL)
        w.proc.join()
        for pgid in w.kernels:  # kernels live in sessions of their own
            _kill_group(pgid, signal.SIGKILL)


def _sweep_temp_files(out: Path, slugs: Iterable[str]) -> None:
    """Remove what interrupted workers may have left half-written: papermill's running
    notebooks and atomic_write temp files of these districts (never a finished file)."""
    for slug in slugs:
        for pattern in (f".{slug}.running-*.ipynb", f".{slug}.*.tmp"):
            for p in out.glob(pattern):
                with contextlib.suppress(OSError):
                    p.unlink()


def _interrupted_result(out: Path, slug: str, version: str, signum: int,
                        worker_started: str | None = None) -> RunResult:
    """The result of a district that a signal stopped (or never let start): not refreshed;
    its last good report, if any, stays where it was. Written as <slug>.interrupted.json.
    (A worker stopped after it had put its finished report in place, before it could say so,
    did refresh it: its run record is newer than the worker, and is returned as it is.)"""
    import signal
    name = signal.Signals(signum).name
    prev = previous_record(out, slug)
    if worker_started and prev and prev.get("status") == "ok" \
            and str(prev.get("started", "")) >= worker_started:
        done = latest_record(out, slug)
        if done is not None and done.ok:
            done.refreshed = True
            return done
    kept = (f"上次成功的报告（{str(prev.get('started', '')).replace('T', ' ')}）保留未更新"
            if prev and (out / f"{slug}.html").exists() else "无上次成功的报告")
    result = RunResult(slug, DISTRICTS[slug].name, "interrupted", 0.0,
                       _dt.datetime.now().isoformat(timespec="seconds"), version,
                       error=f"批处理被 {name} 中断，本区{'运行中止' if worker_started else '未开始'}，"
                             f"报告未更新；{kept}", refreshed=False)
    atomic_write(out / f"{slug}{RECORD_SUFFIXES['interrupted']}",
                 json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


#: Imported by jsonschema (which nbformat imports) only to check the "iri" formats of JSON
#: schemas; it compiles 38 Lark grammars at import, about 0.8 s of every runner's start.
IRI_GRAMMAR_MODULE = "rfc3987_syntax"


def skip_iri_grammars() -> bool:
    """In a process of the runner's own (its command line, the bench), keep jsonschema from
    importing :data:`IRI_GRAMMAR_MODULE`: jsonschema then checks no "iri"/"iri-reference"
    formats, which nothing here asks of it (nbformat validates notebooks without a format
    checker), and the batch starts about 0.8 s sooner. Not done on import of this module: a
    notebook or program that imports the runner keeps its jsonschema whole. Returns True when
    it took effect; False when jsonschema (or the module) was already imported."""
    if "jsonschema" in sys.modules or IRI_GRAMMAR_MODULE in sys.modules:
        return False
    sys.modules[IRI_GRAMMAR_MODULE] = None  # "import rfc3987_syntax" raises ImportError
    return True


def _preload() -> None:
    """Import the heavy modules once in the parent so forked workers start warm (WeasyPrint
    too, when it loads: a missing Pango is reported by the report that needs it)."""
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401
    from nbconvert.exporters import HTMLExporter  # noqa: F401
    with contextlib.suppress(ImportError, OSError):
        import weasyprint  # noqa: F401


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


def latest_record(output_dir: Path, slug: str) -> RunResult | None:
    """A district's latest run in output_dir, from its run records (<slug>.json,
    .failed.json, .interrupted.json; the latest ``started`` wins), as a RunResult with
    refreshed=False; None when it has none or none that reads. A successful record counts only
    while its report is on disk."""
    from dataclasses import fields
    names = {f.name for f in fields(RunResult)}
    found = []
    for status, suffix in RECORD_SUFFIXES.items():
        p = Path(output_dir) / f"{slug}{suffix}"
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
            r = RunResult(**{k: v for k, v in rec.items() if k in names})
        except (OSError, ValueError, TypeError):
            continue
        if r.district != slug or r.status != status or r.district not in DISTRICTS:
            continue
        if r.ok and not all((Path(output_dir) / f).is_file() for f in r.files.values()):
            continue
        r.refreshed = False
        found.append(r)
    return max(found, key=lambda r: str(r.started)) if found else None


def index_results(output_dir: Path, results: list[RunResult]) -> list[RunResult]:
    """The rows of the index: this run's results, and for every other district of the kit its
    latest earlier run record (refreshed=False), so a single-district run keeps the others
    listed; in kit order."""
    mine = {r.district: r for r in results}
    rows = []
    for slug in DISTRICTS:
        r = mine.get(slug) or latest_record(Path(output_dir), slug)
        if r is not None:
            rows.append(r)
    rows += [r for r in results if r.district not in DISTRICTS]
    return rows


def reader_error(error: str) -> str:
    """A run error as the index shows it to readers: the exception and its message, without
    the notebook cell it came from (the terminal and the run record keep that)."""
    import re
    return re.sub(r"^cell (?:\[\d+\]|#\d+)(?: `[^`]*`)?: ", "", str(error))


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
            if not r.refreshed:  # not part of this run: its earlier report, said so
                entry["note"] = texts["earlier_run"].format(
                    when=str(r.started).replace("T", " "))
        else:
            prev = previous_record(output_dir, r.district)
            if prev and (output_dir / f"{r.district}.html").exists():
                entry["html"] = f"{r.district}.html"
                if (output_dir / f"{r.district}.pdf").exists():
                    entry["pdf"] = f"{r.district}.pdf"
                entry["facts"] = list(prev.get("headline") or [])
                when = str(prev.get("started", "")).replace("T", " ")
                entry["note"] = texts["not_refreshed"].format(status=STATUS_ZH[r.status],
                                                             error=reader_error(r.error),
                                                             when=when)
            else:
                entry["note"] = texts["failed_no_report"].format(status=STATUS_ZH[r.status],
                                                                error=reader_error(r.error))
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

def _positive_number(name: str, kind=float):
    """argparse type: a positive finite number (else an error naming the option)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a positive {'whole ' if kind is int else ''}number, "
                f"got {text!r}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{name} must be a positive "
                                             f"{'whole ' if kind is int else ''}number, got {text!r}")
        return value
    return parse


def _year(text: str) -> int:
    """argparse type of --end-year: a four-digit year."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--end-year must be a year such as 2025, got {text!r}") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"--end-year must be a year such as 2025, got {text!r}")
    return year


def _dask_address(text: str) -> str:
    """argparse type of --dask: a scheduler address such as tcp://host:8786."""
    import re
    if not re.fullmatch(r"(?:(?:tcp|tls|inproc|ucx|ws|wss)://)?[^\s:/]+(?::\d+)?/?", text.strip()):
        raise argparse.ArgumentTypeError(
            f"--dask must be a Dask scheduler address such as tcp://host:8786, got {text!r}")
    return text.strip()


def check_end_year(end_year: int | None, slugs: list[str]) -> None:
    """KitError naming --end-year when a district of the run cannot be judged at that year
    (the report's own check, helpers.report.check_end_year, would fail in every such
    district's notebook), listing each such district's reason."""
    if end_year is None:
        return
    from . import load_indicators
    from . import report
    from .errors import AnalysisError
    df = load_indicators()
    bad = []
    for slug in slugs:
        try:
            report.check_end_year(df, slug, end_year)
        except AnalysisError as exc:
            bad.append(str(exc))
    if bad:
        raise KitError("--end-year: " + "; ".join(bad))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m helpers.runner",
                                description="Run the district report notebook with papermill "
                                            "and render HTML reports plus reports/index.html.")
    p.add_argument("districts", nargs="*", metavar="district",
                   help=f"slugs or Chinese names (default: all of {', '.join(DISTRICTS)})")
    p.add_argument("--jobs", "-j", type=_positive_number("--jobs", int), default=None,
                   help="parallel worker processes (default: CPUs, at most one per district)")
    p.add_argument("--timeout", type=_positive_number("--timeout"), default=DEFAULT_CELL_TIMEOUT,
                   help=f"per-cell execution timeout in seconds (default {DEFAULT_CELL_TIMEOUT})")
    p.add_argument("--output-dir", type=Path, default=paths.REPORT_DIR,
                   help="where reports and index.html go (default: reports/)")
    p.add_argument("--actuals", type=Path, default=None,
                   help="actuals CSV (default: data/actuals/actuals.csv if it exists)")
    p.add_argument("--end-year", type=_year, default=None,
                   help="judge targets up to this year (default: each plan's last target year)")
    p.add_argument("--method", choices=METHODS, default=None,
                   help="progress method: opensdg (Open SDG/Eurostat growth ratio, default) or "
                        "unsd (UNSD projection share)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help="warm (default): one kernel per worker with the report's imports done, "
                        "reset between reports; cold: papermill's default engine, a new kernel "
                        "per report (same reports)")
    p.add_argument("--dask", metavar="ADDRESS", type=_dask_address, default=None,
                   help="run the batch on the Dask cluster whose scheduler is at ADDRESS "
                        "(e.g. tcp://host:8786); its workers must see this kit and the output "
                        "folder at the same paths (default: local worker processes)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return p


def summary_lines(results: list[RunResult], output_dir: Path, wall: float) -> list[str]:
    """The closing summary printed by the command line: one aligned row per district (slug,
    name, status, seconds, whether the report on disk is from this run), then, indented under
    a failed district, what failed (the cell and its exception) and the notebook to open."""
    cols = [[r.district, r.district_name, STATUS_ZH[r.status], f"{r.seconds:.1f} s"]
            for r in results]
    widths = [max((display_width(c[i]) for c in cols), default=0) for i in range(3)]
    lines = []
    for r, c in zip(results, cols):
        line = "  ".join(pad(c[i], widths[i]) for i in range(3)) + f"  {c[3]:>8}"
        if r.attempts > 1:
            line += f"  (attempts: {r.attempts})"
        if not r.refreshed:
            line += "  (report not refreshed)"
        lines.append(line.rstrip())
        if r.error:
            lines += ["    " + ln for ln in r.error.splitlines() if ln.strip()]
            if "failed" in r.files:
                lines.append(f"    notebook: {Path(output_dir) / r.files['failed']}")
    n_ok = sum(r.ok for r in results)
    lines.append(f"{n_ok}/{len(results)} reports ok in {wall:.1f} s; index: "
                 f"{Path(output_dir) / 'index.html'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    skip_iri_grammars()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # bad option (message printed by argparse, naming it) or --help
        return exc.code if isinstance(exc.code, int) else 2
    try:
        slugs = validate_districts(args.districts)
        check_output_dir(args.output_dir)
        if args.actuals is not None and not args.actuals.is_file():
            raise KitError(f"--actuals {args.actuals}: file not found")
        check_end_year(args.end_year, slugs)
        t0 = time.perf_counter()
        batch = run_batch(slugs, args.output_dir, jobs=args.jobs, cell_timeout=args.timeout,
                          end_year=args.end_year, actuals_path=args.actuals,
                          progress=not args.quiet, method=args.method, engine=args.engine,
                          dask=args.dask)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C while the data was checked, before any report started
        print("interrupted before any report started; reports/ unchanged", file=sys.stderr)
        return 130
    for line in summary_lines(batch.results, args.output_dir, time.perf_counter() - t0):
        print(line)
    if batch.signal is not None:
        import signal
        print(f"interrupted by {signal.Signals(batch.signal).name}: no further district started, "
              "every worker and kernel stopped; interrupted districts keep their last good "
              "report", file=sys.stderr)
    return batch.exit_code


if __name__ == "__main__":
    sys.exit(main())
