"""Reports a leader can print: charts sized for A4, pages from templates, labels in one file,
JupyterLab opening the paired scripts as notebooks (the rendered PDFs are checked in
test_notebooks.py, where the report batch runs)."""
from __future__ import annotations

import json
import re

import pytest

from helpers import pages, plotting, report
from helpers.paths import ROOT


@pytest.fixture(scope="module")
def reports(indicators):
    return {slug: report.prepare_report(slug, df=indicators) for slug in ("beilun", "ouhai")}


def _texts(fig):
    """Every visible text artist of a figure with its size in points."""
    from matplotlib.text import Text
    return [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def test_report_charts_print_at_8pt_or_more_on_a4(reports):
    figs = []
    for rep in reports.values():
        figs += [fig for _, fig in report.trajectory_figures(rep)]
        figs.append(report.standing_figure(rep))
    figs = [f for f in figs if f is not None]
    assert len(figs) >= 4
    for fig in figs:
        # shown at its own width (figure_html), so the point sizes are the printed sizes
        assert fig.get_figwidth() <= plotting.PRINT_WIDTH_IN, fig.get_figwidth()
        small = [(t, s) for t, s in _texts(fig) if s < 8]
        assert small == [], small[:5]


def test_figure_html_sets_the_physical_width_and_alt_text(reports):
    title, fig = report.trajectory_figures(reports["ouhai"])[0]
    tag = plotting.figure_html(fig)
    width = float(re.search(r"width:([0-9.]+)in", tag).group(1))
    assert width == pytest.approx(fig.get_figwidth(), abs=0.01)
    assert 'alt="瓯海区' in tag


def test_labels_live_in_one_file():
    raw = (ROOT / "src" / "helpers" / "labels" / "zh.toml").read_text(encoding="utf-8")
    assert 'high = "高"' in raw and 'geometric = "复合增速"' in raw
    assert report.SEVERITY_ZH == pages.label_table("severity")
    assert plotting.LEGEND_ZH["fit"] == "里程碑拟合"
    with pytest.raises(Exception, match=r"zh.toml has no \[nonsense\] table"):
        pages.label_table("nonsense")


def test_report_css_comes_from_the_stylesheet_file():
    css = (ROOT / "src" / "helpers" / "templates" / "report.css").read_text(encoding="utf-8")
    assert report.REPORT_CSS == "<style>\n" + css + "\n</style>"
    src = (ROOT / "src" / "helpers" / "report.py").read_text(encoding="utf-8")
    assert not re.search(r"\{\s*[a-z-]+\s*:\s*[^;{}]+;", src)  # no CSS rule left in Python
    assert "<td" not in src and "<li>" not in src  # table and list markup are in templates


def test_page_stylesheet_is_a4_with_running_heads_and_kept_headings():
    css = pages.stylesheet("page.css")
    assert "size: A4 portrait" in css and "counter(page)" in css and "counter(pages)" in css
    assert "string(doctitle)" in css and "string(plan)" in css
    assert re.search(r"h2, h3[^{]*\{ break-after: avoid", css)
    assert "display: table-header-group" in css  # table headers repeat on every page


def test_templates_escape_text():
    t = report.html_table(__import__("pandas").DataFrame({"指标": ["<i>x</i>"]}), caption="<b>")
    assert "&lt;i&gt;x&lt;/i&gt;" in t and "<caption>&lt;b&gt;</caption>" in t
    assert report.note_html("a < b") == '<p class="kit-note">a &lt; b</p>'


def test_jupyterlab_opens_py_notebooks_as_notebooks():
    settings = json.loads((ROOT / "jupyterlab" / "overrides.json").read_text(encoding="utf-8"))
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["python"] == "Jupytext Notebook"
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "share/jupyter/lab/settings/overrides.json" in make
    assert re.search(r"^lab:.*\$\(LAB_SETTINGS\)\n\t.*jupyter lab notebooks/.*--allow-root", make, re.M)
