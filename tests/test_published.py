"""data/actuals/published.csv: results as districts publish them, every row traceable to its page.

The file is data entered by hand from public web pages (see data/actuals/COVERAGE.md for what was
searched). These tests check that every row carries what a reader needs to find the figure again
(printed name, URL, place on the page, date, scope, form), that it uses the kit's vocabulary, and
spot-check values against the pages they were copied from.
"""
from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from helpers import paths
from helpers.districts import DISTRICTS
from helpers.values import UNITS

PUBLISHED = paths.ROOT / "data" / "actuals" / "published.csv"
CATALOGUE = paths.ROOT / "data" / "catalogue" / "indicators.csv"

#: Column order agreed in BRIEF ("Published results").
COLUMNS = ["district", "indicator_id", "indicator", "year", "value", "unit", "form", "scope",
           "source_title", "publisher", "source_url_or_doc", "source_date", "source_place",
           "mirror", "note"]
FORMS = {"level", "growth_rate", "added_in_year", "share"}
MIRRORS = {"official", "mirror"}
FIRST_YEAR = 2021  # the plans start in 2021; earlier figures are baselines, not results
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A row without a date must say why (the page prints none, or only a month).
NO_DATE_REASON = re.compile(r"prints no date|prints only")
#: Sentences copied from a page would show as long runs of Chinese characters.
LONG_CJK_RUN = re.compile(r"[\u4e00-\u9fff，、；：“”（）]{41,}")


