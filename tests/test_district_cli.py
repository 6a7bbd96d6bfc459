"""`python -m helpers.district add|check|list|register` end to end, on a copy of data/.

The plan below is written for this test (a prose-only plan, the common shape of county plans);
its numbers are checked against the rows the build makes of it.
"""
from __future__ import annotations

import csv
import hashlib

import pytest

from helpers.districts import District, resolve_district
from helpers.errors import UnknownDistrictError
from helpers.paths import ROOT
from helpers.parsing.entries import (ENTRIES_COLUMNS, ENTRIES_NOTE, ENTRIES_SECTION,
                                     source_of_entry)

from test_build_safety import kit, rows_of, run, write_rows  # noqa: F401  (fixture)

PLAN = """示范县新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案（2021—2025年）

一、主要目标
到2025年，全县规上工业亩均税收达到30万元，亩均增加值达到150万元，累计整治提升低效企业500家以上。
"""


def repo_data_digest() -> str:
    h = hashlib.sha256()
    for p in sorted((ROOT / "data").rglob("*")):
        if p.is_file() and "clean" not in p.parts:
            h.update(p.relative_to(ROOT).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def clean_rows(kit, district):
    return [r for r in rows_of(kit / "data" / "clean" / "indicators.csv") if r["district"] == district]


def test_add_check_list_and_build_a_prose_only_plan(kit, tmp_path):
    before = repo_data_digest()
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--document", str(plan))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "years: base 2020, end 2025 — from '2021—2025年' (line 1)" in out
    assert "data/raw/shifan_plan.txt (copied unchanged" in out
    assert "drafted 3 rows into data/raw/shifan_extraction.csv" in out
    assert "set review = reviewed" in out
    assert "2025 target   tax_per_mu" in out and "30万元" in out
    assert (kit / "data" / "raw" / "shifan_plan.txt").read_bytes() == plan.read_bytes()
    toml = (kit / "data" / "districts" / "shifan.toml").read_text(encoding="utf-8")
    assert hashlib.sha256(plan.read_bytes()).hexdigest() in toml
    assert "base_year = 2020" in toml and "end_year = 2025" in toml

    res = run(kit, "helpers.district", "check", "shifan")
    assert res.returncode == 0 and "check shifan: no problems (3 rows)" in res.stdout
    assert "shifan_extraction.csv: 3 rows still review = drafted" in res.stdout
    res = run(kit, "helpers.district", "list")
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("shifan"))
    assert "示范县" in line and "2020–2025" in line and " 3 " in line

    res = run(kit, "helpers.build")
    assert res.returncode == 0, res.stderr
    got = {(r["indicator_id"], r["year"], r["role"]): (float(r["value"]), r["unit"], r["value_text"])
           for r in clean_rows(kit, "shifan")}
    assert got[("tax_per_mu", "2025", "target")] == (30.0, "万元/亩", "30万元")
    assert got[("inefficient_firms_rectified_cumulative", "2025", "target")] == (500.0, "家", "500家")
    assert any(v == (150.0, "万元/亩", "150万元") for v in got.values())
    assert all("drafted: not yet reviewed" in r["note"] for r in clean_rows(kit, "shifan"))
    assert repo_data_digest() == before, "the repo's data/ must not change"


def test_add_with_given_years_says_so(kit, tmp_path):
    plan = tmp_path / "shifan_plan.txt"
    plan.write_text(PLAN.replace("（2021—2025年）", ""), encoding="utf-8")
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--document", str(plan))
    assert res.returncode == 1
    assert ("the text prints no plan period like 2021—2025年; give --base-year and --end-year "
            "(the kit does not guess a plan's years)") in res.stderr
    assert not (kit / "data" / "districts" / "shifan.toml").exists()
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--document", str(plan),
              "--base-year", "2020", "--end-year", "2025")
    assert res.returncode == 0, res.stderr
    assert "years: base 2020, end 2025 — as given (--base-year, --end-year)" in res.stdout


def test_add_refuses_a_known_slug_or_name_and_non_utf8(kit, tmp_path):
    plan = tmp_path / "p.txt"
    plan.write_text(PLAN, encoding="utf-8")
    res = run(kit, "helpers.district", "add", "beilun", "--name", "示范县", "--document", str(plan))
    assert res.returncode == 1 and "district 'beilun' is already registered" in res.stderr
    res = run(kit, "helpers.district", "add", "bl2", "--name", "北仑", "--document", str(plan))
    assert res.returncode == 1 and "--name '北仑' is already district beilun (北仑区)" in res.stderr
    plan.write_bytes(PLAN.encode("gb18030"))
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--document", str(plan))
    assert res.returncode == 1 and "not UTF-8 text; save it as UTF-8" in res.stderr
    assert not list((kit / "data" / "raw").glob("shifan*"))


