"""Shared fixtures: the real indicator table, built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import load_indicators
from helpers.paths import RAW_DIR


@pytest.fixture(scope="session")
def indicators():
    return load_indicators()


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
