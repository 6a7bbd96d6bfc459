"""Every notebook executed through papermill on the real data, and the rendered reports checked
as a reader would get them (no code, Chinese name, embedded charts, no missing glyphs).

These are the slow tests (kernels): the whole report batch runs once per session (about 15 s
on two cores), the other notebooks a few seconds each.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest

from helpers import runner
from helpers.districts import DISTRICTS
from helpers.paths import NOTEBOOK_DIR, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "actuals_synthetic.csv"
EXPLORE_NOTEBOOKS = ["01_explore_district.py", "02_pledges.py", "03_compare.py", "04_audit.py"]


def problems(nb) -> list[str]:
    """Error outputs, anything written to stderr (warnings), and missing-glyph messages."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"error: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"stderr: {out.get('text', '')[:300]}")
            text = json.dumps(out, ensure_ascii=False)
            if "Glyph" in text and "missing from font" in text:
                found.append("missing glyph")
    return found


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """All district reports, rendered once, with MPLBACKEND=Agg in the parent's environment
    (the runner must keep it away from the kernels or the charts would vanish)."""
    out = tmp_path_factory.mktemp("reports")
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        results = runner.run_reports(None, out, jobs=2, progress=False)
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved
    return out, {r.district: r for r in results}


@pytest.mark.parametrize("slug", list(DISTRICTS))
def test_district_report_renders_for_readers(batch, slug):
    out, results = batch
    r = results[slug]
    assert r.ok, r.error
    nb = nbformat.read(out / f"{slug}.ipynb", as_version=4)
    assert problems(nb) == []
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and f'district = "{slug}"' in injected[0].source
    page = (out / f"{slug}.html").read_text(encoding="utf-8")
    assert DISTRICTS[slug].name in page
    assert page.count("data:image/png;base64,") >= 1
    assert not re.search(r'class="jp-(InputArea|InputPrompt|OutputPrompt)', page)
    for source_text in ("prepare_report(", "import ", "display(HTML", "# Parameters",
                        f'district = "{slug}"'):
        assert source_text not in page, source_text
    assert "Glyph" not in page
    for heading in ("目录", "一、摘要", "二、指标一览", "三、正文目标", "四、落后于路径的指标", "五、文件核查",
                    "六、与其他区比较", "七、实际进展", "附录　全部指标轨迹", "数据说明"):
        assert heading in page
    from helpers.actuals import load_report_actuals
    actuals, _ = load_report_actuals(None)  # published.csv (+ a user's actuals.csv)
    if (actuals["district"] == slug).any():
        # a published result: the section names where it comes from, never 无实际数据
        assert "无实际数据" not in page and "published.csv" in page
    else:
        assert "无实际数据" in page  # no result: every status is 无数据, nothing guessed
    assert json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))["status"] == "ok"


def test_index_lists_every_report_with_headline_and_links(batch):
    from helpers import data_version
    out, results = batch
    page = (out / "index.html").read_text(encoding="utf-8")
    for slug, d in DISTRICTS.items():
        assert f'<a href="{slug}.html">{d.name}</a>' in page and f'<a href="{slug}.pdf">' in page
        assert results[slug].headline and f"<li>{results[slug].headline[0]}</li>" in page
    assert data_version() in page
    for scaffolding in ("papermill", ".ipynb", "notebooks/", "用时"):
        assert scaffolding not in page, scaffolding


def test_no_page_fetches_anything_from_the_network(batch):
    from test_runner import remote_urls
    out, _ = batch
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(DISTRICTS) + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert remote_urls(text) == [], page.name
        assert "<script" not in text, page.name  # no require.js, MathJax, mermaid


GENERATED_LINE = re.compile(r'<p class="sub generated">[^<]*</p>')


