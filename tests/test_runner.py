"""The report runner: argument checks, retries, atomic writes, HTML rendering, the index page
and the terminal summary without a kernel; then, with real kernels, a batch interrupted by
Ctrl-C (SIGINT) or SIGTERM, a single-district run, and a failing cell (the report
notebook's own runs are in test_notebooks.py)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers import UnknownDistrictError, runner
from helpers.districts import DISTRICTS

PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_validate_districts_accepts_slugs_and_chinese_names():
    assert runner.validate_districts(None) == list(DISTRICTS)
    assert runner.validate_districts(["北仑区", "yinzhou", "beilun", "镇海"]) == ["beilun", "yinzhou", "zhenhai"]


def test_unknown_districts_are_all_named_with_the_valid_list():
    with pytest.raises(UnknownDistrictError) as err:
        runner.validate_districts(["beilun", "atlantis", "lilliput"])
    msg = str(err.value)
    assert "'atlantis', 'lilliput'" in msg
    for slug, d in DISTRICTS.items():
        assert f"{slug} ({d.name})" in msg


def test_command_line_refuses_unknown_district_before_running(capsys, tmp_path):
    assert runner.main(["atlantis", "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown district 'atlantis'" in err and "ouhai (瓯海区)" in err
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing written
    assert runner.main(["--jobs", "0", "beilun", "--output-dir", str(tmp_path)]) == 2


def test_only_kernel_start_failures_are_retried():
    from papermill.exceptions import PapermillExecutionError
    assert runner.is_kernel_start_error(RuntimeError("Kernel didn't respond in 60 seconds"))
    assert runner.is_kernel_start_error(OSError("ZMQError: Address already in use"))
    cell_error = PapermillExecutionError(3, 4, "boom", "ValueError", "boom", [])
    assert not runner.is_kernel_start_error(cell_error)
    assert not runner.is_kernel_start_error(ValueError("bad value"))


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "beilun.html"
    runner.atomic_write(target, "<p>good</p>")
    with pytest.raises(TypeError):
        runner.atomic_write(target, 12345)  # not str/bytes: fails mid-write
    assert target.read_text() == "<p>good</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["beilun.html"]  # no temp file left


def test_report_parameters_are_plain_and_absolute(tmp_path):
    p = runner.report_parameters("beilun", 2023, tmp_path / "a.csv")
    assert p == {"district": "beilun", "end_year": 2023, "actuals_path": str((tmp_path / "a.csv").resolve())}
    assert runner.report_parameters("ouhai") == {"district": "ouhai", "end_year": None, "actuals_path": None}


def test_template_has_a_parameters_cell_with_plain_literals():
    nb = runner.load_template()
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    src = cells[0].source
    assert 'district = "beilun"' in src and "end_year = None" in src and "actuals_path = None" in src
    assert nb.metadata["kernelspec"]["name"] == "python3"


def _executed_notebook():
    nb = new_notebook()
    params = new_code_cell('district = "beilun"', metadata={"tags": ["parameters"]})
    injected = new_code_cell('# Parameters\ndistrict = "yinzhou"\n', metadata={"tags": ["injected-parameters"]})
    code = new_code_cell("SECRET_SOURCE_TEXT = 1\nshow(fig)")
    code.outputs = [new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Image>"}),
                    new_output("display_data", data={"text/html": "<p>鄞州区报告</p>"})]
    nb.cells = [new_markdown_cell("## 一、摘要"), params, injected, code]
    return nb


def test_render_html_has_outputs_but_no_code_prompts_or_parameters():
    page = runner.render_html(_executed_notebook(), "鄞州区报告")
    assert "data:image/png;base64," + PNG_1PX[:20] in page
    assert "鄞州区报告" in page and "一、摘要" in page
    for absent in ("SECRET_SOURCE_TEXT", 'class="jp-InputArea', 'class="jp-InputPrompt', "In&nbsp;[",
                   'district = "yinzhou"', "# Parameters"):
        assert absent not in page, absent
    assert '<html lang="zh-CN">' in page and "@font-face" in page


def _result(slug, status, **kw):
    d = DISTRICTS[slug]
    return runner.RunResult(slug, d.name, status, kw.pop("seconds", 5.3), "2025-01-02T03:04:05",
                            "abc123def456", **kw)


def test_index_is_for_readers_headline_links_and_stale_reports(tmp_path):
    ok = _result("beilun", "ok", files={"html": "beilun.html", "pdf": "beilun.pdf", "ipynb": "beilun.ipynb"},
                 headline=["量化指标 41 项（表格所列）"])
    bad = _result("yinzhou", "failed", seconds=1.0, error="AnalysisError: no rows",
                  files={"failed": "yinzhou.failed.ipynb"})
    # a good report from an earlier run is still there for yinzhou
    (tmp_path / "yinzhou.html").write_text("old")
    (tmp_path / "yinzhou.pdf").write_bytes(b"%PDF old")
    (tmp_path / "yinzhou.json").write_text(json.dumps({"started": "2024-12-31T23:00:00",
                                                       "data_version": "0ldv3rs10n",
                                                       "headline": ["量化指标 30 项"]}))
    page = runner.index_html(tmp_path, [ok, bad])
    assert '<a href="beilun.html">北仑区</a>' in page and '<a href="beilun.pdf">PDF（A4）</a>' in page
    assert "<li>量化指标 41 项（表格所列）</li>" in page and "<li>量化指标 30 项</li>" in page
    assert '<a href="yinzhou.html">鄞州区</a>' in page and '<a href="yinzhou.pdf">' in page
    assert "本次失败，未能更新（AnalysisError: no rows），以下为 2024-12-31 23:00:00 生成的上一版报告" in page
    assert "abc123def456" in page and "0ldv3rs10n" in page  # the data versions, in the footer
    for scaffolding in ("papermill", ".ipynb", "notebooks/", "用时", "5.3"):
        assert scaffolding not in page, scaffolding


def test_index_escapes_and_fetches_nothing(tmp_path):
    bad = _result("ouhai", "failed", error="ValueError: <script>alert(1)</script>")
    page = runner.index_html(tmp_path, [bad])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "本次失败（" in page
    assert remote_urls(page) == []


def remote_urls(page: str) -> list[str]:
    """Every http(s) URL the page would fetch: in src/href attributes, CSS @import or url()."""
    import re
    pats = [r"""(?:src|href)\s*=\s*["']?\s*(https?:)?//[^"'\s>]*""", r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""",
            r"""url\(\s*["']?\s*(?:https?:)?//"""]
    return [m.group(0) for p in pats for m in re.finditer(p, page, re.I)]


