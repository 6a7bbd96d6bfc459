"""Shared fixtures: the real indicator table, built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_indicators
from helpers.paths import RAW_DIR
from helpers.schema import COLUMNS


#: The four districts built from whole documents in data/raw/, for which the cross-district
#: expectations (ranks "2/4", the four 2023 亩均税收 levels …) were computed by hand.
FOUR = ("beilun", "yinzhou", "zhenhai", "ouhai")


@pytest.fixture(scope="session")
def indicators():
    return load_indicators()


@pytest.fixture(scope="session")
def four(indicators):
    """The indicator table restricted to FOUR (any district registered later left out), so a
    hand-computed comparison among the four stays exact."""
    df = indicators[indicators["district"].isin(FOUR)]
    assert set(df["district"]) == set(FOUR)
    return df


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw for bad-input tests (the real one is never touched)."""
    dst = tmp_path / "raw"
    shutil.copytree(RAW_DIR, dst)
    for p in dst.iterdir():
        p.chmod(0o644)
    return dst


def one(df, **where) -> float:
    """The single value matching the column filters (fails if zero or several)."""
    sub = df
    for col, val in where.items():
        sub = sub[sub[col] == val]
    values = sub["value"].unique()
    assert len(values) == 1, f"{where}: expected one value, got {list(values)}"
    return float(values[0])


def make_rows(*rows: dict, **defaults) -> pd.DataFrame:
    """Synthetic indicator rows with every schema column: a Beilun 亩均税收 target row,
    overridden by `defaults` for all rows and by each dict for its own row."""
    base = dict(district="beilun", district_name="北仑区", indicator="x", indicator_id="tax_per_mu",
                category="", lead_agency="", year=2025, value=1.0, unit="万元/亩", role="target",
                measure="level", direction="higher", source_file="f.txt", section="附件1",
                source_line=1, value_text="1", quote="q", note="")
    return pd.DataFrame([{**base, **defaults, **r} for r in rows], columns=COLUMNS)