def test_check_lists_every_problem_with_what_to_do(kit):
    path = kit / "data" / "raw" / "zhenhai_extraction.csv"
    rows = rows_of(path)
    rows[0]["indicator_id"] = "industrial_value_add_rate"  # line 2: misspelt id
    rows[3]["unit"] = "亿元"                                 # line 5: 亩均税收 is 万元/亩
    rows[4]["quote"] = rows[4]["quote"] + "以上"             # line 6: not in the document
    rows[5]["value_text"] = "一百一十七"                      # line 7: not a number
    rows[6]["year"] = "2030"                                 # line 8: after the plan's end
    write_rows(path, rows)
    res = run(kit, "helpers.district", "check", "zhenhai")
    assert res.returncode == 1
    out = res.stdout
    name = "zhenhai_extraction.csv"
    assert "check zhenhai: 6 problems" in out, out
    assert (f"{name}, line 2: indicator_id 'industrial_value_add_rate' is not in "
            "data/catalogue/indicators.csv; nearest: industrial_value_added_rate") in out
    assert f"{name}, line 5: tax_per_mu: unit '亿元' does not match the catalogue unit '万元/亩'; allowed unit: '万元/亩'" in out
    assert f"{name}, line 6: quote not found verbatim in zhenhai_plan_2021-2025.txt" in out
    assert f"{name}, line 7: value_text '一百一十七' is not in the quote" in out
    assert f"{name}, line 7: cannot read a number from '一百一十七'" in out
    assert f"{name}, line 8: year 2030 is outside the plan period 2020–2025 of zhenhai" in out
    # the other districts are fine, so checking one of them passes
    assert run(kit, "helpers.district", "check", "ouhai").returncode == 0


ENTRY = dict(indicator="规上工业亩均税收", indicator_id="tax_per_mu", category="", year="2023",
             role="target", value="35", unit="万元/亩", value_text="35万元",
             source_title="示范县制造业“腾笼换鸟、凤凰涅槃”攻坚行动实施方案（2021—2023年）",
             source_doc_no="示政发〔2021〕9号", source_date="2021-09-30",
             source_url="https://example.gov.cn/art/2021/9/30/1.html",
             source_place="一、实施目标 第1段", mirror="official", note="")


def test_add_entries_builds_rows_marked_as_entered(kit, tmp_path):
    entries = tmp_path / "shifan.csv"
    write_rows(entries, [
        ENTRY,
        dict(ENTRY, indicator="亩均增加值", indicator_id="value_added_per_mu", value="160",
             value_text="160万元", source_place="一、实施目标 第1段", mirror="mirror"),
        dict(ENTRY, indicator="规上工业亩均税收", year="2020", role="baseline", value="28.5",
             value_text="28.5万元"),
    ], ENTRIES_COLUMNS)
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--entries", str(entries))
    assert res.returncode == 0, res.stderr
    assert "entries: data/raw/shifan_entries.csv (3 values" in res.stdout
    assert "years: base 2020, end 2023 — from '2021—2023年'" in res.stdout
    assert run(kit, "helpers.build").returncode == 0
    got = clean_rows(kit, "shifan")
    assert [(r["indicator_id"], r["year"], r["role"], float(r["value"])) for r in got] == [
        ("tax_per_mu", "2023", "target", 35.0), ("value_added_per_mu", "2023", "target", 160.0),
        ("tax_per_mu", "2020", "baseline", 28.5)]
    first = got[0]
    assert first["section"] == ENTRIES_SECTION == "网页录入"
    assert first["source_file"] == "shifan_entries.csv" and first["source_line"] == "2"
    assert first["quote"] == first["value_text"] == "35万元"
    assert first["note"].startswith(ENTRIES_NOTE + "；来源：示范县制造业")
    assert "（示政发〔2021〕9号，2021-09-30），一、实施目标 第1段；https://example.gov.cn/" in first["note"]
    assert got[1]["note"].endswith("；转载")
    src = source_of_entry(first["source_file"], int(first["source_line"]), kit / "data" / "raw")
    assert src == {k: ENTRY[k] for k in ("source_title", "source_doc_no", "source_date",
                                         "source_url", "source_place", "mirror")}


