"""Every row of data/clean traces to the words it came from."""
from __future__ import annotations

from functools import cache

import pytest

from helpers.paths import RAW_DIR
from helpers.values import parse_value_text


@cache
def raw_text(name: str) -> str:
    return (RAW_DIR / name).read_text(encoding="utf-8")


def test_every_quote_is_verbatim_in_its_raw_file(indicators):
    missing = [(r.source_file, r.source_line, r.quote) for r in indicators.itertuples()
               if r.quote not in raw_text(r.source_file)]
    assert not missing, f"{len(missing)} quotes not found verbatim, e.g. {missing[:3]}"


def test_every_value_can_be_read_from_its_quote(indicators):
    bad = []
    for r in indicators.itertuples():
        value, _unit = parse_value_text(r.value_text)
        if r.value_text not in r.quote or abs(value - r.value) > 1e-9:
            bad.append((r.source_file, r.source_line, r.value_text, r.value))
    assert not bad, f"{len(bad)} values not readable from their quotes, e.g. {bad[:3]}"


def test_source_line_holds_the_value_text(indicators):
    bad = []
    for r in indicators.itertuples():
        line = raw_text(r.source_file).split("\n")[r.source_line - 1]
        if r.value_text.strip() not in line:
            bad.append((r.source_file, r.source_line, r.value_text))
    assert not bad, f"{len(bad)} rows whose source_line does not hold the value, e.g. {bad[:3]}"


def test_raw_files_are_the_shared_source_documents():
    """data/raw holds unedited copies of ../shared/source-documents (when it is beside us)."""
    shared = RAW_DIR.parents[2] / "shared" / "source-documents"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    copies = {
        "000_8161cdce21c3fae5.txt": "beilun_annex2_targets.txt",
        "001_5c4c2f29b0c4bd9d.txt": "beilun_plan_2021-2025.txt",
        "002_d4a130ab03e54595.txt": "yinzhou_plan_2022-2027.txt",
        "003_4e2daa5d5ee1343f.txt": "zhenhai_plan_2021-2025.txt",
        "004_1f72b95e1ef04da3.txt": "ouhai_task_list_2021-2023.txt",
    }
    for original, copy in copies.items():
        assert (shared / original).read_bytes() == (RAW_DIR / copy).read_bytes(), copy
