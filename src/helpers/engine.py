"""A warm-kernel papermill engine: one IPython kernel per worker process (per thread, where a
process runs notebooks in several threads, as a Dask worker may), reused for every notebook it
runs, reset to a fresh namespace before each one.

A cold papermill run starts a kernel and imports the kit for every report; the warm engine does
that once per process. The kernel is started on the first notebook, the report's modules are
imported and the CJK font loaded (:data:`WARM_IMPORTS`, :func:`helpers.warm_kernel.warm_up`),
and the state after that is recorded. Before every notebook the kernel is brought back to it
(:func:`helpers.warm_kernel.reset`): variables, IPython's output cache, history and execution
counter (cells are numbered from ``[1]`` again), open figures, matplotlib ``rcParams``, the kit's
module globals and caches, environment, ``sys.path``, warnings filters, pandas/numpy options,
working directory. The executed notebook equals the one a cold kernel produces (same outputs,
same execution counts); ``tests/test_engine.py`` checks that on the real report.

Use it
======

* From Python, with the contract of :func:`helpers.runner.execute` (drop-in replacement)::

      from helpers.engine import execute_warm, run_warm
      attempts = execute_warm(notebook, "reports/beilun.ipynb", {"district": "beilun"})
      attempts, executed = run_warm(...)  # the same, and the executed notebook itself

  ``helpers.runner`` uses it by default (``--engine warm``): each worker process runs one
  district after another in its kernel. A process that runs notebooks in several threads (a
  Dask worker with ``--nthreads`` > 1) gets one warm kernel per thread.

* From papermill, by its engine name (registered through the ``papermill.engine`` entry point
  in ``pyproject.toml``; ``pip install -e .`` / ``make setup`` registers it)::

      papermill --engine warm in.ipynb out.ipynb -p district beilun
      papermill.execute_notebook(..., engine_name="warm")

  A papermill command line runs one notebook per process, so it gains nothing there; the gain
  is in a worker process that runs several notebooks (``helpers.runner``'s pool, a scheduler's
  long-lived worker).

Failures
========

* A cell that raises: papermill's usual PapermillExecutionError; the kernel stays warm.
* Kernel death (a crash, ``os._exit``, out of memory) or a kernel that fails to start: the kernel
  is discarded, a fresh one started and warmed, and the notebook run again from the start, up
  to ``retries`` times (default once); :attr:`WarmEngine.last_attempts` says how many runs it
  took. A second death raises nbclient's DeadKernelError, as a cold run would.
* A reset that fails in a kernel that ran earlier notebooks (one of them broke the kernel's
  state): a fresh kernel, as for a death. A warm-up that fails in a fresh kernel (e.g. the kit
  is not importable there) raises WarmKernelError naming the error; no retry.
* Anything else that escapes a run (a cell timeout, an interrupt): the kernel is killed (it may
  still be busy) and the next notebook gets a fresh one.
* The kernel is shut down when the process exits (``atexit`` and multiprocessing finalizers);
  an orphan also exits by itself when its parent dies (ipykernel's parent poller).

Limits
======

The reset restores rebinding of any module global of the kit, plain dicts/lists/sets and
kit-defined objects (their attributes) held by kit modules, and the process-wide settings listed
above. It does not undo in-place changes to other objects (a DataFrame held by a module, a class
attribute), state inside a third-party module a notebook imported for the first time, a
matplotlib backend switched by a notebook, ``%config`` changes, threads or files left behind, or
fonts a notebook registered. IPython's history session number grows by one per notebook.

* pyplot is imported and its (inline) backend activated at warm-up, so pyplot figures display as
  in a cold kernel; a notebook that never touches pyplot therefore sees
  ``matplotlib.is_interactive()`` True where a cold kernel says False, and ``sys.modules`` holds
  the warm-up's modules before the notebook imports them.
* The kernel's environment variables are the parent's when the kernel started. Module-level
  state the kit computes at import is that of the warm-up; module caches and lazily loaded
  registries are reset, so they are read again by each notebook, as in a cold kernel.
* The kernel's stderr (ipykernel's own messages, not the cells' output) goes to the log of the
  run that started it.
* ``helpers.engine`` is loaded by papermill's entry point whenever papermill is imported in this
  environment, which imports the ``helpers`` package (pandas, pandera); an import error in the
  kit would then surface as a failing ``import papermill``.
"""
from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import KitError