def test_bad_entries_are_all_reported_and_nothing_is_added(kit, tmp_path):
    entries = tmp_path / "shifan.csv"
    write_rows(entries, [
        dict(ENTRY, year="2099"),                                            # line 2
        dict(ENTRY, unit="万元", indicator_id="value_added_per_mu"),          # line 3
        dict(ENTRY, indicator_id="tax_per_mu_x", year="2022"),               # line 4
        dict(ENTRY, source_date="2021/09/30", year="2021"),                  # line 5
        dict(ENTRY),                                                         # line 6
        dict(ENTRY, value="36"),                                             # line 7
    ], ENTRIES_COLUMNS)
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--entries", str(entries))
    assert res.returncode == 1
    err = res.stderr
    n = "shifan_entries.csv"
    assert f"{n}, line 2: year 2099 is outside the plan period 2020–2023 of shifan" in err
    assert f"{n}, line 3: value_added_per_mu: unit '万元' does not match the catalogue unit '万元/亩'" in err
    assert f"{n}, line 4: indicator_id 'tax_per_mu_x' is not in data/catalogue/indicators.csv; nearest: tax_per_mu" in err
    assert f"{n}, line 5: source_date '2021/09/30' is not a date YYYY-MM-DD (or leave it empty" in err
    assert f"{n}, line 7: value 36.0 does not match value_text '35万元'" in err
    assert "nothing was added" in err
    assert not (kit / "data" / "districts" / "shifan.toml").exists()
    assert not (kit / "data" / "raw" / n).exists()


def test_entries_duplicates_are_refused(kit, tmp_path):
    entries = tmp_path / "shifan.csv"
    write_rows(entries, [ENTRY, dict(ENTRY, value="36", value_text="36万元")], ENTRIES_COLUMNS)
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--entries", str(entries))
    assert res.returncode == 1
    assert "shifan_entries.csv, line 3: tax_per_mu 2023 target entered twice (also line 2, value 35)" in res.stderr


def test_entries_bring_their_catalogue_additions(kit, tmp_path):
    entries = tmp_path / "shifan.csv"
    write_rows(entries, [dict(ENTRY, indicator="数字化改造项目", indicator_id="shifan_digital_projects",
                              unit="个", value="120", value_text="120个")], ENTRIES_COLUMNS)
    with open(tmp_path / "catalogue_additions.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator_id", "name_zh", "name_en", "unit", "measure", "direction", "concept", "notes"])
        w.writerow(["shifan_digital_projects", "数字化改造项目", "Digital retrofit projects", "个",
                    "cumulative", "higher", "", "test"])
    res = run(kit, "helpers.district", "add", "shifan", "--name", "示范县", "--entries", str(entries))
    assert res.returncode == 0, res.stderr
    assert "new catalogue ids from catalogue_additions.csv: shifan_digital_projects" in res.stdout
    assert "shifan_digital_projects,数字化改造项目" in (kit / "data" / "catalogue" / "indicators.csv").read_text(encoding="utf-8-sig")


def reg(*names: tuple[str, str, str]) -> dict[str, District]:
    return {slug: District(slug, name, city, 2020, 2025, "") for slug, name, city in names}


@pytest.mark.parametrize("key, slug", [
    ("宁海", "ninghai"), ("宁海县", "ninghai"), ("宁波市宁海县", "ninghai"), ("ninghai", "ninghai"),
    ("嵊州", "shengzhou"), ("嵊州市", "shengzhou"), ("NINGHAI", "ninghai"), (" 北仑 ", "beilun"),
])
def test_resolve_district_accepts_names_with_or_without_suffix(key, slug):
    districts = reg(("ninghai", "宁海县", "宁波市"), ("shengzhou", "嵊州市", "绍兴市"),
                    ("beilun", "北仑区", "宁波市"))
    assert resolve_district(key, districts=districts).slug == slug


def test_resolve_district_on_the_registry():
    assert resolve_district("北仑").slug == "beilun"
    assert resolve_district("瓯海区").slug == "ouhai"
    assert resolve_district("宁波市鄞州区").slug == "yinzhou"
    with pytest.raises(UnknownDistrictError, match=r"unknown district '宁海'; valid: beilun \(北仑区\)"):
        resolve_district("宁海")


