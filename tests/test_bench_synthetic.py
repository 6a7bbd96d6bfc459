"""The SYNTHETIC scale-test districts (helpers.bench_synthetic): N perturbed clones of the real
districts that pass the indicator schema and keep every row's sign, unit and measure."""
from __future__ import annotations

import json
import re
import tomllib

import numpy as np
import pandas as pd
import pytest

from helpers import KitError
from helpers.bench_synthetic import (DEFAULT_SPREAD, QUOTE_MARK, main, synthetic_districts,
                                     synthetic_table, validate_synthetic, write_synthetic,
                                     write_synthetic_root)
from helpers.districts import DISTRICTS
from helpers.schema import COLUMNS, TEXT_COLUMNS

KEPT = ["indicator", "indicator_id", "category", "lead_agency", "year", "unit", "role", "measure",
        "direction", "source_file", "section", "source_line"]


@pytest.fixture(scope="module")
def hundred(indicators):
    return synthetic_table(100, seed=7, table=indicators)


def test_n_100_gives_100_named_districts_cycling_over_the_real_ones(hundred, indicators):
    df, districts = hundred
    assert [d.slug for d in districts][:3] == ["syn001", "syn002", "syn003"]
    assert districts[-1].slug == "syn100" and districts[-1].name == "合成区100"
    assert df["district"].nunique() == 100 and set(df["district"]) == {d.slug for d in districts}
    real = list(DISTRICTS)
    for k, d in enumerate(districts):
        src = DISTRICTS[real[k % len(real)]]
        assert d.source == src.slug and (d.base_year, d.end_year, d.city) == \
            (src.base_year, src.end_year, src.city)
        assert "SYNTHETIC" in d.plan_title
    sizes = df.groupby("district").size()
    real_sizes = indicators.groupby("district").size()
    assert all(sizes[d.slug] == real_sizes[d.source] for d in districts)
    assert len(df) == sum(real_sizes[d.source] for d in districts)


def test_synthetic_table_passes_the_indicator_schema(hundred):
    df, districts = hundred
    assert list(df.columns) == COLUMNS
    validated = validate_synthetic(df, districts)
    assert len(validated) == len(df)


def test_values_differ_but_keep_sign_unit_and_measure(hundred, indicators):
    df, districts = hundred
    for d in districts[:8]:  # two clones of every real district
        syn = df[df["district"] == d.slug].reset_index(drop=True)
        src = indicators[indicators["district"] == d.source].reset_index(drop=True)
        assert syn[KEPT].equals(src[KEPT])
        nonzero = src["value"] != 0
        assert (syn.loc[nonzero, "value"] != src.loc[nonzero, "value"]).all()
        assert (np.sign(syn["value"]) == np.sign(src["value"])).all()
        assert (syn.loc[~nonzero, "value"] == 0).all()
        ratio = syn.loc[nonzero, "value"] / src.loc[nonzero, "value"]
        # within the spread, give or take one printed unit of rounding (1 for whole numbers)
        slack = 1.0 / src.loc[nonzero, "value"].abs()
        assert ((ratio - 1).abs() <= DEFAULT_SPREAD + slack + 1e-9).all()
        share = (src["unit"] == "%") & src["value"].between(0, 100)
        assert (syn.loc[share, "value"] <= 100).all()
        # one factor per indicator: the years of a series move together
        for _, g in syn.assign(src=src["value"]).groupby("indicator_id"):
            big = g[g["src"].abs() >= 100]
            if len(big) > 1:
                r = big["value"] / big["src"]
                assert r.max() - r.min() < 0.02
        assert syn["quote"].str.startswith(QUOTE_MARK).all()
        assert syn["note"].str.startswith("SYNTHETIC: cloned from " + d.source).all()


def test_value_text_prints_the_new_value_with_the_sources_unit_and_qualifier(hundred, indicators):
    df, districts = hundred
    digits = re.compile(r"[0-9.]")
    for d in districts[:4]:
        syn = df[df["district"] == d.slug].reset_index(drop=True)
        src = indicators[indicators["district"] == d.source].reset_index(drop=True)
        for new, text, old_text in zip(syn["value"], syn["value_text"], src["value_text"]):
            assert any(float(n) == abs(new) for n in re.findall(r"\d+(?:\.\d+)?", text)), text
            assert digits.sub("", text) == digits.sub("", old_text)  # unit, 以上, 左右… kept
    syn = df[df["district"] == "syn001"].reset_index(drop=True)
    src = indicators[indicators["district"] == "beilun"].reset_index(drop=True)
    row = src.index[src["value_text"] == "100亿元"][0]
    assert syn.loc[row, "value_text"] == f"{syn.loc[row, 'value']:.0f}亿元"
    assert "printed there as '100亿元'" in syn.loc[row, "note"]