#: Engine name under papermill's ``papermill.engine`` entry point group.
ENGINE_NAME = "warm"
#: Modules a warm kernel imports once (the report's imports; see helpers.bench.REPORT_IMPORTS).
WARM_IMPORTS = ("IPython.display", "helpers", "helpers.data", "helpers.report", "helpers.plotting",
                "helpers.actuals", "helpers.audit", "helpers.compare", "helpers.growth",
                "helpers.milestones", "helpers.pledges", "helpers.progress", "helpers.series",
                "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.pyplot")
#: Seconds the warm-up and the reset may take before the kernel is given up.
CONTROL_TIMEOUT = 300


class WarmKernelError(KitError):
    """The warm kernel could not be prepared (its warm-up or reset failed). ``used`` says whether
    it had run notebooks before (then a fresh kernel may well succeed, and is tried)."""

    def __init__(self, message: str, used: bool = False):
        super().__init__(message)
        self.used = used


@dataclass
class _Kernel:
    """The warm kernel of this process."""

    km: object  # a jupyter_client AsyncKernelManager (started by nbclient on first use)
    kernel_name: str
    pid: int  # the process that owns it (a forked child must not reuse its parent's kernel)
    warmed: bool = False
    runs: int = 0  # notebooks started in it

    def usable(self) -> bool:
        if not self.km.has_kernel:
            return not self.warmed  # never started: fine; started and cleaned up: dead
        try:
            return bool(_sync(self.km.is_alive()))
        except Exception:  # noqa: BLE001
            return False


#: This process's warm kernels, one per thread that runs notebooks (thread id → kernel): a
#: worker process runs its notebooks in one thread; a Dask worker may run one per thread.
_LIVE: dict[int, _Kernel] = {}
_INHERITED: list[_Kernel] = []
_TLS = threading.local()  # per thread: attempts and kernel start of the last notebook
_EXIT_HOOKED = 0  # pid of the process that registered the exit hooks


def _sync(value):
    """The result of a jupyter_client call that may be a coroutine (async manager) or not."""
    import inspect
    if inspect.isawaitable(value):
        from nbclient.util import run_sync

        async def wait():
            return await value
        return run_sync(wait)()
    return value


def _hook_exit() -> None:
    """Shut the kernel down when this process exits (once per process: a forked child clears
    multiprocessing's finalizers, so it registers its own)."""
    global _EXIT_HOOKED
    if _EXIT_HOOKED == os.getpid():
        return
    atexit.register(shutdown_warm_kernel)
    try:  # pool workers leave through multiprocessing, which skips atexit
        from multiprocessing import util
        util.Finalize(None, shutdown_warm_kernel, exitpriority=50)
    except Exception:  # noqa: BLE001
        pass
    _EXIT_HOOKED = os.getpid()


def current_kernel() -> _Kernel | None:
    """The warm kernel of the calling thread of this process, if it has one."""
    k = _LIVE.get(threading.get_ident())
    return k if k is not None and k.pid == os.getpid() else None


def _acquire(kernel_name: str, kernel_manager_class=None) -> _Kernel:
    """The warm kernel for ``kernel_name``: the live one of this thread, or a new (unstarted)
    one made with ``kernel_manager_class`` (default: jupyter_client's AsyncKernelManager)."""
    pid = os.getpid()
    for key, inherited in list(_LIVE.items()):
        if inherited.pid != pid:
            # inherited through fork: the parent's kernel. Leave it alone, and keep a reference
            # so the manager is never garbage-collected here (its __del__ would delete the
            # parent's connection file and close its control socket).
            _INHERITED.append(inherited)
            del _LIVE[key]
    k = _LIVE.get(threading.get_ident())
    if k is not None and (k.kernel_name != kernel_name or not k.usable()):
        _discard(k)
        k = None
    if k is None:
        if kernel_manager_class is None:
            from jupyter_client.manager import AsyncKernelManager as kernel_manager_class
        k = _LIVE[threading.get_ident()] = _Kernel(kernel_manager_class(kernel_name=kernel_name),
                                                   kernel_name, pid)
        _hook_exit()
    return k