def read_rows() -> list[dict[str, str]]:
    with open(PUBLISHED, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


ROWS = read_rows()


def row_id(r: dict[str, str]) -> str:
    return f"{r['district']}:{r['indicator']}:{r['year']}:{r['value']}"


def catalogue() -> dict[str, dict[str, str]]:
    with open(CATALOGUE, encoding="utf-8-sig", newline="") as f:
        return {r["indicator_id"]: r for r in csv.DictReader(f)}


def find(district: str, indicator: str, year: int, **extra) -> dict[str, str]:
    """The single published row for a printed name and year (fails if none or several)."""
    hits = [r for r in ROWS if r["district"] == district and r["indicator"] == indicator
            and r["year"] == str(year) and all(r[k] == v for k, v in extra.items())]
    assert len(hits) == 1, f"{district} {indicator} {year} {extra}: {len(hits)} rows"
    return hits[0]


def test_file_is_utf8_with_bom_and_has_the_agreed_columns():
    raw = PUBLISHED.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "published.csv must start with a UTF-8 BOM (Excel)"
    with open(PUBLISHED, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header == COLUMNS
    assert len(ROWS) >= 10


@pytest.mark.parametrize("r", ROWS, ids=row_id)
def test_every_row_says_what_was_printed_and_where(r):
    assert r["district"] in DISTRICTS, f"district {r['district']!r} is not one the kit holds"
    for col in ("indicator", "source_title", "publisher", "source_place", "scope"):
        assert r[col].strip(), f"{col} is empty"
    assert r["source_url_or_doc"].startswith(("http://", "https://")), r["source_url_or_doc"]
    assert r["form"] in FORMS, f"form {r['form']!r} not in {sorted(FORMS)}"
    assert r["mirror"] in MIRRORS, f"mirror {r['mirror']!r} not in {sorted(MIRRORS)}"
    assert r["unit"] in UNITS, f"unit {r['unit']!r} is not one of the kit's units"
    float(r["value"])  # a plain number, as printed (no words, no unit)
    year = int(r["year"])
    assert FIRST_YEAR <= year <= dt.date.today().year, f"year {year} outside the plan period"


@pytest.mark.parametrize("r", ROWS, ids=row_id)
def test_every_row_has_a_page_date_or_says_why_not(r):
    if r["source_date"]:
        assert DATE.match(r["source_date"]), r["source_date"]
        page_date = dt.date.fromisoformat(r["source_date"])
        # a result is published after (or in) the year it describes, never before
        assert page_date.year >= int(r["year"]), (r["source_date"], r["year"])
    else:
        assert NO_DATE_REASON.search(r["note"]), "no source_date and the note does not say why"


@pytest.mark.parametrize("r", ROWS, ids=row_id)
def test_a_catalogue_id_only_for_the_plans_own_measure(r):
    cat = catalogue()
    if not r["indicator_id"]:
        # a figure that is not the plan's measure must say why it has no id
        assert r["note"].strip(), "no indicator_id and no note saying why"
        return
    assert r["indicator_id"] in cat, f"unknown catalogue id {r['indicator_id']!r}"
    assert r["unit"] == cat[r["indicator_id"]]["unit"], "unit differs from the catalogue's"


def test_ids_are_indicators_the_districts_plan_tracks(indicators):
    tracked = set(zip(indicators["district"], indicators["indicator_id"]))
    for r in ROWS:
        if r["indicator_id"]:
            assert (r["district"], r["indicator_id"]) in tracked, row_id(r)


@pytest.mark.parametrize("r", ROWS, ids=row_id)
def test_growth_rates_and_shares_are_in_percent(r):
    if r["form"] in ("growth_rate", "share"):
        assert r["unit"] == "%"


@pytest.mark.parametrize("r", ROWS, ids=row_id)
def test_no_page_sentences_copied(r):
    for col in ("indicator", "scope", "source_place", "note"):
        assert not LONG_CJK_RUN.search(r[col]), f"{col} looks like a copied sentence: {r[col]}"


def test_no_row_entered_twice():
    keys = [(r["district"], r["indicator"], r["year"], r["form"], r["scope"],
             r["source_url_or_doc"]) for r in ROWS]
    assert len(keys) == len(set(keys))


def test_nothing_summed_into_the_combined_beilun_indicator():
    # The page prints 33 小巨人 and 11 单项冠军 separately; the plan's combined indicator
    # (little_giants_and_champions_national) must not receive their sum.
    assert not [r for r in ROWS if r["indicator_id"] == "little_giants_and_champions_national"]


# --- spot checks: values hand-copied from the pages -------------------------------------------

def test_beilun_2022_little_giants_addition_and_total():
    # http://bbs.hlzjcn.net/forum.php?goto=nextnewset&mod=redirect&tid=31043 (forum repost),
    # paragraph 3: 2022年 … 新增9家国家专精特新“小巨人”企业，累计国家级专精特新企业33家
    added = find("beilun", "国家专精特新“小巨人”企业", 2022)
    assert (float(added["value"]), added["form"], added["indicator_id"]) == \
        (9.0, "added_in_year", "little_giants_national")
    total = find("beilun", "国家级专精特新企业", 2022)
    assert (float(total["value"]), total["form"], total["indicator_id"]) == \
        (33.0, "level", "little_giants_national")
    assert added["mirror"] == total["mirror"] == "mirror"


def test_beilun_2022_single_champions():
    # same page, paragraph 3: 国家级单项冠军企业11家
    r = find("beilun", "国家级单项冠军企业", 2022)
    assert (float(r["value"]), r["unit"], r["form"]) == (11.0, "家", "level")
    assert r["indicator_id"] == "single_champions_national"


def test_beilun_2021_foreign_investment_is_all_sectors_not_the_plans_manufacturing_measure():
    # https://tjgb.hongheiku.com/xjtjgb/xj2020/24129.html (2021年北仑区统计公报, mirror),
    # 北仑区概况 paragraph 2: 实际利用外资13.03亿美元，比上年增长57.5%
    level = find("beilun", "实际利用外资", 2021, form="added_in_year")
    growth = find("beilun", "实际利用外资", 2021, form="growth_rate")
    assert (float(level["value"]), level["unit"]) == (13.03, "亿美元")
    assert (float(growth["value"]), growth["unit"]) == (57.5, "%")
    assert level["indicator_id"] == growth["indicator_id"] == ""


def test_yinzhou_2023_output_is_printed_for_the_whole_district_not_the_plans_scope():
    # http://www.nbyz.gov.cn/art/2024/7/31/art_1229244062_4501630.html (official),
    # 一、（一）: 全区规上工业总产值达到1870亿元 — the plan's target is 区本级
    r = find("yinzhou", "规上工业总产值", 2023)
    assert (float(r["value"]), r["unit"], r["form"]) == (1870.0, "亿元", "level")
    assert r["scope"] == "全区"
    assert r["indicator_id"] == "industrial_output_above_scale"
    assert r["mirror"] == "official"


def test_zhenhai_combined_digital_workshop_count_has_no_plan_id():
    # http://epaper.cnnb.com.cn/nbrb/pc/content/202411/15/content_185083.html (宁波日报),
    # paragraph 3: 截至目前，镇海区有108个数字化车间/智能工厂 — one count for two plan indicators
    r = find("zhenhai", "数字化车间/智能工厂", 2024)
    assert (float(r["value"]), r["unit"]) == (108.0, "个")
    assert r["indicator_id"] == ""
    assert r["source_date"] == "2024-11-15"


def test_beilun_2025_municipal_green_factories_are_a_yearly_addition():
    # http://mcfysy.com/art/2025/11/21/art_1229044479_59103334.html (repost), paragraph 1:
    # 北仑区共有25家企业获评市级绿色工厂 (2025年度名单)
    r = find("beilun", "市级绿色工厂", 2025)
    assert (float(r["value"]), r["form"], r["scope"]) == (25.0, "added_in_year", "市级")


def test_ouhai_pinzibiao_total_is_a_stock_not_the_plans_new_since_2021_count():
    # https://www.wenzhou.gov.cn/art/2022/9/15/art_1217834_59170334.html, paragraph 1:
    # 目前已拥有“品字标”企业47家 — the plan counts firms new since 2021, so no id
    r = find("ouhai", "“品字标”企业", 2022)
    assert (float(r["value"]), r["form"], r["indicator_id"]) == (47.0, "level", "")
    lock = find("ouhai", "锁具品字标企业", 2021)
    assert (float(lock["value"]), lock["form"], lock["scope"]) == (3.0, "added_in_year", "锁具行业")


def test_beilun_2022_tech_sme_filings_are_registrations_not_the_plans_stock():
    # http://bbs.hlzjcn.net/forum.php?goto=nextnewset&mod=redirect&tid=31043 (forum repost),
    # paragraph 4: 2022年已备案国家科技型中小企业520家、省(市)级科技型中小企252家 — filings of
    # one year, printed separately; the plan's tech_smes is the stock, so neither carries its id
    national = find("beilun", "国家科技型中小企业", 2022)
    provincial = find("beilun", "省(市)级科技型中小企", 2022)
    assert (float(national["value"]), float(provincial["value"])) == (520.0, 252.0)
    assert national["indicator_id"] == provincial["indicator_id"] == ""


def test_beilun_2022_digital_workshop_projects_and_future_factory_candidate():
    # same page, paragraph 5: 新增1家省级未来工厂培育企业，7个项目入选市级数字化车间
    candidate = find("beilun", "省级未来工厂培育企业", 2022)
    workshops = find("beilun", "市级数字化车间", 2022)
    assert (float(candidate["value"]), candidate["unit"], candidate["form"]) == \
        (1.0, "家", "added_in_year")
    assert (float(workshops["value"]), workshops["unit"], workshops["form"]) == \
        (7.0, "个", "added_in_year")
    assert candidate["indicator_id"] == workshops["indicator_id"] == ""


def test_yinzhou_listed_firms_excluding_the_high_tech_zone():
    # https://m.fx361.cc/news/2022/0205/16559700.html (宁波经济 2022年1期), paragraph 2:
    # 即使剔除高新区8家上市公司，鄞州区仍以16家A股上市公司 — all sectors, so no id
    r = find("yinzhou", "A股上市公司", 2021, scope="鄞州区（剔除高新区）")
    assert (float(r["value"]), r["unit"], r["form"], r["indicator_id"]) == (16.0, "家", "level", "")


# --- pages seen and deliberately left out (see COVERAGE.md) -----------------------------------

COVERAGE = paths.ROOT / "data" / "actuals" / "COVERAGE.md"

#: Pages that print only part of a year, or no year at all, for their figures. COVERAGE.md lists
#: each with what it prints; none may feed a row, since a partial-year or undated figure would be
#: judged against a year-end target.
LEFT_OUT_PAGES = {
    # first half of 2022 (上半年瓯海区经济运行分析, 区统计局)
    "http://www.ouhai.gov.cn/art/2022/8/10/art_1229697283_4126116.html": "half year",
    # first half of 2024 (镇海 政府工作报告重点任务半年度进展情况)
    "https://www.zh.gov.cn/art/2024/9/18/art_1229829404_59355352.html": "half year",
    # first half of 2021 (北仑区统计局 analysis)
    "http://www.user99.com/art/2021/8/6/art_1229226486_3759888.html": "half year",
    # first quarter of 2021 (鄞州)
    "https://m.gkzhan.com/news/detail/132361.html": "quarter",
    # January-May 2024 industrial revenue by district (blog)
    "https://gudianfeng.com/new/96eaaf9c28af4adaa0a51041b3a17490": "partial year",
    # 镇海 “经济发展”, 2025-03-24: 707.6 亿元, 111 数字化车间、智能工厂 … with no year printed
    "https://www.zh.gov.cn/art/2025/3/24/art_1229624676_59004129.html": "no year",
    # 镇海 undated “经济发展” column pages
    "http://www.zh.gov.cn/col/col1229032576/index.html": "no year",
    # 瓯海 省科技型中小企业 1-6月 of an unprinted year (repost, no date)
    "https://www.xpykjsws.com/haiwaiyimintouzi/1546131.html": "no year",
}


@pytest.mark.parametrize("url", sorted(LEFT_OUT_PAGES))
def test_partial_year_and_undated_pages_feed_no_row(url):
    coverage = COVERAGE.read_text(encoding="utf-8")
    assert url in coverage, f"{url} should be listed in COVERAGE.md with what it prints"
    used = [row_id(r) for r in ROWS if r["source_url_or_doc"] == url]
    assert not used, f"{LEFT_OUT_PAGES[url]} page feeds rows: {used}"


def test_every_source_of_a_row_is_listed_in_coverage():
    coverage = COVERAGE.read_text(encoding="utf-8")
    missing = sorted({r["source_url_or_doc"] for r in ROWS
                      if r["source_url_or_doc"] not in coverage})
    assert not missing, f"sources missing from COVERAGE.md: {missing}"