def test_same_seed_same_table_other_seed_other_values(indicators):
    a, _ = synthetic_table(6, seed=3, table=indicators)
    b, _ = synthetic_table(6, seed=3, table=indicators)
    c, _ = synthetic_table(6, seed=4, table=indicators)
    assert a.equals(b)
    assert not a["value"].equals(c["value"])


def test_written_files_read_back_and_validate(tmp_path, indicators):
    made = write_synthetic(tmp_path, 100, seed=1, table=indicators)
    assert made.data_version.startswith("SYNTHETIC-")
    back = pd.read_csv(made.table, encoding="utf-8-sig", dtype={c: str for c in TEXT_COLUMNS},
                       keep_default_na=False, na_values=[]).astype(
        {"year": int, "source_line": int, "value": float})
    assert len(back) == made.rows
    validate_synthetic(back, made.districts)
    reg = pd.read_csv(made.districts_file, encoding="utf-8-sig")
    assert list(reg.columns) == ["slug", "name", "city", "base_year", "end_year", "plan_title",
                                 "source"]
    assert len(reg) == 100 and reg["slug"].iloc[41] == "syn042" and reg["name"].iloc[41] == "合成区042"


def test_kit_root_has_a_table_newer_than_its_inputs(tmp_path):
    made = write_synthetic_root(tmp_path, 5, seed=2)
    clean = tmp_path / "data" / "clean"
    manifest = json.loads((clean / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["districts"] == 5
    assert manifest["data_version"] == made.data_version
    registry = sorted((tmp_path / "data" / "districts").glob("*.toml"))
    assert [p.stem for p in registry] == ["syn001", "syn002", "syn003", "syn004", "syn005"]
    entry = tomllib.loads(registry[4].read_text(encoding="utf-8"))
    assert entry["slug"] == "syn005" and entry["name"] == "合成区005" and entry["order"] == 5
    source = DISTRICTS[list(DISTRICTS)[4 % len(DISTRICTS)]]  # the 5th cycles over the real ones
    assert (entry["city"], entry["base_year"], entry["end_year"]) == \
        (source.city, source.base_year, source.end_year)
    assert "SYNTHETIC" in entry["plan_title"]
    inputs = [*(tmp_path / "data" / "raw").iterdir(), *(tmp_path / "data" / "catalogue").iterdir(),
              *registry]
    assert inputs and all(p.stat().st_mtime <= made.table.stat().st_mtime for p in inputs)


def test_bad_requests_are_refused_with_a_message(capsys, tmp_path, hundred):
    with pytest.raises(KitError, match="whole number ≥ 1, got 0"):
        synthetic_districts(0)
    assert main(["0", str(tmp_path)]) == 2
    assert "error: number of synthetic districts must be a whole number ≥ 1, got 0" in \
        capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    df, districts = hundred
    broken = df.copy()
    broken.loc[3, "unit"] = "斤"
    with pytest.raises(KitError, match="synthetic table fails the indicator schema") as err:
        validate_synthetic(broken, districts)
    assert "unit" in str(err.value) and "斤" in str(err.value)


def test_registry_file_carries_the_sources_milestones_and_pledges(monkeypatch):
    """For a registry whose districts have milestone years and pledge sets (read from
    data/districts/ files), the synthetic district's file copies them: same indicator ids."""
    import dataclasses

    import helpers.bench_synthetic as bs

    @dataclasses.dataclass(frozen=True)
    class WithPledges:
        slug: str = "beilun"
        name: str = "北仑区"
        city: str = "宁波市"
        base_year: int = 2020
        end_year: int = 2025
        milestone_years: tuple = (2023,)
        pledges: dict = dataclasses.field(default_factory=lambda: {
            "four_doublings": {"label": "四倍增", "kind": "doubling",
                               "indicator_ids": ("tax_per_mu", "rd_investment")}})

    monkeypatch.setattr(bs, "DISTRICTS", {**DISTRICTS, "beilun": WithPledges()})
    d = synthetic_districts(1)[0]
    entry = tomllib.loads(bs.registry_toml(d, 1))
    assert entry["milestone_years"] == [2023]
    assert entry["pledges"]["four_doublings"] == {"label": "四倍增", "kind": "doubling",
                                                  "indicator_ids": ["tax_per_mu", "rd_investment"]}