def _discard(k: _Kernel) -> None:
    """Kill a warm kernel (it may be dead, busy or broken) and forget it."""
    for key in [key for key, live in _LIVE.items() if live is k]:
        del _LIVE[key]
    if k.pid != os.getpid():  # the parent's (see _acquire): not ours to kill or collect
        _INHERITED.append(k)
        return
    try:
        if k.km.has_kernel:
            _sync(k.km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 — already gone
        pass
    try:
        _sync(k.km.cleanup_resources())
    except Exception:  # noqa: BLE001
        pass


def shutdown_warm_kernel() -> None:
    """Shut down this process's warm kernels (every thread's), if it has any (called at exit)."""
    for k in list(_LIVE.values()):
        if k.pid == os.getpid():
            _discard(k)


def warm_kernel_running() -> bool:
    """Whether the calling thread of this process holds a live warm kernel."""
    k = current_kernel()
    return k is not None and k.km.has_kernel and k.usable()


def _kernel_lost(exc: BaseException, k: _Kernel) -> bool:
    """True when ``exc`` means the kernel died or never started (a fresh kernel may succeed)."""
    from nbclient.exceptions import DeadKernelError

    from .runner import is_kernel_start_error
    if isinstance(exc, WarmKernelError):
        return exc.used  # a reset that fails after earlier notebooks: try a fresh kernel
    return isinstance(exc, DeadKernelError) or is_kernel_start_error(exc) or not k.usable()


_CLIENT_CLASS = None


def _client_class():
    """papermill's notebook client, extended to warm and reset the kernel before the cells
    (built on first use: this module must import without papermill, which loads it through its
    entry point while it is itself being imported)."""
    global _CLIENT_CLASS
    if _CLIENT_CLASS is not None:
        return _CLIENT_CLASS
    from queue import Empty
    from time import monotonic

    from nbclient.util import ensure_async, run_sync
    from papermill.clientwrap import PapermillNotebookClient

    class WarmNotebookClient(PapermillNotebookClient):
        warm: _Kernel | None = None
        warm_imports: tuple[str, ...] = WARM_IMPORTS

        def execute(self, **kwargs):
            """papermill's execute, with the warm-up (first use) and reset before the cells."""
            self.reset_execution_trackers()
            started, fresh = monotonic(), not self.warm.warmed
            with self.setup_kernel(**kwargs):
                self.prepare_kernel()
                if fresh:
                    _TLS.kernel_start = getattr(_TLS, "kernel_start", 0.0) + monotonic() - started
                self.log.info(f"Executing notebook with warm kernel: {self.kernel_name}")
                self.papermill_execute_cells()
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                self.set_widgets_metadata()
            return self.nb

        def prepare_kernel(self) -> None:
            if not self.warm.warmed:
                self.control("import helpers.warm_kernel as _hwk\n"
                             f"_hwk.warm_up({list(self.warm_imports)!r})\n", "warm up")
                self.warm.warmed = True
            self.control("import helpers.warm_kernel as _hwk\n"
                         f"_hwk.reset({os.getcwd()!r})\n", "reset")
            self.warm.runs += 1

        async def async_control(self, code: str, what: str) -> None:
            """Run ``code`` silently (no output, no history, execution count unchanged) and
            raise WarmKernelError if it fails; DeadKernelError if the kernel dies meanwhile."""
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            deadline = monotonic() + CONTROL_TIMEOUT
            while True:
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
                except Empty:
                    await self._async_check_alive()
                    if monotonic() > deadline:
                        raise WarmKernelError(f"the warm kernel did not {what} within "
                                              f"{CONTROL_TIMEOUT} s",
                                              used=self.warm.runs > 0) from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    break
            content = msg["content"]
            if content.get("status") != "ok":
                raise WarmKernelError(f"the warm kernel could not {what}: "
                                      f"{content.get('ename')}: {content.get('evalue')}",
                                      used=self.warm.runs > 0)

        control = run_sync(async_control)

    _CLIENT_CLASS = WarmNotebookClient
    return _CLIENT_CLASS


class WarmEngine:
    """papermill engine (duck-typed like papermill.engines.Engine) running notebooks in this
    process's warm kernel. Extra engine keyword arguments: ``kernel_manager_class`` (used when a
    kernel is started), ``retries`` (fresh kernels after a kernel death, default 1) and
    ``warm_imports`` (modules imported at warm-up, default :data:`WARM_IMPORTS`)."""

    #: Runs the last notebook took in this process (1, or 2 after a kernel death and retry);
    #: per thread: :func:`last_attempts`.
    last_attempts = 0

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):
        from papermill.engines import NotebookExecutionManager
        nb_man = NotebookExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                          log_output=log_output,
                                          autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 kernel_manager_class=None, retries=1, warm_imports=WARM_IMPORTS,
                                 **kwargs):
        from papermill.log import logger
        from papermill.utils import merge_kwargs, remove_args

        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        cls.last_attempts = _TLS.attempts = 0
        _TLS.kernel_start = 0.0
        for attempt in range(1, int(retries) + 2):
            cls.last_attempts = _TLS.attempts = attempt
            kernel = _acquire(kernel_name, kernel_manager_class)
            client = _client_class()(nb_man, km=kernel.km, **final_kwargs)
            client.warm = kernel
            client.warm_imports = tuple(warm_imports)
            try:
                client.execute()
                return nb_man.nb
            except BaseException as exc:
                retry = isinstance(exc, Exception) and attempt <= retries and \
                    _kernel_lost(exc, kernel)
                _discard(kernel)
                if not retry:
                    raise
                logger.warning(f"warm kernel lost ({type(exc).__name__}: {exc}); "
                               f"running the notebook again in a fresh kernel")
                nb_man.notebook_start()  # outputs and execution counts cleared
            finally:
                if client.kc is not None:
                    try:
                        client.kc.stop_channels()
                    except Exception:  # noqa: BLE001
                        pass
                    client.kc = None
        raise AssertionError("unreachable")

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        from papermill.utils import nb_kernel_name
        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        from papermill.utils import nb_language
        return nb_language(nb, language)


