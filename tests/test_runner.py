"""The report runner's pieces that need no kernel: argument checks, retries, atomic writes,
HTML rendering and the index page (the kernel runs are in test_notebooks.py)."""
from __future__ import annotations

import json

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
    assert "本次未能更新（AnalysisError: no rows），以下为 2024-12-31 23:00:00 生成的上一版报告" in page
    assert "abc123def456" in page and "0ldv3rs10n" in page  # the data versions, in the footer
    for scaffolding in ("papermill", ".ipynb", "notebooks/", "用时", "5.3"):
        assert scaffolding not in page, scaffolding


def test_index_escapes_and_fetches_nothing(tmp_path):
    bad = _result("ouhai", "failed", error="ValueError: <script>alert(1)</script>")
    page = runner.index_html(tmp_path, [bad])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "本次生成失败" in page
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
    assert "X: y" in lines[1]


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