def test_summary_lines_report_failures():
    lines = runner.summary_lines([_result("beilun", "ok"), _result("ouhai", "failed", error="X: y")],
                                 runner.paths.REPORT_DIR, 9.87)
    assert lines[-1].startswith("1/2 reports ok in 9.9 s")
    assert lines[2] == "    X: y"  # the error under its district, indented


def test_kernel_manager_drops_mplbackend(tmp_path, monkeypatch):
    import asyncio
    cls = runner.kernel_manager_class(tmp_path / "k.log")
    seen = {}

    async def fake_launch(self, kernel_cmd, **kw):
        seen.update(kw)

    monkeypatch.setattr(cls.__mro__[1], "_async_launch_kernel", fake_launch)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    asyncio.run(cls()._async_launch_kernel(["python"], env={"MPLBACKEND": "Agg", "KEEP": "1"}))
    assert "MPLBACKEND" not in seen["env"] and seen["env"]["KEEP"] == "1"
    assert seen["stderr"].name == str(tmp_path / "k.log")


# --------------------------------------------------------------------------- command-line options

@pytest.mark.parametrize("argv, message", [
    (["--timeout", "0"], "argument --timeout: --timeout must be a positive number, got '0'"),
    (["--timeout", "-5"], "--timeout must be a positive number, got '-5'"),
    (["--timeout", "ten"], "--timeout must be a positive number, got 'ten'"),
    (["--timeout", "nan"], "--timeout must be a positive number, got 'nan'"),
    (["--jobs", "0"], "--jobs must be a positive whole number, got '0'"),
    (["--jobs", "1.5"], "--jobs must be a positive whole number, got '1.5'"),
    (["--end-year", "20x5"], "--end-year must be a year such as 2025, got '20x5'"),
    (["--end-year", "25"], "--end-year must be a year such as 2025, got '25'"),
    (["--method", "linear"], "argument --method: invalid choice: 'linear' (choose from 'opensdg', 'unsd')"),
])
def test_bad_options_are_refused_naming_the_option(capsys, tmp_path, argv, message):
    assert runner.main([*argv, "beilun", "--output-dir", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_output_dir_that_is_a_file_is_refused_naming_it(capsys, tmp_path):
    target = tmp_path / "reports.txt"
    target.write_text("not a folder")
    assert runner.main(["beilun", "--output-dir", str(target)]) == 2
    assert f"error: --output-dir {target}: is a file, not a folder" in capsys.readouterr().err
    assert runner.main(["beilun", "--output-dir", str(target / "sub")]) == 2
    assert f"--output-dir {target / 'sub'}: is inside {target}, which is a file" in capsys.readouterr().err
    assert target.read_text() == "not a folder"
    with pytest.raises(runner.KitError, match="--output-dir .*is a file"):
        runner.run_reports(["beilun"], target, progress=False)


def test_end_year_a_district_does_not_print_is_refused_before_running(capsys, tmp_path):
    # Beilun's tables print targets for 2021–2025 and Ouhai's for 2021–2023: 2025 fits Beilun only
    assert runner.main(["beilun", "ouhai", "--end-year", "2025", "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "error: --end-year: end_year 2025: 瓯海区 prints targets only for 2021, 2022, 2023" in err
    assert "北仑区" not in err
    assert list(tmp_path.iterdir()) == []


def test_missing_actuals_file_is_named(capsys, tmp_path):
    assert runner.main(["beilun", "--actuals", str(tmp_path / "nope.csv"),
                        "--output-dir", str(tmp_path / "out")]) == 2
    assert f"error: --actuals {tmp_path / 'nope.csv'}: file not found" in capsys.readouterr().err


def test_method_is_a_runner_option_passed_to_the_notebook():
    args = runner.build_parser().parse_args(["--method", "unsd", "ouhai"])
    assert args.method == "unsd"
    assert runner.report_parameters("ouhai", None, None, "unsd")["method"] == "unsd"
    assert "method" not in runner.report_parameters("ouhai")  # the notebook's default applies
    assert "method" in runner.build_parser().format_help()
    with pytest.raises(runner.KitError, match="--method 'linear': unknown; choose one of opensdg, unsd"):
        runner.run_reports(["beilun"], progress=False, method="linear")
    from helpers.progress import METHODS
    assert tuple(METHODS) == runner.METHODS


# --------------------------------------------------------------------------- terminal summary

def test_summary_aligns_long_chinese_names_by_display_width():
    long = runner.RunResult("qiandongnan", "黔东南苗族侗族自治州凯里市", "ok", 12.34, "2025-01-02T03:04:05", "v")
    rows = [_result("beilun", "ok"), long, _result("ouhai", "failed", seconds=0.5, error="X: y")]
    lines = runner.summary_lines(rows, runner.paths.REPORT_DIR, 20.0)
    table = [lines[0], lines[1], lines[2]]
    # the seconds column ends in the same terminal column on every row (CJK = 2 columns)
    assert {runner.display_width(line) for line in table} == {runner.display_width(lines[0])}

    def column(line, text):  # terminal column where text starts
        return runner.display_width(line[:line.index(text)])

    assert [column(line, name) for line, name in zip(table, ["北仑区", "黔东南", "瓯海区"])] == [13] * 3
    # slug (11) + 2 spaces; the name column is 26 wide (13 CJK characters) + 2 spaces
    assert [column(line, st) for line, st in zip(table, ["成功", "成功", "失败"])] == [13 + 26 + 2] * 3
    assert runner.display_width("北仑区 ok") == 9 and runner.pad("北仑区", 8) == "北仑区  "
    assert lines[3] == "    X: y"


def test_failing_cell_is_named_with_its_exception_type_and_message():
    from papermill.exceptions import PapermillExecutionError
    exc = PapermillExecutionError(2, 3, '# comment\nrep = report.prepare_report(district, end_year=end_year)',
                                  "AnalysisError", "end_year 2030: 北仑区 prints targets only for 2021, 2025", [])
    text = runner._error_text(exc)
    assert text == ("cell [3] `rep = report.prepare_report(district, end_year=end_year)`: "
                    "AnalysisError: end_year 2030: 北仑区 prints targets only for 2021, 2025")
    # with IPython's traceback, the line that raised (not the cell's first line) is named
    tb = ["\x1b[0;31m---------\x1b[0m", "\x1b[0;31mValueError\x1b[0m   Traceback (most recent call last)",
          "Cell \x1b[0;32mIn[5], line 3\x1b[0m\n      1 import x\n      2 \n\x1b[0;32m----> 3\x1b[0m "
          "\x1b[43mrep\x1b[49m = report.prepare_report(district)\n",
          "File /x/report.py:12, in prepare_report\n---> 12 raise ValueError('bad')\n"]
    exc = PapermillExecutionError(4, 5, "import x\n\nrep = report.prepare_report(district)",
                                  "ValueError", "bad", tb)
    assert runner._error_text(exc) == "cell [5] `rep = report.prepare_report(district)`: ValueError: bad"


def test_failed_report_prints_the_cell_exception_in_the_terminal(tmp_path):
    nb = tmp_path / "broken.py"
    nb.write_text('# %% tags=["parameters"]\ndistrict = "beilun"\nend_year = None\n'
                  'actuals_path = None\n\n# %%\nx = 1\n\n# %%\n'
                  'raise ValueError("亩均税收 cannot be read from 第3行")\n', encoding="utf-8")
    import gc
    batch = runner.run_batch(["beilun"], tmp_path / "out", jobs=1, notebook=nb, progress=False)
    assert batch.exit_code == 1
    assert gc.get_freeze_count() == 0  # frozen only while its workers were being forked
    r = batch.results[0]
    assert r.status == "failed" and not r.refreshed
    # execution count 4: parameters, papermill's injected parameters, x = 1, then the raise
    assert r.error == 'cell [4] `raise ValueError("亩均税收 cannot be read from 第3行")`: ValueError: 亩均税收 cannot be read from 第3行'
    lines = runner.summary_lines(batch.results, tmp_path / "out", 1.0)
    assert lines[1] == "    " + r.error
    assert lines[2] == f"    notebook: {tmp_path / 'out' / 'beilun.failed.ipynb'}"
    assert (tmp_path / "out" / "beilun.failed.ipynb").exists()


# --------------------------------------------------------------------------- index from run records

def _previous_reports(out, slugs=tuple(DISTRICTS), started="2025-01-01T00:00:00"):
    """A reports folder as an earlier run left it: a good report and run record per district."""
    out.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        (out / f"{slug}.html").write_text(f"<p>last good {slug}</p>", encoding="utf-8")
        (out / f"{slug}.ipynb").write_text("{}", encoding="utf-8")
        rec = _result(slug, "ok", files={"html": f"{slug}.html", "ipynb": f"{slug}.ipynb"})
        rec.started, rec.data_version = started, "0ldv3rs10n"
        (out / f"{slug}.json").write_text(json.dumps(runner.asdict(rec), ensure_ascii=False))
    return out


def test_index_keeps_districts_of_earlier_runs_from_their_records(tmp_path):
    out = _previous_reports(tmp_path)
    (tmp_path / "zhenhai.html").unlink()  # a record whose report is gone is not listed
    failed = _result("yinzhou", "failed", error="ValueError: x", refreshed=False)
    failed.started = "2025-02-01T00:00:00"  # later than its good run: the failure is its state
    (tmp_path / "yinzhou.failed.json").write_text(json.dumps(runner.asdict(failed)))
    (tmp_path / "beilun.interrupted.json").write_text("{not json")  # unreadable: ignored
    this_run = _result("ouhai", "ok", files={"html": "ouhai.html", "ipynb": "ouhai.ipynb"})
    rows = runner.index_results(out, [this_run])
    # every registered district in kit order, but 镇海 (its report is gone): 鄞州 as failed,
    # 瓯海 refreshed by this run, every other one from its earlier good run
    state = {"yinzhou": ("failed", False), "ouhai": ("ok", True)}
    expected = [(slug, *state.get(slug, ("ok", False))) for slug in DISTRICTS if slug != "zhenhai"]
    assert [(r.district, r.status, r.refreshed) for r in rows] == expected
    assert expected[:3] == [("beilun", "ok", False), ("yinzhou", "failed", False),
                            ("ouhai", "ok", True)]
    page = runner.index_html(out, rows)
    assert '<a href="beilun.html">北仑区</a>' in page and '<a href="ouhai.html">瓯海区</a>' in page
    assert "zhenhai.html" not in page and "ValueError: x" in page
    # its last good report stays linked, with a note that this run could not refresh it
    assert '<a href="yinzhou.html">鄞州区</a>' in page and "未能更新" in page


def _index_links(out):
    import re
    page = (out / "index.html").read_text(encoding="utf-8")
    return page, re.findall(r'href="([^"]+)"', page)


def test_single_district_run_keeps_every_other_district_in_the_index(tmp_path, capsys):
    """make report DISTRICT=ouhai: Ouhai is refreshed, the other three stay listed."""
    out = _previous_reports(tmp_path / "reports")
    assert runner.main(["ouhai", "--jobs", "1", "--quiet", "--output-dir", str(out)]) == 0
    page, links = _index_links(out)
    for slug, d in DISTRICTS.items():
        assert f'<a href="{slug}.html">{d.name}</a>' in page
    assert all((out / link).is_file() for link in links)
    assert (out / "beilun.html").read_text(encoding="utf-8") == "<p>last good beilun</p>"
    assert "last good" not in (out / "ouhai.html").read_text(encoding="utf-8")
    assert "0ldv3rs10n" in page  # the others' rows keep their own data version
    assert json.loads((out / "ouhai.json").read_text(encoding="utf-8"))["refreshed"] is True


# --------------------------------------------------------------------------- interrupted batch

def _gone(tag, within: float = 5.0):
    """The tagged processes still alive ``within`` seconds from now ([] as soon as none is):
    a signalled kernel takes a moment to exit on a loaded machine."""
    import time
    deadline = time.monotonic() + within
    while (left := _tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _cmdline(p) -> str:
    """Process ``p``'s command line ('' for one that has exited meanwhile)."""
    import psutil
    try:
        return " ".join(p.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def _is_kernel(p) -> bool:
    """Whether process ``p`` is an IPython kernel (False for one that has exited meanwhile)."""
    return "ipykernel" in _cmdline(p)


def _tagged_processes(tag):
    """Every live (non-zombie) process that carries the test's environment tag: the runner,
    its workers and their kernels (kernels run in sessions of their own, not in the runner's
    process group, but inherit its environment)."""
    import psutil
    found = []
    for p in psutil.process_iter():
        try:
            if p.environ().get("KIT_RUNNER_TEST") == tag and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def _refreshed(out) -> list[str]:
    """Districts whose run record in ``out`` is from a run after _previous_reports."""
    done = []
    for slug in DISTRICTS:
        try:
            rec = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if rec.get("started", "") > "2025-01-01T00:00:00":
            done.append(slug)
    return done


@pytest.mark.parametrize("signame, when", [("SIGINT", "first kernel"), ("SIGTERM", "first kernel"),
                                           ("SIGTERM", "after a report")])
def test_interrupted_batch_stops_everything_and_keeps_reports_consistent(tmp_path, signame, when):
    """Signalled when the first kernel runs, or after a worker has finished a report and its
    warm kernel has gone on to the worker's next district."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from helpers.paths import ROOT

    sig = getattr(signal, signame)
    out = _previous_reports(tmp_path / "reports")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    tag = uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "helpers.runner", "--jobs", "2", "--quiet",
                             "--output-dir", str(out)], cwd=ROOT, start_new_session=True,
                            env={**os.environ, "KIT_RUNNER_TEST": tag},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            kernels = any(_is_kernel(p) for p in _tagged_processes(tag))
            if kernels and (when == "first kernel" or _refreshed(out)):
                break
            time.sleep(0.05)
        else:
            pytest.fail("no kernel started")
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # what Ctrl-C in a terminal does: the whole foreground group
        else:
            proc.send_signal(sig)  # what a scheduler's kill does: the runner only
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + sig, stderr
    assert f"interrupted by {signame}" in stderr
    assert "Traceback" not in stderr
    assert _gone(tag) == []  # no worker, no kernel left running
    # reports/ is consistent: every file the index links is there; nothing half-written
    page, links = _index_links(out)
    assert links and all((out / link).is_file() for link in links), links
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if ".running-" in n or n.endswith(".tmp")], names
    interrupted = []
    for slug, d in DISTRICTS.items():
        rec = out / f"{slug}.interrupted.json"
        if rec.exists():  # interrupted (running or not started): the last good report kept
            interrupted.append(slug)
            r = json.loads(rec.read_text(encoding="utf-8"))
            assert r["status"] == "interrupted" and r["refreshed"] is False
            assert f"批处理被 {signame} 中断" in r["error"] and "报告未更新" in r["error"]
            for kept in (f"{slug}.html", f"{slug}.ipynb", f"{slug}.json"):
                assert (out / kept).read_bytes() == before[kept], kept
            assert f'<a href="{slug}.html">{d.name}</a>' in page and "未能更新" in page
        else:  # finished before the signal: all of its new files are in place
            r = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
            assert r["status"] == "ok" and r["refreshed"] is True and r["started"] > "2025"
            assert (out / f"{slug}.html").read_bytes() != before[f"{slug}.html"]
    assert len(interrupted) >= 2  # two workers: at most two districts had started
    errors = [json.loads((out / f"{s}.interrupted.json").read_text(encoding="utf-8"))["error"]
              for s in interrupted]
    assert any("未开始" in e for e in errors) and any("运行中止" in e for e in errors)
    for slug in interrupted:  # a district that never started never got a kernel
        e = json.loads((out / f"{slug}.interrupted.json").read_text(encoding="utf-8"))["error"]
        if "未开始" in e:
            assert not (out / f".{slug}.kernel.log").exists()
    assert page.count("已中断") == len(interrupted)
    for slug in interrupted:
        assert f"{DISTRICTS[slug].name}" in stdout and "(report not refreshed)" in stdout


def test_a_worker_that_dies_is_a_failure_and_leaves_no_kernel(tmp_path, monkeypatch):
    import time
    import uuid
    tag = uuid.uuid4().hex
    monkeypatch.setenv("KIT_RUNNER_TEST", tag)
    nb = tmp_path / "die.py"  # the kernel kills the worker process that runs it
    nb.write_text('# %% tags=["parameters"]\ndistrict = "beilun"\nend_year = None\n'
                  'actuals_path = None\n\n# %%\nimport os, signal\n'
                  'os.kill(os.getppid(), signal.SIGKILL)\n\n# %%\nimport time\ntime.sleep(60)\n',
                  encoding="utf-8")
    out = _previous_reports(tmp_path / "out", ["beilun"])
    batch = runner.run_batch(["beilun"], out, jobs=1, notebook=nb, progress=False)
    r = batch.results[0]
    assert batch.exit_code == 1 and r.status == "failed" and not r.refreshed
    assert r.error == "worker process died (exit code -9) before it reported"
    time.sleep(0.3)
    import os
    assert [p for p in _tagged_processes(tag) if p.pid != os.getpid()] == []
    assert (out / "beilun.html").read_text(encoding="utf-8") == "<p>last good beilun</p>"
    assert not [p.name for p in out.iterdir() if ".running-" in p.name or p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- engines in the batch

def _kernel_pid_notebook(tmp_path):
    """A report stand-in that prints its kernel's pid; Yinzhou's kills its kernel once."""
    marker = tmp_path / "yinzhou-died"
    nb = tmp_path / "pid.py"
    nb.write_text('# %% tags=["parameters"]\ndistrict = "beilun"\nend_year = None\n'
                  'actuals_path = None\n\n# %%\nimport os\nprint(os.getpid())\n\n# %%\n'
                  f'if district == "yinzhou" and not os.path.exists({str(marker)!r}):\n'
                  f'    open({str(marker)!r}, "w").close()\n    os._exit(1)\n', encoding="utf-8")
    return nb, marker


def _kernel_pid(out, slug):
    import nbformat
    cells = [c for c in nbformat.read(out / f"{slug}.ipynb", as_version=4).cells
             if c.cell_type == "code"]
    return int(cells[-2].outputs[0]["text"])


def test_warm_batch_reuses_one_kernel_per_worker_and_replaces_a_dead_one(tmp_path):
    import os
    nb, marker = _kernel_pid_notebook(tmp_path)
    out = tmp_path / "warm"
    batch = runner.run_batch(["beilun", "yinzhou", "zhenhai"], out, jobs=1, notebook=nb,
                             progress=False)
    assert batch.exit_code == 0 and marker.exists()
    assert [r.attempts for r in batch.results] == [1, 2, 1]  # Yinzhou: kernel died, one retry
    pids = {slug: _kernel_pid(out, slug) for slug in ("beilun", "yinzhou", "zhenhai")}
    assert pids["yinzhou"] != pids["beilun"]  # a fresh kernel after the death …
    assert pids["zhenhai"] == pids["yinzhou"]  # … kept warm for the next district
    for pid in pids.values():  # and none is left running after the batch
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert "(attempts: 2)" in runner.summary_lines(batch.results, out, 1.0)[1]


def test_cold_engine_starts_a_kernel_per_report(tmp_path):
    nb, _ = _kernel_pid_notebook(tmp_path)
    out = tmp_path / "cold"
    batch = runner.run_batch(["beilun", "zhenhai"], out, jobs=1, notebook=nb, engine="cold",
                             progress=False)
    assert batch.exit_code == 0
    assert _kernel_pid(out, "beilun") != _kernel_pid(out, "zhenhai")
    assert runner.build_parser().parse_args([]).engine == "warm"
    assert runner.build_parser().parse_args(["--engine", "cold"]).engine == "cold"


def test_unknown_engine_is_refused_naming_the_option(capsys, tmp_path):
    assert runner.main(["--engine", "hot", "beilun", "--output-dir", str(tmp_path / "o")]) == 2
    assert "argument --engine: invalid choice: 'hot' (choose from 'warm', 'cold')" in capsys.readouterr().err
    with pytest.raises(runner.KitError, match="--engine 'hot': unknown; choose one of warm, cold"):
        runner.run_batch(["beilun"], tmp_path / "o", engine="hot", progress=False)


def test_runner_processes_skip_the_iri_grammars_and_still_read_notebooks():
    """skip_iri_grammars keeps jsonschema from compiling rfc3987_syntax's grammars; nbformat
    then still validates and writes notebooks (it uses no format checker), and only the iri
    formats go unchecked. Once jsonschema is imported it changes nothing."""
    code = textwrap.dedent("""
        import sys
        from helpers import runner
        assert runner.skip_iri_grammars() is True
        import jsonschema, nbformat
        from nbformat.v4 import new_code_cell, new_notebook
        assert sys.modules.get("rfc3987_syntax") is None
        assert "iri" not in jsonschema.FormatChecker().checkers
        assert "email" in jsonschema.FormatChecker().checkers
        nb = new_notebook(cells=[new_code_cell("print(1)")])
        nbformat.validate(nb)
        assert nbformat.reads(nbformat.writes(nb), as_version=4) == nb
        assert runner.skip_iri_grammars() is False
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_a_batch_parent_never_imports_pandas_or_pandera():
    """The runner's parent does what a batch does before forking its workers (the data check,
    papermill with the kit's engine through its entry point, nbconvert, WeasyPrint) without
    pandas or pandera: 0.4 s off every batch's start. The kernel imports them, not the runner."""
    code = textwrap.dedent("""
        import sys
        from helpers import runner
        from helpers.data import data_version
        runner.skip_iri_grammars()
        runner.validate_districts(["beilun"])
        data_version()
        runner._preload()
        import papermill.engines
        papermill.engines.papermill_engines.get_engine("warm")
        print(sorted(m for m in ("pandas", "pandera", "matplotlib") if m in sys.modules))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_package_still_gives_its_functions():
    """helpers' functions load on first use; audit, catalogue and districts stay the functions
    after their submodules of the same names are imported (as before the lazy loading)."""
    code = textwrap.dedent("""
        import helpers, helpers.audit, helpers.catalogue, helpers.districts
        import helpers.audit as a
        from helpers import *
        assert callable(helpers.audit) and a is helpers.audit is audit
        assert helpers.catalogue().loc["tax_per_mu", "name_zh"] == "规上工业亩均税收"
        assert helpers.districts().loc["beilun", "district_name"] == "北仑区"
        assert set(helpers.__all__) <= set(dir(helpers))
        assert all(callable(getattr(helpers, n)) for n in helpers.__all__)
        try:
            helpers.no_such_thing
        except AttributeError as exc:
            assert str(exc) == "module 'helpers' has no attribute 'no_such_thing'"
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_the_command_line_skips_the_iri_grammars_before_anything_else(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(runner, "skip_iri_grammars", lambda: calls.append("skip") or False)
    assert runner.main(["nowhere"]) == 2
    assert calls == ["skip"]
    assert "error: unknown district 'nowhere'" in capsys.readouterr().err
