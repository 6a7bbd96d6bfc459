"""Real county plans entered from their web pages (entries/*.csv, issue 9 item 7).

Two kinds of test:

* the entries files themselves (always run): the agreed column order, every value equal
  to the number printed in its ``value_text``, every id and unit known to the catalogue or
  proposed in ``entries/catalogue_additions.csv``, years inside the plan, sources complete;
* the built table (run once a district is registered with
  ``python -m helpers.district add <slug> --name <中文名> --entries entries/<slug>.csv``, see
  entries/README.md): hand-read values from each page through ``helpers.load_indicators``,
  and no entered row dropped. A district that is not registered yet is skipped with a
  reason; once it is registered, a wrong or missing value fails.

The comment on each expected value gives the page it was read from and what it prints.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import one
from helpers import UnknownDistrictError, load_indicators
from helpers.catalogue import DIRECTIONS, MEASURES, load_catalogue
from helpers.districts import DISTRICTS
from helpers.values import UNITS

ENTRIES = Path(__file__).resolve().parents[1] / "entries"
ENTRY_COLUMNS = ["indicator", "indicator_id", "category", "year", "role", "value", "unit",
                 "value_text", "source_title", "source_doc_no", "source_date", "source_url",
                 "source_place", "mirror", "note"]
DISTRICT_COLUMNS = ["slug", "name", "city", "plan_title", "doc_no", "date", "base_year",
                    "end_year", "url"]
CATALOGUE_COLUMNS = ["indicator_id", "name_zh", "name_en", "unit", "measure", "direction",
                     "concept", "notes"]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _districts() -> dict[str, dict[str, str]]:
    return {r["slug"]: r for r in _read(ENTRIES / "districts.csv")[1]}


def _additions() -> dict[str, dict[str, str]]:
    return {r["indicator_id"]: r for r in _read(ENTRIES / "catalogue_additions.csv")[1]}


SLUGS = sorted(_districts())


# --------------------------------------------------------------------------- entries files

def test_every_district_has_an_entries_file_and_nothing_else_is_left_over():
    files = {p.stem for p in ENTRIES.glob("*.csv")} - {"districts", "catalogue_additions"}
    assert files == set(SLUGS)
    assert _read(ENTRIES / "districts.csv")[0] == DISTRICT_COLUMNS
    # 象山县 and 慈溪市 are kept aside for acceptance tests (issue 9)
    assert not {"xiangshan", "cixi"} & set(SLUGS)
    assert not {"象山县", "慈溪市"} & {d["name"] for d in _districts().values()}


@pytest.mark.parametrize("slug", SLUGS)
def test_entries_rows_are_complete_and_consistent(slug):
    header, rows = _read(ENTRIES / f"{slug}.csv")
    assert header == ENTRY_COLUMNS
    assert rows, f"{slug}: no rows"
    plan = _districts()[slug]
    catalogue, additions = load_catalogue(), _additions()
    for line, r in enumerate(rows, start=2):
        where = f"{slug}.csv line {line} ({r['indicator']})"
        entry = catalogue.get(r["indicator_id"]) or additions.get(r["indicator_id"])
        assert entry, f"{where}: unknown indicator_id {r['indicator_id']}"
        assert r["unit"] == entry["unit"], f"{where}: unit {r['unit']} is not the catalogue's"
        m = re.match(r"^\d+(?:\.\d+)?", r["value_text"])
        assert m and float(m.group()) == float(r["value"]), f"{where}: value vs value_text"
        assert r["role"] in ("target", "baseline"), where
        assert 2021 <= int(r["year"]) <= int(plan["end_year"]), f"{where}: year outside plan"
        assert r["mirror"] in ("official", "mirror"), where
        assert r["source_title"] == plan["plan_title"] and r["source_url"] == plan["url"], where
        assert r["source_date"] == plan["date"], where
        assert re.fullmatch(r"(\d{4}-\d{2}-\d{2})?", r["source_date"]), where
        assert r["source_place"].startswith("二、实施目标"), where
    keys = [(r["indicator_id"], r["year"], r["role"]) for r in rows]
    assert len(keys) == len(set(keys)), f"{slug}: an indicator entered twice for one year"


def test_catalogue_additions_are_valid_and_do_not_clash():
    header, rows = _read(ENTRIES / "catalogue_additions.csv")
    assert header == CATALOGUE_COLUMNS
    catalogue = load_catalogue()
    concepts = {e["concept"] for e in catalogue.values()}
    for r in rows:
        iid = r["indicator_id"]
        if iid in catalogue:  # after integration the row may have been merged: same row only
            assert {k: catalogue[iid][k] for k in CATALOGUE_COLUMNS} == r, iid
        assert r["measure"] in MEASURES and r["direction"] in DIRECTIONS, iid
        assert r["concept"] in concepts, f"{iid}: concept {r['concept']} links to no existing id"
        # a unit the kit does not know yet must say so (平方公里, 吨标准煤 — see entries/README.md)
        assert r["unit"] in UNITS or f"needs unit {r['unit']} in helpers.values" in r["notes"], iid


# --------------------------------------------------------------------------- built table

def _rows(slug: str):
    try:
        df = load_indicators(slug)
    except UnknownDistrictError:
        pytest.skip(f"{slug} is not registered yet (see entries/README.md for the add command)")
    if df.empty and slug not in DISTRICTS:
        pytest.skip(f"load_indicators({slug!r}) has no rows: district not registered yet")
    assert not df.empty, f"{slug} is registered but has no rows: its entries were dropped"
    return df


def _value(df, indicator_id, year, unit):
    rows = df[(df.indicator_id == indicator_id) & (df.year == year)]
    assert set(rows.unit) == {unit}, f"{indicator_id} {year}: units {set(rows.unit)}"
    assert set(rows.role) == {"target"}
    return one(rows, indicator_id=indicator_id, year=year)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_entered_row_is_dropped(slug):
    df = _rows(slug)
    assert len(df) == len(_read(ENTRIES / f"{slug}.csv")[1])


# Each group's comment names the page the values were read from; each line what it prints.
EXPECTED = {
    "zhejiang": [  # http://zsjj.org/policyInfo.aspx?id=1674 二、实施目标 (通过3年攻坚 → 2023)
        ("tax_per_mu", 2023, 37, "万元/亩"),                  # 亩均税收 37万元
        ("value_added_per_mu", 2023, 180, "万元/亩"),         # 亩均增加值 180万元
        ("labour_productivity_manufacturing", 2023, 33, "万元/人"),  # 规上制造业 33万元/人
        ("energy_intensity_reduction", 2023, 10.4, "%"),      # 能耗下降 10.4%以上
        ("rd_share_of_revenue", 2023, 2.3, "%"),              # R&D经费…营业收入 突破2.3%
        ("low_efficiency_land_freed_cumulative_km2", 2023, 100, "平方公里"),  # 100平方公里
        ("manufacturing_projects_over_10yi_attracted_cumulative", 2023, 300, "项"),  # 300个以上
        ("pinzibiao_new_cumulative", 2023, 1000, "家"),       # 品字标 1000家
    ],
    "deqing": [  # https://www.cchccc.com/newpolicy/detail/4/14978.html 二、实施目标
        ("tax_per_mu", 2023, 39.8, "万元/亩"),                # 亩均税收 39.8万元
        ("value_added_per_mu", 2023, 185, "万元/亩"),         # 亩均增加值 185万元
        ("labour_productivity_manufacturing", 2023, 33, "万元/人"),  # 33万元/人
        ("low_efficiency_land_freed_cumulative_km2", 2023, 3.3, "平方公里"),  # 3.3平方公里
        ("rd_share_of_revenue", 2023, 2.4, "%"),              # 突破2.4%
        ("manufacturing_investment_cumulative", 2023, 300, "亿元"),  # 制造业投资 300亿元
        ("listed_companies_stock", 2023, 16, "家"),           # 上市公司 16家
        ("tech_smes_new_cumulative", 2023, 500, "家"),        # 新增科技型中小企业 500家
    ],
    "yueqing": [  # http://www.yueqing.gov.cn/art/2022/1/30/art_1229145289_1997126.html 二、实施目标
        ("tax_per_mu", 2023, 58, "万元/亩"),                  # 亩均税收 58万元
        ("value_added_per_mu", 2023, 280, "万元/亩"),         # 亩均增加值 280万元
        ("manufacturing_investment_growth", 2023, 12, "%"),   # 制造业(含技改)投资 12%以上
        ("industrial_investment_share_of_fai", 2023, 20, "%"),  # 工业投资占固投 20%
        ("labour_productivity", 2023, 25, "万元/人"),         # 规上工业 25万元/人
        ("low_efficiency_land_freed_cumulative", 2023, 800, "亩"),  # 腾出工业用地 800亩
        ("energy_freed_cumulative", 2023, 1.5, "万吨标准煤"),  # 腾出用能 1.5万吨标准煤
    ],
    "jiande": [  # http://www.jiande.gov.cn/art/2022/6/8/art_1229641569_59115914.html 二、实施目标
        ("industrial_output_above_scale", 2023, 800, "亿元"),  # 规上工业总产值 800亿元
        ("value_added_per_mu", 2023, 125, "万元/亩"),         # 亩均增加值 125万元
        ("tax_per_mu", 2023, 22, "万元/亩"),                  # 亩均税收 22万元
        ("labour_productivity_manufacturing", 2023, 36, "万元/人"),  # 规上制造业 36万元/人
        ("low_efficiency_land_disposed_cumulative", 2023, 5000, "亩"),  # 处置低效工业用地 5000亩以上
        ("rd_expenditure_industrial_share_of_gdp", 2023, 2.2, "%"),  # R&D…占GDP 2.2%以上
        ("tech_smes_new_cumulative", 2023, 200, "家"),        # 科技型中小企业 200家
    ],
    "lucheng": [  # http://www.lucheng.gov.cn/art/2022/1/12/art_1229442307_1996808.html 二、实施目标 (2021年)
        ("tax_per_mu", 2021, 47, "万元/亩"),                  # 2021年 亩均税收 47万元
        ("value_added_per_mu", 2021, 190, "万元/亩"),         # 亩均增加值 190万元
        ("manufacturing_investment_growth_rate", 2021, 12, "%"),  # 制造业投资增长 12%以上
        ("labour_productivity_growth", 2021, 10, "%"),        # 绝对值增速 10%以上
        ("inefficient_firms_rectified_cumulative", 2021, 130, "家"),  # 整治提升高耗低效企业 130家以上
    ],
    "shengzhou": [  # http://www.szzj.gov.cn/art/2022/5/18/art_1229351765_1867954.html 二、实施目标
        ("tax_per_mu", 2023, 28, "万元/亩"),                  # 亩均税收 28万元
        ("value_added_per_mu", 2023, 115, "万元/亩"),         # 亩均增加值 115万元
        ("labour_productivity_manufacturing", 2023, 33, "万元/人"),  # 规上制造业 33万元/人
        ("energy_intensity_reduction", 2023, 8, "%"),         # 能耗下降 8%以上
    ],
    "linping": [  # http://www.linping.gov.cn/art/2022/7/4/art_1229522370_1821952.html 二、实施目标
        ("industrial_land_organic_renewal_cumulative", 2023, 3500, "亩"),  # 有机更新 3500亩
        ("energy_freed_cumulative_tce", 2023, 20000, "吨标准煤"),  # 腾出用能 20000吨标准煤
        ("tax_per_mu", 2023, 41, "万元/亩"),                  # 亩均税收 41万元/亩
        ("labour_productivity", 2023, 33, "万元/人"),         # 规上工业 33万元/人
    ],
}
# 嵊州 and 临平 print only four targets on their reachable pages; the floor of five
# values applies to 德清, 乐清, 建德, 鹿城 and the province.


def test_expected_values_cover_every_district():
    assert set(EXPECTED) == set(SLUGS)
    for slug in ("zhejiang", "deqing", "yueqing", "jiande", "lucheng"):
        assert len(EXPECTED[slug]) >= 5, slug


@pytest.mark.parametrize("slug,indicator_id,year,value,unit", [
    (slug, *row) for slug, rows in EXPECTED.items() for row in rows
], ids=lambda v: str(v))
def test_hand_read_values_through_load_indicators(slug, indicator_id, year, value, unit):
    assert _value(_rows(slug), indicator_id, year, unit) == value


@pytest.mark.parametrize("slug,indicator_id,year,value,unit", [
    (slug, *row) for slug, rows in EXPECTED.items() for row in rows
], ids=lambda v: str(v))
def test_hand_read_values_match_the_entries_file(slug, indicator_id, year, value, unit):
    rows = [r for r in _read(ENTRIES / f"{slug}.csv")[1]
            if r["indicator_id"] == indicator_id and int(r["year"]) == year]
    assert len(rows) == 1 and float(rows[0]["value"]) == value and rows[0]["unit"] == unit