def last_kernel_start() -> float:
    """Seconds the last notebook of this thread spent starting and warming a kernel (0 when it
    ran in an already warm one): the one-off cost a worker's first report carries."""
    return float(getattr(_TLS, "kernel_start", 0.0))


def register() -> None:
    """Make sure papermill knows the engine (its entry point does this once installed)."""
    from papermill.engines import papermill_engines
    if papermill_engines._engines.get(ENGINE_NAME) is not WarmEngine:
        papermill_engines.register(ENGINE_NAME, WarmEngine)


def execute_warm(notebook: str | Path, output: str | Path, parameters: dict, *,
                 cell_timeout: float | None = None, log_path: Path | None = None,
                 retries: int = 1) -> int:
    """:func:`run_warm` returning only the number of attempts (the contract of
    :func:`helpers.runner.execute`)."""
    return run_warm(notebook, output, parameters, cell_timeout=cell_timeout,
                    log_path=log_path, retries=retries)[0]


def run_warm(notebook: str | Path, output: str | Path, parameters: dict, *,
             cell_timeout: float | None = None, log_path: Path | None = None,
             retries: int = 1):
    """:func:`helpers.runner.execute` in this process's warm kernel: execute a percent-script
    notebook with papermill into ``output`` (an .ipynb path), in the notebook's folder, with the
    python3 kernel. A kernel that dies or fails to start is replaced by a fresh one and the
    notebook run again, ``retries`` times. Raises papermill's PapermillExecutionError when a
    cell fails (the output notebook is still written). ``log_path`` receives the stderr of a
    kernel started by this call (default: next to output). Returns (attempts, the executed
    notebook as papermill wrote it to ``output``), so a caller need not read the file back."""
    import papermill

    from .runner import DEFAULT_CELL_TIMEOUT, KERNEL_NAME, kernel_manager_class, load_template
    register()
    notebook = Path(notebook)
    log_path = log_path or Path(output).with_suffix(".kernel.log")
    nb = papermill.execute_notebook(
        load_template(notebook), str(output), parameters=parameters, engine_name=ENGINE_NAME,
        kernel_name=KERNEL_NAME, language="python", cwd=str(notebook.parent),
        execution_timeout=DEFAULT_CELL_TIMEOUT if cell_timeout is None else cell_timeout,
        progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        kernel_manager_class=kernel_manager_class(Path(log_path)), retries=retries)
    return _TLS.attempts, nb
