"""The warm-kernel papermill engine (helpers.engine): one kernel reused across notebooks, each
notebook starting from what a cold kernel would give it.

Kernel tests: each notebook run costs a kernel round trip; the warm kernel lives in the pytest
process and is shut down at the end of this module.
"""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import nbformat
import pytest

from helpers import engine, runner


@pytest.fixture(scope="module", autouse=True)
def fresh_warm_kernel():
    engine.shutdown_warm_kernel()
    yield
    engine.shutdown_warm_kernel()
    assert not engine.warm_kernel_running()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


_STAMP = re.compile(r"生成于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_KERNEL_TMP = re.compile(r"ipykernel_\d+")  # a kernel's temp folder for cell code (in warnings)


def comparable(path: Path) -> list:
    """Each code cell's execution count and outputs, timing metadata left out and the report's
    generation time masked."""
    cells = []
    for c in code_cells(path):
        text = _STAMP.sub("生成于 <time>", json.dumps(c.outputs, ensure_ascii=False))
        outputs = json.loads(_KERNEL_TMP.sub("ipykernel_<pid>", text))
        cells.append((c.source, c.execution_count, outputs))
    return cells


# --------------------------------------------------------------------------- registration

def test_engine_is_registered_through_papermills_entry_point():
    eps = {ep.name: ep.value for ep in entry_points(group="papermill.engine")}
    assert eps.get(engine.ENGINE_NAME) == "helpers.engine:WarmEngine"
    from papermill.engines import papermill_engines
    assert papermill_engines.get_engine("warm") is engine.WarmEngine


def test_plain_papermill_command_line_runs_with_the_warm_engine(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import sys\nprint(x * 2, 'helpers.report' in sys.modules)")]
    nbformat.write(nb, tmp_path / "in.ipynb")
    papermill = Path(sys.executable).with_name("papermill")
    proc = subprocess.run([str(papermill), "--engine", "warm", "in.ipynb", "out.ipynb",
                           "-p", "x", "21", "--no-progress-bar"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    cells = code_cells(tmp_path / "out.ipynb")
    # 42: the parameter was injected; True: the kit was imported before the notebook ran (warm)
    assert text_of(cells[-1]) == "42 True\n"
    assert [c.execution_count for c in cells] == [1, 2, 3]


def test_engine_module_imports_without_papermill_and_papermill_after_it():
    """papermill loads the engine through its entry point while it is itself being imported:
    helpers.engine must not import papermill at module level (or that import would fail)."""
    code = ("import sys, helpers.engine\n"
            "assert 'papermill' not in sys.modules\n"
            "import papermill.engines as e\n"
            "assert e.papermill_engines.get_engine('warm') is helpers.engine.WarmEngine\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# --------------------------------------------------------------------------- isolation

LEAKER = '''\
# %% tags=["parameters"]
district = "beilun"

# %%
import os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import localmod
from helpers import load_indicators, plotting, report
leaked_variable = "notebook 1"
load_indicators("beilun")  # fills helpers.data's table cache and the catalogue caches
report.title_html = lambda *a, **k: "leaked"  # rebinds a module global of the kit
plotting.COLOURS["target"] = "#000000"  # changes a module-level dict of the kit in place
from helpers.districts import DISTRICTS
DISTRICTS["zzfake"] = DISTRICTS["beilun"]  # registers a district for this process only
localmod.STATE.append("notebook 1")  # state of a project module next to the notebook
matplotlib.rcParams["lines.linewidth"] = 9.0
matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans"]
plt.ioff()
fig = plt.figure(num=99)  # stays open: interactive mode is off
os.environ["KIT_LEAK"] = "1"
sys.path.insert(0, "/leak")
pd.set_option("display.max_rows", 3)
np.set_printoptions(precision=2)
warnings.simplefilter("ignore")
get_ipython().events.register("post_run_cell", lambda result: print("leaked hook"))
os.chdir("/")

# %%
print(os.getpid())

# %%
assert plt.fignum_exists(99)  # without the reset, this figure would reach the next notebook
raise ValueError("notebook 1 fails at its end")
'''

PROBE = '''\
# %% tags=["parameters"]
district = "beilun"

# %%
import os
import matplotlib
print(os.getpid())
print(matplotlib.is_interactive())  # True in a warm kernel (see helpers.engine), left out below

# %%
import sys, warnings
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import localmod
import helpers.data
from helpers import plotting, report
state = {
    "globals": sorted(globals()),
    "leaked_variable": "leaked_variable" in globals(),
    "title_html": report.title_html.__name__,
    "colour": plotting.COLOURS["target"],
    "registered": "zzfake" in sys.modules["helpers.districts"].DISTRICTS,
    "table_cache": len(helpers.data._CACHE),
    "catalogue_cache": sys.modules["helpers.catalogue"]._load_catalogue.cache_info().currsize,
    "localmod": list(localmod.STATE),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "sans": list(matplotlib.rcParams["font.sans-serif"]),
    "figures": sys.modules["matplotlib.pyplot"].get_fignums() if "matplotlib.pyplot" in sys.modules else [],
    "env": os.environ.get("KIT_LEAK"),
    "path": "/leak" in sys.path,
    "max_rows": pd.get_option("display.max_rows"),
    "precision": np.get_printoptions()["precision"],
    "warnings": [f[0] for f in warnings.filters],
    "cwd": os.path.basename(os.getcwd()),
}
print(repr(state))

# %%
pd.DataFrame({"a": range(12)})

# %%
plt.plot([1, 3, 2]);  # shown by the inline backend at the end of the cell

# %%
warnings.warn("shown once per fresh kernel")
_ , len(Out)
'''


def _leak_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "nbs"
    folder.mkdir()
    write(folder / "localmod.py", "STATE = []\n")
    write(folder / "leaker.py", LEAKER)
    write(folder / "probe.py", PROBE)
    return folder


PARAMS = {"district": "yinzhou"}  # injected: cells are parameters, injected-parameters, …


def test_nothing_leaks_from_one_notebook_into_the_next(tmp_path):
    from papermill.exceptions import PapermillExecutionError
    folder = _leak_folder(tmp_path)
    with pytest.raises(PapermillExecutionError, match="notebook 1 fails"):
        engine.execute_warm(folder / "leaker.py", tmp_path / "leaker.ipynb", PARAMS)
    leaker_pid, hook = text_of(code_cells(tmp_path / "leaker.ipynb")[3]).splitlines()
    assert hook == "leaked hook"  # notebook 1's hook is live in notebook 1
    assert engine.warm_kernel_running()  # a failing cell does not cost the warm kernel
    assert engine.execute_warm(folder / "probe.py", tmp_path / "warm.ipynb", PARAMS) == 1
    runner.execute(folder / "probe.py", tmp_path / "cold.ipynb", PARAMS)

    warm, cold = code_cells(tmp_path / "warm.ipynb"), code_cells(tmp_path / "cold.ipynb")
    warm_pid, interactive = text_of(warm[2]).splitlines()
    assert warm_pid == leaker_pid  # the same kernel process: the test means something
    assert text_of(cold[2]).splitlines()[0] != leaker_pid
    assert interactive == "True"  # notebook 1's plt.ioff() undone: pyplot figures show again
    state = ast.literal_eval(text_of(warm[3]))
    assert state["leaked_variable"] is False
    assert state["title_html"] == "title_html"
    assert state["colour"] == "#0072B2" and state["registered"] is False
    assert state["table_cache"] == 0 and state["catalogue_cache"] == 0
    assert state["localmod"] == []
    assert state["linewidth"] == 1.5 and state["sans"][0] == "DejaVu Sans"
    assert len(state["sans"]) > 1  # the default list, not notebook 1's
    assert state["figures"] == []
    assert state["env"] is None and state["path"] is False
    assert state["max_rows"] == 60 and state["precision"] == 8
    assert state["cwd"] == "nbs"
    assert "leaked hook" not in json.dumps([c.outputs for c in warm])
    assert any("image/png" in o.get("data", {}) for o in warm[5].outputs)
    # and everything a cold kernel shows, the warm one shows: namespace, counts, outputs
    assert comparable(tmp_path / "warm.ipynb")[3:] == comparable(tmp_path / "cold.ipynb")[3:]
    assert [c.execution_count for c in warm] == [1, 2, 3, 4, 5, 6, 7]


# --------------------------------------------------------------------------- same outputs

def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader
    return [_STAMP.sub("生成于 <time>", page.extract_text()) for page in PdfReader(path).pages]


def test_a_report_from_the_warm_batch_is_the_cold_engines_byte_for_byte(tmp_path):
    """One district rendered both ways through the runner: second in a warm worker's kernel
    (after another district's report) and with papermill's default engine. The page is
    byte-identical apart from its generation time; the executed notebook has the same cells,
    execution counts and outputs (charts included); the PDF the same pages and text."""
    warm = runner.run_batch(["beilun", "yinzhou"], tmp_path / "warm", jobs=1, engine="warm",
                            progress=False)
    cold = runner.run_batch(["yinzhou"], tmp_path / "cold", jobs=1, engine="cold",
                            progress=False)
    assert [r.status for r in warm.results + cold.results] == ["ok", "ok", "ok"]
    # one kernel served both warm reports (its stderr goes to the log of the first report)
    assert (tmp_path / "warm" / ".beilun.kernel.log").exists()
    assert not (tmp_path / "warm" / ".yinzhou.kernel.log").exists()
    assert (tmp_path / "cold" / ".yinzhou.kernel.log").exists()
    # the kernel's start is the first warm report's, recorded apart; the second ran warm
    first, second = warm.results
    assert 0 < first.kernel_start < first.seconds and second.kernel_start == 0
    assert cold.results[0].kernel_start == 0
    page_warm = (tmp_path / "warm" / "yinzhou.html").read_text(encoding="utf-8")
    page_cold = (tmp_path / "cold" / "yinzhou.html").read_text(encoding="utf-8")
    assert len(_STAMP.findall(page_warm)) == 1 and "鄞州" in page_warm
    assert _STAMP.sub("", page_warm) == _STAMP.sub("", page_cold)
    # the runner renders the notebook papermill returned, not one read back from the file:
    # the same page as rendering the written file
    from helpers.districts import DISTRICTS
    reread = runner.render_html(nbformat.read(tmp_path / "cold" / "yinzhou.ipynb", as_version=4),
                                runner.report_title(DISTRICTS["yinzhou"].name))
    assert _STAMP.sub("", reread) == _STAMP.sub("", page_cold)
    warm_nb = comparable(tmp_path / "warm" / "yinzhou.ipynb")
    assert warm_nb == comparable(tmp_path / "cold" / "yinzhou.ipynb")
    assert any("image/png" in json.dumps(out) or "data:image/png" in json.dumps(out)
               for _, _, out in warm_nb)
    assert _pdf_text(tmp_path / "warm" / "yinzhou.pdf") == _pdf_text(tmp_path / "cold" / "yinzhou.pdf")


def _run_in_forked_child(nb, out, queue):
    queue.put(engine.execute_warm(nb, out, {"x": 2}))


def test_a_forked_worker_starts_its_own_kernel_and_leaves_the_parents_alone(tmp_path):
    import multiprocessing
    nb = write(tmp_path / "pid.py", '# %% tags=["parameters"]\nx = 1\n\n# %%\nimport os\n'
               'print(os.getpid())\n')
    engine.execute_warm(nb, tmp_path / "parent1.ipynb", {"x": 2})
    connection_file = Path(engine.current_kernel().km.connection_file)
    ctx = multiprocessing.get_context("fork")  # as the runner's process pool on Linux
    queue = ctx.Queue()
    child = ctx.Process(target=_run_in_forked_child, args=(nb, tmp_path / "child.ipynb", queue))
    child.start()
    assert queue.get(timeout=300) == 1
    child.join(timeout=60)
    assert child.exitcode == 0
    child_pid = text_of(code_cells(tmp_path / "child.ipynb")[-1])
    with pytest.raises(ProcessLookupError):  # the child shut its own kernel down on exit
        os.kill(int(child_pid), 0)
    engine.execute_warm(nb, tmp_path / "parent2.ipynb", {"x": 2})
    parent1, parent2 = (text_of(code_cells(tmp_path / f"{n}.ipynb")[-1])
                        for n in ("parent1", "parent2"))
    assert parent1 == parent2 != child_pid  # the parent's warm kernel survived the child
    assert connection_file.exists()


# --------------------------------------------------------------------------- kernel death

DIES_ONCE = '''\
# %% tags=["parameters"]
marker = ""

# %%
import os
print(os.getpid())

# %%
if not os.path.exists(marker):
    open(marker, "w").close()
    os._exit(1)
print("survived")
'''


def test_kernel_death_gives_a_fresh_kernel_and_one_retry(tmp_path):
    from nbclient.exceptions import DeadKernelError
    nb = write(tmp_path / "dies.py", DIES_ONCE)
    # a live warm kernel first, to see that the retry does not run in it
    engine.execute_warm(nb, tmp_path / "first.ipynb", {"marker": str(tmp_path / "exists.py")})
    write(tmp_path / "exists.py", "")
    before = text_of(code_cells(tmp_path / "first.ipynb")[2])

    marker = tmp_path / "died-once"
    attempts = engine.execute_warm(nb, tmp_path / "retried.ipynb", {"marker": str(marker)})
    assert attempts == 2 and marker.exists()
    cells = code_cells(tmp_path / "retried.ipynb")
    assert text_of(cells[-1]) == "survived\n"
    assert text_of(cells[2]) != before  # a new kernel process
    assert [c.execution_count for c in cells] == [1, 2, 3, 4]  # as a cold kernel numbers them
    after = text_of(cells[2])

    # a notebook that kills every kernel: two attempts, then the kernel death is raised
    always = write(tmp_path / "always.py", DIES_ONCE.replace("if not os.path.exists(marker):",
                                                             "if True:"))
    with pytest.raises(DeadKernelError):
        engine.execute_warm(always, tmp_path / "always.ipynb", {"marker": str(marker)})
    assert engine.WarmEngine.last_attempts == 2
    # the next notebook gets a fresh, working kernel
    assert engine.execute_warm(nb, tmp_path / "next.ipynb", {"marker": str(marker)}) == 1
    cells = code_cells(tmp_path / "next.ipynb")
    assert text_of(cells[-1]) == "survived\n" and text_of(cells[2]) not in (before, after)


def test_no_retry_when_asked_for_none(tmp_path):
    from nbclient.exceptions import DeadKernelError
    nb = write(tmp_path / "dies.py", DIES_ONCE)
    with pytest.raises(DeadKernelError):
        engine.execute_warm(nb, tmp_path / "out.ipynb", {"marker": str(tmp_path / "m")}, retries=0)
    assert engine.WarmEngine.last_attempts == 1


def test_timed_out_cell_costs_the_kernel_not_the_next_notebook(tmp_path):
    slow = write(tmp_path / "slow.py", '# %% tags=["parameters"]\nx = 1\n\n# %%\nimport os\n'
                 'print(os.getpid())\n\n# %%\nimport time\ntime.sleep(60)\n')
    with pytest.raises(Exception, match="[Tt]imed? ?out"):
        engine.execute_warm(slow, tmp_path / "slow.ipynb", {}, cell_timeout=3)
    assert not engine.warm_kernel_running()  # killed: it was still busy with the cell
    quick = write(tmp_path / "quick.py", '# %% tags=["parameters"]\nx = 1\n\n# %%\nprint(x + 1)\n')
    assert engine.execute_warm(quick, tmp_path / "quick.ipynb", {"x": 41}) == 1
    assert text_of(code_cells(tmp_path / "quick.ipynb")[-1]) == "42\n"


def test_a_notebook_that_breaks_the_reset_costs_a_fresh_kernel_not_the_next_report(tmp_path):
    breaker = write(tmp_path / "breaker.py", '# %% tags=["parameters"]\nx = 1\n\n# %%\n'
                    'import helpers.warm_kernel as w\nw._BASELINE = None\n')
    quick = write(tmp_path / "quick.py", '# %% tags=["parameters"]\nx = 1\n\n# %%\nprint(x + 1)\n')
    assert engine.execute_warm(breaker, tmp_path / "breaker.ipynb", {}) == 1
    assert engine.execute_warm(quick, tmp_path / "quick.ipynb", {"x": 41}) == 2
    assert text_of(code_cells(tmp_path / "quick.ipynb")[-1]) == "42\n"


def test_a_warm_up_that_cannot_import_names_the_error(tmp_path):
    import papermill
    engine.shutdown_warm_kernel()  # a fresh kernel: its warm-up runs in this test
    nb = runner.load_template(write(tmp_path / "quick.py",
                                    '# %% tags=["parameters"]\nx = 1\n\n# %%\nprint(x)\n'))
    with pytest.raises(engine.WarmKernelError) as err:
        papermill.execute_notebook(nb, str(tmp_path / "out.ipynb"), engine_name="warm",
                                   kernel_name="python3", progress_bar=False,
                                   warm_imports=["no_such_module_for_the_kit"])
    assert str(err.value) == ("the warm kernel could not warm up: ModuleNotFoundError: "
                              "No module named 'no_such_module_for_the_kit'")
    assert engine.WarmEngine.last_attempts == 1 and not engine.warm_kernel_running()


# --------------------------------------------------------------------------- kernel side, in-process

def test_kit_module_state_is_restored_in_place(monkeypatch):
    """helpers.warm_kernel's restore, on a stand-in kit module: a rebound or added global, a
    dict changed in place, the attributes of a kit-defined object (a lazily loaded registry)
    and a functools cache all come back to the snapshot, keeping the objects' identity."""
    import functools
    import types

    from helpers import warm_kernel as wk
    mod = types.ModuleType("helpers._probe_state")
    Registry = type("Registry", (), {"__module__": mod.__name__})
    reg = Registry()
    reg._data = None
    labels = {"a": "甲"}

    @functools.lru_cache
    def cached(x):
        return x
    cached.__module__ = mod.__name__
    mod.REG, mod.LABELS, mod.LIMIT, mod.cached = reg, labels, 3, cached
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    state = wk._module_state(mod)

    reg._data = {"syn001": "合成区001"}
    labels["b"] = "乙"
    mod.LIMIT, mod.EXTRA = 4, "new"
    cached(1)
    wk._restore_module(mod, state)
    assert mod.REG is reg and reg._data is None
    assert mod.LABELS is labels and labels == {"a": "甲"}
    assert mod.LIMIT == 3 and not hasattr(mod, "EXTRA")
    assert cached.cache_info().currsize == 0


def test_only_kit_and_project_modules_are_forgotten(tmp_path):
    import types

    import numpy

    import helpers.report
    from helpers import warm_kernel as wk
    roots = wk._installed_roots()
    project = types.ModuleType("localmod")
    project.__file__ = str(tmp_path / "localmod.py")
    assert wk._forgettable("localmod", project, roots)
    assert wk._forgettable("helpers.report", helpers.report, roots)
    assert not wk._forgettable("numpy", numpy, roots)  # installed: kept (may hold C state)
    assert not wk._forgettable("sys", sys, roots)
