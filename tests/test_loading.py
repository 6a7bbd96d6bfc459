"""load_indicators(): filters, district names, speed."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import helpers
from helpers import data as data_module
from helpers.errors import UnknownDistrictError


def test_filter_by_slug_or_chinese_name():
    a = helpers.load_indicators("beilun")
    b = helpers.load_indicators("北仑区")
    assert len(a) == len(b) > 0 and set(a.district) == {"beilun"}


def test_unknown_district_lists_valid_ones():
    with pytest.raises(UnknownDistrictError, match=r"unknown district 'hangzhou'.*beilun \(北仑区\)"):
        helpers.load_indicators("hangzhou")


def test_filters_compose():
    df = helpers.load_indicators(["beilun", "yinzhou"], indicator_id="tax_per_mu", role="baseline",
                                 include_narrative=False)
    assert sorted(zip(df.district, df.year, df.value)) == [("beilun", 2020, 38.4), ("yinzhou", 2022, 32.3)]


def test_districts_and_catalogue():
    d = helpers.districts()
    assert d.loc["yinzhou", "base_year"] == 2022 and d.loc["ouhai", "district_name"] == "瓯海区"
    cat = helpers.catalogue()
    assert cat.loc["tax_per_mu", "unit"] == "万元/亩"
    used = set(helpers.load_indicators().indicator_id)
    assert used <= set(cat.index)


def test_loading_is_fast_after_first_build():
    helpers.load_indicators()  # ensure built
    data_module._CACHE.clear()
    start = time.perf_counter()
    helpers.load_indicators()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.1, f"uncached load took {elapsed * 1000:.0f} ms"


def test_a_relative_kit_root_is_made_absolute_for_kernels_started_elsewhere(tmp_path):
    # make bench points the runner at .bench/synthetic-N; its kernels start in notebooks/, so
    # a relative root would resolve there and find no district ("valid: " with none listed)
    import os
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[1]
    rel = os.path.relpath(root, tmp_path)
    code = ("import os; from helpers import paths; "
            "print(paths.ROOT); print(os.environ['DISTRICT_KIT_ROOT'])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "DISTRICT_KIT_ROOT": rel}, check=True)
    assert out.stdout.split() == [str(root), str(root)]
