"""The runner on a Dask cluster (``--dask``): a LocalCluster of two worker processes on the
loopback interface, started and closed by the test. Two districts, one failing: the results
and the files are those of the same batch on local worker processes."""
from __future__ import annotations

import json
import re

import pytest

from helpers import runner

distributed = pytest.importorskip("distributed")

NOTEBOOK = '''\
# %% tags=["parameters"]
district = "beilun"
end_year = None
actuals_path = None

# %% [markdown]
# ## 一、摘要

# %%
from IPython.display import HTML, display
if district == "yinzhou":
    raise ValueError("鄞州区 的表格第3行读不出")
display(HTML(f"<p>{district} 报告正文</p>"))
'''


def _files(out):
    return sorted(p.name for p in out.iterdir() if not p.name.endswith(".kernel.log"))


def _comparable(result):
    return (result.district, result.status, result.refreshed, result.error, result.files,
            result.attempts)


@pytest.fixture(scope="module")
def cluster():
    """The cluster; when it is closed, no worker and no warm kernel of its workers is left."""
    import os
    import time
    import uuid

    from test_runner import _cmdline, _tagged_processes
    tag = uuid.uuid4().hex
    old = os.environ.get("KIT_RUNNER_TEST")
    os.environ["KIT_RUNNER_TEST"] = tag  # inherited by the workers and their kernels
    try:
        with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                      host="127.0.0.1", dashboard_address=None,
                                      silence_logs=50) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("KIT_RUNNER_TEST", None)
        else:
            os.environ["KIT_RUNNER_TEST"] = old

    def left_running():  # (multiprocessing's resource tracker is this test process's own)
        return [p for p in _tagged_processes(tag) if p.pid != os.getpid()
                and _cmdline(p) and "resource_tracker" not in _cmdline(p)]
    deadline = time.monotonic() + 20
    left = left_running()
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = left_running()
    assert left == [], [_cmdline(p) for p in left]


def test_a_batch_on_a_dask_cluster_gives_the_local_batchs_results_and_files(tmp_path, cluster):
    nb = tmp_path / "report.py"
    nb.write_text(NOTEBOOK, encoding="utf-8")
    address = cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    on_dask = runner.run_batch(["beilun", "yinzhou"], tmp_path / "dask", notebook=nb,
                               dask=address, progress=False)
    local = runner.run_batch(["beilun", "yinzhou"], tmp_path / "local", notebook=nb, jobs=2,
                             progress=False)
    assert [_comparable(r) for r in on_dask.results] == [_comparable(r) for r in local.results]
    beilun, yinzhou = on_dask.results
    assert beilun.ok and beilun.refreshed and beilun.files["html"] == "beilun.html"
    # the failing district fails alone, with the cell and its message, its notebook kept
    assert yinzhou.status == "failed" and yinzhou.error.endswith(
        "ValueError: 鄞州区 的表格第3行读不出")
    assert yinzhou.files == {"failed": "yinzhou.failed.ipynb"}
    assert on_dask.exit_code == local.exit_code == 1
    assert _files(tmp_path / "dask") == _files(tmp_path / "local") == [
        "beilun.html", "beilun.ipynb", "beilun.json", "beilun.pdf", "index.html",
        "yinzhou.failed.ipynb", "yinzhou.failed.json"]
    stamp = re.compile(r"生成于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    pages = [stamp.sub("", (tmp_path / d / "beilun.html").read_text(encoding="utf-8"))
             for d in ("dask", "local")]
    assert pages[0] == pages[1] and "beilun 报告正文" in pages[0]
    record = json.loads((tmp_path / "dask" / "yinzhou.failed.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and record["error"] == yinzhou.error


def test_a_task_that_raises_on_the_cluster_fails_its_district_alone(tmp_path, cluster):
    """A district the workers cannot run at all (here: run_one refuses an unknown engine) is a
    failure in its result, not an exception out of the batch."""
    nb = tmp_path / "report.py"
    nb.write_text(NOTEBOOK, encoding="utf-8")
    kwargs = dict(output_dir=tmp_path, notebook=nb, engine="hot")
    client = runner._dask_client(cluster.scheduler_address)
    results, stop, started = {}, [], {}

    class Bar:
        def set_postfix_str(self, s): pass
        def update(self): pass
    try:
        runner._schedule_dask(client, ["beilun"], 1, kwargs, results, stop, Bar(), "v", started)
    finally:
        client.close()
    r = results["beilun"]
    assert r.status == "failed" and not r.refreshed
    assert r.error == "Dask task failed: KitError: --engine 'hot': unknown; choose one of warm, cold"


def test_an_unreachable_scheduler_is_named(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", 1)
    assert runner.main(["beilun", "--dask", "tcp://127.0.0.1:9", "--output-dir",
                        str(tmp_path)]) == 2
    assert "error: --dask tcp://127.0.0.1:9: cannot connect to the Dask scheduler" in \
        capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_stopped_batch_submits_nothing_more_to_the_cluster(tmp_path, cluster):
    """After SIGINT/SIGTERM (a signal in ``stop``) no district is submitted: nothing runs and
    nothing is written; the runner records them as interrupted (see run_batch)."""
    import signal
    nb = tmp_path / "report.py"
    nb.write_text(NOTEBOOK, encoding="utf-8")
    client = runner._dask_client(cluster.scheduler_address)
    results, started = {}, {}

    class Bar:
        def set_postfix_str(self, s): pass
        def update(self): pass
    try:
        runner._schedule_dask(client, ["beilun", "yinzhou"], 2, dict(output_dir=tmp_path / "o",
                              notebook=nb), results, [signal.SIGINT], Bar(), "v", started)
        assert sum(len(keys) for keys in client.processing().values()) == 0
    finally:
        client.close()
    assert results == {} and started == {} and not (tmp_path / "o").exists()
