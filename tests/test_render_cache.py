"""Rendering a report: the executed notebook is read once and exported once (HTML, then the PDF
from that page), and the page's font subset is cached by the set of characters it needs."""
from __future__ import annotations

import pytest

from helpers import fonts, runner


@pytest.fixture
def font_cache(tmp_path, monkeypatch):
    """An empty subset cache (disk and memory) and a count of the subsets actually cut."""
    calls = []
    real = fonts.font_subset

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(fonts, "font_cache_dir", lambda: tmp_path / "fontcache")
    monkeypatch.setattr(fonts, "font_subset", counting)
    monkeypatch.setattr(fonts, "_MEMORY", {})
    return calls


def test_page_characters_are_the_distinct_non_ascii_ones_sorted():
    assert fonts.page_characters("北仑 b\u3000北a区\n仑%") == "仑北区"
    assert fonts.page_characters("abc 123 <p>") == ""


def test_subset_is_cached_by_the_set_of_characters(font_cache, tmp_path):
    first = fonts.cached_font_subset("<p>北仑区 亩均税收 38.4万元</p>")
    # the same characters in another order and number, with other ASCII: the same subset
    again = fonts.cached_font_subset("万元税收亩均 北仑区北仑区 <b>2025</b>")
    assert again == first and len(font_cache) == 1
    assert font_cache[0] == fonts.page_characters("北仑区亩均税收万元")
    assert len(list((tmp_path / "fontcache").glob("*.otf"))) == 1
    # a new process (empty memory) reads it from disk: nothing cut again
    fonts._MEMORY.clear()
    assert fonts.cached_font_subset("北仑区亩均税收万元") == first and len(font_cache) == 1
    # one more character: another subset, which has the new glyph
    other = fonts.cached_font_subset("北仑区亩均税收万元镇")
    assert len(font_cache) == 2 and other != first
    import io

    from fontTools.ttLib import TTFont
    cmap = TTFont(io.BytesIO(other)).getBestCmap()
    assert ord("镇") in cmap and ord("A") in cmap
    assert ord("镇") not in TTFont(io.BytesIO(first)).getBestCmap()


def test_a_report_is_read_once_and_exported_once(tmp_path, monkeypatch):
    """run_one renders the notebook papermill returned (the written file is never read back)
    and exports it to HTML once; the PDF is made from that page."""
    import nbformat
    from nbconvert import HTMLExporter

    def no_read(*args, **kwargs):
        raise AssertionError("the executed notebook was read back from disk")

    exports = []
    real_export = HTMLExporter.from_notebook_node

    def counting_export(self, nb, *args, **kwargs):
        exports.append(len(nb.cells))
        return real_export(self, nb, *args, **kwargs)

    monkeypatch.setattr(nbformat, "read", no_read)
    monkeypatch.setattr(HTMLExporter, "from_notebook_node", counting_export)
    nb = tmp_path / "report.py"
    nb.write_text('# %% tags=["parameters"]\ndistrict = "beilun"\nend_year = None\n'
                  'actuals_path = None\n\n# %% [markdown]\n# ## 一、摘要\n\n# %%\n'
                  'from IPython.display import HTML\nHTML("<p>北仑区 报告正文</p>")\n',
                  encoding="utf-8")
    r = runner.run_one("beilun", tmp_path / "out", notebook=nb, engine="cold")
    assert r.ok, r.error
    assert len(exports) == 1  # one export, for the HTML; the PDF came from the page
    page = (tmp_path / "out" / "beilun.html").read_text(encoding="utf-8")
    assert "北仑区 报告正文" in page and (tmp_path / "out" / "beilun.pdf").read_bytes()[:5] == b"%PDF-"