TABLE_PLAN = (
    "示范区制造业攻坚行动方案（2021—2025年）\n\n附件\n主要指标\n"
    "指标类别\t指标名称\t2020 年基数\t2023 年目标\t2025 年目标\t牵头单位\n"
    "效益\t规上工业亩均税收（万元/亩）\t30\t38\t45\t区经信局\n"
    "\t研发投入规模（亿元）\t10\t——\t20\t区科技局\n"
    "(完)\n"
)
TABLE_TOML = """slug = "shiqu"
name = "示范区"
base_year = 2020
end_year = 2025

[[documents]]
file = "shiqu_plan.txt"
sha256 = "{sha}"
rows = 5

[[documents.tables]]
section = "附件"
layout = "tab_rows"
start = ["主要指标"]
end = "(完)"
header_first = "指标类别"
category_column = 1
name_column = 2
"""


def test_a_new_districts_table_needs_configuration_not_code(kit):
    doc = kit / "data" / "raw" / "shiqu_plan.txt"
    doc.write_text(TABLE_PLAN, encoding="utf-8")
    sha = hashlib.sha256(doc.read_bytes()).hexdigest()
    (kit / "data" / "districts" / "shiqu.toml").write_text(TABLE_TOML.format(sha=sha), encoding="utf-8")
    res = run(kit, "helpers.district", "check", "shiqu")
    assert res.returncode == 0, res.stdout + res.stderr
    assert run(kit, "helpers.build").returncode == 0
    got = [(r["indicator_id"], r["year"], r["role"], float(r["value"]), r["unit"], r["category"],
            r["lead_agency"], r["source_line"]) for r in clean_rows(kit, "shiqu")]
    assert got == [
        ("tax_per_mu", "2020", "baseline", 30.0, "万元/亩", "效益", "区经信局", "6"),
        ("tax_per_mu", "2023", "target", 38.0, "万元/亩", "效益", "区经信局", "6"),
        ("tax_per_mu", "2025", "target", 45.0, "万元/亩", "效益", "区经信局", "6"),
        ("rd_investment", "2020", "baseline", 10.0, "亿元", "效益", "区科技局", "7"),
        ("rd_investment", "2025", "target", 20.0, "亿元", "效益", "区科技局", "7"),
    ]


def test_add_takes_out_drafted_rows_the_checks_refuse(kit, tmp_path, monkeypatch, capsys):
    """A drafted row that fails a check (here: a quote not in the text) is removed from the
    extraction and listed, never kept; the good rows are registered."""
    from helpers import district, drafting, paths

    for name in ("RAW_DIR", "DISTRICTS_DIR", "CATALOGUE_CSV"):
        monkeypatch.setattr(paths, name, kit / "data" / getattr(paths, name).relative_to(ROOT / "data"))
    good = dict(district="shifan", source_file="shifan_plan.txt", section="正文",
                indicator="全县规上工业亩均税收", indicator_id="tax_per_mu", category="",
                lead_agency="", year=2025, value=30.0, unit="万元/亩", role="target",
                value_text="30万元", quote="全县规上工业亩均税收达到30万元", note="", review="drafted")
    bad = dict(good, indicator="亩均增加值", indicator_id="value_added_per_mu", value=150.0,
               value_text="150万元", quote="亩均增加值达到150万元以上")
    monkeypatch.setattr(drafting, "draft_extraction",
                        lambda text, **kw: drafting.Draft(rows=[good, bad]))
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    assert district.main(["add", "shifan", "--name", "示范县", "--document", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "drafted 1 rows into data/raw/shifan_extraction.csv" in out
    assert ("'亩均增加值达到150万元以上': refused by check: quote not found verbatim in "
            "shifan_plan.txt") in out
    rows = rows_of(kit / "data" / "raw" / "shifan_extraction.csv")
    assert [r["indicator_id"] for r in rows] == ["tax_per_mu"]
    assert "rows = 1" in (kit / "data" / "districts" / "shifan.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, years", [
    ("乐清市…攻坚行动方案(2021-2023)", (2020, 2023)),
    ("德清县…实施方案(2021—2023年)", (2020, 2023)),
    ("（2023—2027年）", (2022, 2027)),
    ("发布于2021-12-03", None),
    ("建德市…实施方案", None),
])
def test_plan_period_from_the_text(text, years):
    from helpers.district import detect_years
    found = detect_years(text)
    assert (found[:2] if found else None) == years


def test_a_district_registered_in_process_is_resolved(monkeypatch):
    from helpers.districts import DISTRICTS
    monkeypatch.setitem(DISTRICTS, "ninghai", District("ninghai", "宁海县", "宁波市", 2020, 2025, ""))
    assert resolve_district("宁海").slug == "ninghai"
    assert list(DISTRICTS)[-1] == "ninghai"
