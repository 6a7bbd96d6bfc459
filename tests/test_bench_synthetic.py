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
from helpers.bench_synthetic import (DEFAULT_SPREAD, QUOTE_MARK, document_districts, main,
                                     shared_ids, synthetic_districts, synthetic_table,
                                     validate_synthetic, write_synthetic, write_synthetic_root)
from helpers.districts import DISTRICTS
from helpers.schema import COLUMNS, TEXT_COLUMNS

KEPT = ["indicator", "category", "lead_agency", "year", "unit", "role", "measure",
        "direction", "source_file", "section", "source_line"]


@pytest.fixture(scope="module")
def hundred(indicators):
    return synthetic_table(100, seed=7, table=indicators)


def test_sources_are_the_districts_built_from_documents():
    # the four whole plans in data/raw/; the entered ones (浙江省, 德清县, …) are not cloned
    real = document_districts()
    assert real == [s for s, d in DISTRICTS.items() if d.documents]
    assert real[:4] == ["beilun", "yinzhou", "zhenhai", "ouhai"]
    entered = [s for s, d in DISTRICTS.items() if d.entries and not d.documents]
    assert "zhejiang" in entered and not set(entered) & set(real)


def test_n_100_gives_100_named_districts_cycling_over_the_real_ones(hundred, indicators):
    df, districts = hundred
    assert [d.slug for d in districts][:3] == ["syn001", "syn002", "syn003"]
    assert districts[-1].slug == "syn100" and districts[-1].name == "合成区100"
    assert df["district"].nunique() == 100 and set(df["district"]) == {d.slug for d in districts}
    real = document_districts()
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
        # an indicator two real plans print stays shared; one only the source prints is the
        # clone's own copy (so a clone shares what its source shares, not more)
        shared = shared_ids(indicators, document_districts())
        assert syn["indicator_id"].tolist() == [i if i in shared else f"{i}_{d.slug}"
                                                for i in src["indicator_id"]]
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
    # syn005 clones documented district 5 mod M (with the four: 北仑区 again)
    real = document_districts()
    src = DISTRICTS[real[4 % len(real)]]
    assert made.districts[4].source == src.slug and src.documents
    assert (entry["city"], entry["base_year"], entry["end_year"]) == \
        (src.city, src.base_year, src.end_year)
    # syn001 clones the first, 北仑区: 宁波市, plan 2021—2025 (base 2020)
    first = tomllib.loads(registry[0].read_text(encoding="utf-8"))
    assert made.districts[0].source == "beilun"
    assert (first["city"], first["base_year"], first["end_year"]) == ("宁波市", 2020, 2025)
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
        documents: tuple = DISTRICTS["beilun"].documents
        pledges: dict = dataclasses.field(default_factory=lambda: {
            "four_doublings": {"label": "四倍增", "kind": "doubling",
                               "indicator_ids": ("tax_per_mu", "rd_investment")}})

    monkeypatch.setattr(bs, "DISTRICTS", {**DISTRICTS, "beilun": WithPledges()})
    d = synthetic_districts(1)[0]
    entry = tomllib.loads(bs.registry_toml(d, 1))
    assert entry["milestone_years"] == [2023]
    assert entry["pledges"]["four_doublings"] == {"label": "四倍增", "kind": "doubling",
                                                  "indicator_ids": ["tax_per_mu", "rd_investment"]}


def test_clones_share_what_their_sources_share(indicators):
    # 亩均税收 is printed by all four real plans: shared by every clone; Beilun's
    # 高新技术产业投资（累计） by Beilun alone: each Beilun clone has its own copy
    shared = shared_ids(indicators, document_districts())
    assert "tax_per_mu" in shared
    alone = "high_tech_manufacturing_investment_cumulative"
    assert set(indicators.loc[indicators["indicator_id"] == alone, "district"]) == {"beilun"}
    assert alone not in shared
    df, _ = synthetic_table(8, table=indicators)
    assert {"syn001", "syn005"} <= set(df.loc[df["indicator_id"] == "tax_per_mu", "district"])
    assert set(df.loc[df["indicator_id"].str.startswith(alone), "indicator_id"]) == \
        {f"{alone}_syn001", f"{alone}_syn005"}


def test_kit_root_catalogues_the_clones_own_indicators(tmp_path):
    import helpers.bench_synthetic as bs
    write_synthetic_root(tmp_path, 5, seed=2)
    cat = pd.read_csv(tmp_path / "data" / "catalogue" / "indicators.csv", encoding="utf-8-sig",
                      keep_default_na=False).set_index("indicator_id")
    table = pd.read_csv(tmp_path / "data" / "clean" / "indicators.csv", encoding="utf-8-sig")
    assert set(table["indicator_id"]) <= set(cat.index)
    own = cat.loc["high_tech_manufacturing_investment_cumulative_syn001"]
    real = cat.loc["high_tech_manufacturing_investment_cumulative"]
    assert (own["name_zh"], own["unit"], own["measure"]) == \
        (real["name_zh"], real["unit"], real["measure"])
    assert own["notes"].startswith("SYNTHETIC")
    # Beilun's pledge sets name the clone's own copies of the indicators only Beilun prints
    entry = tomllib.loads((tmp_path / "data" / "districts" / "syn001.toml").read_text("utf-8"))
    ids = [i for p in entry["pledges"].values() for i in p["indicator_ids"]]
    assert "high_tech_manufacturing_investment_cumulative_syn001" in ids and "tax_per_mu" in ids
    assert set(ids) <= set(cat.index)
    assert bs.own_id("x", "syn001") == "x_syn001"