def test_rerendering_unchanged_input_is_byte_identical_but_for_the_generation_time(batch, tmp_path):
    out, _ = batch
    again = runner.run_one("ouhai", tmp_path)
    assert again.ok, again.error
    first = (out / "ouhai.html").read_text(encoding="utf-8")
    second = (tmp_path / "ouhai.html").read_text(encoding="utf-8")
    assert len(GENERATED_LINE.findall(first)) == 1
    assert GENERATED_LINE.sub("", first) == GENERATED_LINE.sub("", second)
    assert 'id="cell-id=cell-1"' in first


def pdf_fonts(path) -> set[str]:
    """Base names of the fonts embedded in a PDF (subset prefix dropped), read with pypdf."""
    from pypdf import PdfReader
    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                fd = desc.get("/FontDescriptor")
                if fd is not None and any(k in fd.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(desc["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


@pytest.mark.parametrize("slug", list(DISTRICTS))
def test_pdf_is_a4_with_the_cjk_font_embedded_and_running_heads(batch, slug):
    from pypdf import PdfReader
    out, results = batch
    pdf = out / f"{slug}.pdf"
    assert results[slug].files["pdf"] == pdf.name and pdf.stat().st_size > 10_000
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1  # A4 portrait, in points
    assert any("Noto-Sans-CJK-SC" in name for name in pdf_fonts(pdf)), pdf_fonts(pdf)
    d = DISTRICTS[slug]
    n = len(reader.pages)
    for i, page in enumerate(reader.pages, 1):
        text = page.extract_text().replace("\n", "")
        assert f"第 {i} 页 / 共 {n} 页" in text  # page numbers
        assert d.name in text and d.plan_title[:8] in text  # district and plan on every page
    first = reader.pages[0].extract_text()
    assert "目录" in first
    # the contents list carries page numbers, and they are right: the 数据说明 heading is on
    # the page the list names
    m = re.search(r"数据说明[ .]*(\d+)", first.replace("\n", " "))
    assert m, first[:600]
    assert "数据说明" in [ln.strip() for ln in reader.pages[int(m.group(1)) - 1].extract_text().splitlines()]


def test_report_with_synthetic_actuals_shows_statuses_and_sources(tmp_path):
    r = runner.run_one("beilun", tmp_path, actuals_path=FIXTURE)
    assert r.ok, r.error
    assert problems(nbformat.read(tmp_path / "beilun.ipynb", as_version=4)) == []
    page = (tmp_path / "beilun.html").read_text(encoding="utf-8")
    # statuses of the synthetic fixture (hand-checked in tests/test_progress.py)
    for status in ("进度正常", "需加快", "进展有限", "倒退", "无数据"):
        assert status in page
    assert "SYNTHETIC TEST FIXTURE" in page and "actuals_synthetic.csv" in page
    assert "45万元/亩（2023）" in page  # the synthetic 亩均税收 actual in the progress table
    assert "无实际数据" not in page


def test_failed_run_keeps_the_previous_good_report(tmp_path):
    (tmp_path / "beilun.html").write_text("<p>last good report</p>", encoding="utf-8")
    (tmp_path / "beilun.json").write_text(json.dumps({"started": "2025-01-01T00:00:00",
                                                      "data_version": "previous"}))
    # 2030 is not a target year of Beilun's plan: the notebook raises AnalysisError
    results = runner.run_reports(["beilun"], tmp_path, jobs=1, end_year=2030, progress=False)
    assert not results[0].ok and "AnalysisError" in results[0].error
    assert (tmp_path / "beilun.html").read_text(encoding="utf-8") == "<p>last good report</p>"
    assert (tmp_path / "beilun.failed.ipynb").exists()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "本次失败，未能更新（AnalysisError" in index and "2025-01-01 00:00:00 生成的上一版报告" in index
    assert '<a href="beilun.html">北仑区</a>' in index and "previous" in index


def test_unknown_district_is_refused_by_the_command_line():
    proc = subprocess.run([sys.executable, "-m", "helpers.runner", "atlantis"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "unknown district 'atlantis'" in proc.stderr
    for slug in DISTRICTS:
        assert slug in proc.stderr


def test_unknown_district_fails_inside_the_notebook_with_the_valid_list(tmp_path):
    from papermill.exceptions import PapermillExecutionError
    with pytest.raises(PapermillExecutionError) as err:
        runner.execute(runner.REPORT_NOTEBOOK, tmp_path / "x.ipynb", {"district": "atlantis"})
    assert err.value.ename == "UnknownDistrictError"
    assert all(slug in err.value.evalue for slug in DISTRICTS)


@pytest.mark.parametrize("name", EXPLORE_NOTEBOOKS)
def test_exploration_notebooks_run_cleanly(tmp_path, name):
    runner.execute(NOTEBOOK_DIR / name, tmp_path / "out.ipynb", {})
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert problems(nb) == []
    assert any(out.get("output_type") in ("execute_result", "display_data")
               for c in nb.cells for out in c.get("outputs", []))


def test_kernel_does_not_inherit_mplbackend(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = tmp_path / "probe.py"
    nb.write_text('# %% tags=["parameters"]\nx = 1\n\n# %%\nimport os\n'
                  'print(os.environ.get("MPLBACKEND"))\n', encoding="utf-8")
    runner.execute(nb, tmp_path / "probe.ipynb", {})
    text = nbformat.read(tmp_path / "probe.ipynb", as_version=4).cells[-1].outputs[0]["text"]
    assert "Agg" not in text and "inline" in text


def test_percent_scripts_pair_with_ipynb_and_keep_the_parameters_tag(tmp_path):
    """jupytext --sync on a copy: the .ipynb appears with the parameters tag, an edit in the
    notebook flows back to the .py, and the .py gets no metadata header."""
    import shutil
    for path in NOTEBOOK_DIR.glob("*.py"):
        assert path.read_text(encoding="utf-8").startswith("# %%"), path.name
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    (tmp_path / "notebooks").mkdir()
    script = tmp_path / "notebooks" / "district_report.py"
    shutil.copy(runner.REPORT_NOTEBOOK, script)
    sync = [sys.executable, "-m", "jupytext", "--sync"]
    subprocess.run([*sync, str(script)], check=True, capture_output=True, cwd=tmp_path, timeout=120)
    paired = script.with_suffix(".ipynb")
    nb = nbformat.read(paired, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    params[0].source += '\nmethod = "unsd"'
    nbformat.write(nb, paired)
    os.utime(paired, (script.stat().st_mtime + 5,) * 2)
    subprocess.run([*sync, str(paired)], check=True, capture_output=True, cwd=tmp_path, timeout=120)
    text = script.read_text(encoding="utf-8")
    assert '# %% tags=["parameters"]\ndistrict = "beilun"' in text and 'method = "unsd"' in text
    assert text.startswith("# %%")  # no jupytext header (cell_metadata_filter stays in the toml)


@pytest.mark.parametrize("slug", list(DISTRICTS))
def test_every_narrative_target_is_in_its_report_without_scaffolding(batch, slug, indicators):
    import html as _html

    from helpers import report
    from helpers.series import is_narrative
    out, _ = batch
    page = _html.unescape((out / f"{slug}.html").read_text(encoding="utf-8"))
    narr = indicators[(indicators["district"] == slug) & is_narrative(indicators)]
    for _, row in narr.iterrows():
        assert report.printed_value(row) in page, (row["indicator"], row["value_text"])
        assert str(row["quote"]) in page, row["quote"]
    if slug == "yinzhou":  # the headline 3200亿元 by 2027 is printed only in the text
        assert "区本级规上工业总产值" in page and "3200亿元" in page
        # a printed rate target shows the printed rates; the compounded mean is labelled
        assert "2023年5.5%，2025、2027年10%" in page and "复合年均 9.08%/年" in page
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert not [c for c in cells if c.startswith(("*", "＊", "——")) or c.strip() in ("表1", "表2")]
    assert "数据说明" in page and "数据版本" in page
