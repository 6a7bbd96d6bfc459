"""load_actuals(): the hand-entered actuals file → rows with role "actual", or a clear error.

Values here are synthetic (tests/fixtures/actuals_synthetic.csv says so in every row); only the
targets they are checked against come from the documents.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers import paths
from helpers.actuals import (ACTUALS_COLUMNS, ActualsDistrictError, MissingSourceError,
                             UnitMismatchError, UnknownIndicatorError, load_actuals)
from helpers.errors import (ConflictError, SourceError, UnknownDistrictError, UnknownUnitError,
                            ValueParseError)
from helpers.schema import COLUMNS

FIXTURE = Path(__file__).parent / "fixtures" / "actuals_synthetic.csv"
TEMPLATE = paths.ROOT / "data" / "actuals" / "actuals_template.csv"
SYNTH = "SYNTHETIC TEST FIXTURE — not real data"


def row(**over) -> dict[str, str]:
    base = {"district": "beilun", "indicator_id": "tax_per_mu", "indicator": "", "year": "2023",
            "value": "45.0", "unit": "万元/亩", "source_title": SYNTH, "source_url_or_doc": "test",
            "scope_note": "全区", "entered_by": "pytest", "entered_on": "2025-01-01"}
    base.update(over)
    return base


def write(path: Path, rows: list[dict], columns=ACTUALS_COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def synthetic():
    return load_actuals(FIXTURE)


def test_fixture_loads_into_the_indicator_table_columns(synthetic):
    assert list(synthetic.columns) == COLUMNS + ["form", "scope"]
    assert len(synthetic) == 12
    # the fixture has no form/scope columns: every row is in the target's own form, scope unstated
    assert set(synthetic.form) == {"level"} and set(synthetic.scope) == {""}
    assert set(synthetic.role) == {"actual"} and set(synthetic.section) == {"实际值"}
    assert set(synthetic.source_file) == {"actuals_synthetic.csv"}
    assert all(SYNTH in q for q in synthetic.quote), "every synthetic row says so in its quote"
    helpers.schema.validate(synthetic[COLUMNS])
    # a combined table (documents + actuals) is still one valid table
    helpers.schema.validate(pd.concat([helpers.load_indicators("beilun"), synthetic[COLUMNS]],
                                      ignore_index=True))


def test_fixture_row_mapping(synthetic):
    tax = synthetic[synthetic.indicator_id == "tax_per_mu"].set_index("district")
    # line 2 of the fixture: beilun,tax_per_mu,,2023,45.0,万元/亩
    b = tax.loc["beilun"]
    assert (b.year, b.value, b.unit, b.source_line, b.value_text) == (2023, 45.0, "万元/亩", 2, "45.0")
    assert (b.measure, b.direction, b.district_name, b.indicator) == ("level", "higher", "北仑区", "规上工业亩均税收")
    assert b.quote == f"{SYNTH} tests/fixtures/actuals_synthetic.csv"
    assert b.note == "口径: 全区; 录入: synthetic 2025-01-01"
    # line 13: district by Chinese name's row of Yinzhou, indicator by printed name (aliases.csv)
    y = tax.loc["yinzhou"]
    assert (y.year, y.value, y.source_line, y.indicator) == (2023, 35.0, 13, "规上工业亩均税收（万元/亩）")


def test_printed_name_and_chinese_district_resolve(synthetic):
    # line 5: 北仑区,,累计新增数字化车间（家）,2023,30,家 — printed as in Beilun Annex 2
    r = synthetic[synthetic.source_line == 5].iloc[0]
    assert (r.district, r.indicator_id, r.value, r.measure) == ("beilun", "digital_workshops_new_cumulative", 30.0, "cumulative")


def test_wan_yuan_converted_to_yi_yuan(synthetic):
    # line 3: 研发投入规模 580000 万元 = 58 亿元 (catalogue unit 亿元); the original is kept
    r = synthetic[(synthetic.indicator_id == "rd_investment") & (synthetic.year == 2022)].iloc[0]
    assert (r.value, r.unit, r.value_text) == (58.0, "亿元", "580000")
    assert "换算: 原值 580000 万元" in r.note


def test_no_file_means_an_empty_valid_table(tmp_path, monkeypatch):
    published = paths.ROOT / "data" / "actuals" / "published.csv"
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    empty = load_actuals()
    assert len(empty) == 0 and list(empty.columns) == COLUMNS + ["form", "scope"]
    helpers.schema.validate(empty[COLUMNS])
    # the dtypes of a table read and validated, so the empty one stacks with it unchanged
    read = load_actuals(published)
    assert empty.dtypes.to_dict() == read.dtypes.to_dict()
    assert empty.attrs["notices"] == []


def test_default_file_is_used_when_present(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    (tmp_path / "data" / "actuals").mkdir(parents=True)
    write(tmp_path / "data" / "actuals" / "actuals.csv", [row()])
    df = load_actuals()
    assert list(zip(df.indicator_id, df.year, df.value)) == [("tax_per_mu", 2023, 45.0)]
    assert df.source_file.iloc[0] == "actuals.csv"


def test_template_is_a_header_without_values():
    # the kit ships no actual values: the template is the header only (UTF-8 BOM for Excel)
    assert TEMPLATE.read_bytes() == ("\ufeff" + ",".join(ACTUALS_COLUMNS) + "\n").encode("utf-8")
    assert len(load_actuals(TEMPLATE)) == 0


def test_excel_style_numbers_are_read(tmp_path):
    p = write(tmp_path / "a.csv", [
        row(year="2023.0", value="1,234.5", indicator_id="industrial_land_supply_cumulative", unit="亩"),
        row(value="9.5%", indicator_id="rd_active_firms_share", unit="%"),
        row(value="-0.4", indicator_id="value_added_per_mu_growth", unit="%", district="鄞州区"),
    ])
    df = load_actuals(p)
    assert list(zip(df.year, df.value)) == [(2023, 1234.5), (2023, 9.5), (2023, -0.4)]
    assert list(df.value_text) == ["1,234.5", "9.5%", "-0.4"]


def test_ambiguous_printed_name_is_told_apart_by_unit(tmp_path):
    # Beilun Annex 1 prints 规模以上工业万元增加值能耗降低率 for both the 0.6 tce/万元 level and the % reduction
    name = "规模以上工业万元增加值能耗降低率"
    p = write(tmp_path / "a.csv", [
        row(indicator_id="", indicator=name, year="2022", value="0.55", unit="tce/万元"),
        row(indicator_id="", indicator=name, year="2022", value="8.3", unit="%"),
    ])
    df = load_actuals(p)
    assert list(zip(df.indicator_id, df.unit)) == [("energy_intensity", "吨标准煤/万元"),
                                                   ("energy_intensity_reduction", "%")]


def test_repeats_same_source_kept_once_other_sources_kept(tmp_path):
    p = write(tmp_path / "a.csv", [row(), row(), row(source_title="另一来源 (synthetic)")])
    df = load_actuals(p)
    assert list(df.source_line) == [2, 4]


@pytest.mark.parametrize("rows, error, message", [
    ([row(district="杭州市")], ActualsDistrictError, r"a\.csv, line 2: unknown district '杭州市'"),
    ([row(indicator_id="tax_per_acre")], UnknownIndicatorError, r"a\.csv, line 2: unknown indicator_id 'tax_per_acre'"),
    ([row(indicator_id="", indicator="亩均税金")], UnknownIndicatorError, r"line 2: unknown indicator '亩均税金'"),
    ([row(indicator_id="", indicator="")], UnknownIndicatorError, r"line 2: indicator_id and indicator are both empty"),
    ([row(indicator_id="rd_investment", indicator="规上工业亩均税收", unit="亿元")], UnknownIndicatorError,
     r"line 2: indicator '规上工业亩均税收' is tax_per_mu in the catalogue, not rd_investment"),
    ([row(indicator_id="", indicator="规模以上工业万元增加值能耗降低率", unit="家")], UnknownIndicatorError,
     r"line 2: indicator '规模以上工业万元增加值能耗降低率' is ambiguous \(energy_intensity, energy_intensity_reduction\)"),
    ([row(unit="亿元")], UnitMismatchError, r"line 2: unit '亿元' does not match the catalogue unit '万元/亩' of tax_per_mu"),
    ([row(unit="元/亩")], UnknownUnitError, r"line 2: unknown unit '元/亩'"),
    ([row(unit="")], UnknownUnitError, r"line 2: unit is empty"),
    ([row(value="约45")], ValueParseError, r"a\.csv, line 2: value '约45' is not a number"),
    ([row(value="45万元/亩")], ValueParseError, r"line 2: value '45万元/亩' is not a number"),
    ([row(value="45%")], ValueParseError, r"line 2: value '45%' is not a number"),
    ([row(value="")], ValueParseError, r"line 2: value is empty"),
    ([row(year="二〇二三")], ValueParseError, r"line 2: year '二〇二三' is not a four-digit year"),
    ([row(year="2099")], ValueParseError, r"line 2: year 2099 is outside 2000–"),
    ([row(source_title="")], MissingSourceError, r"line 2: source_title is empty"),
    ([row(source_url_or_doc="")], MissingSourceError, r"line 2: source_url_or_doc is empty"),
    ([row(), row(indicator_id="rd_investment", unit="亿元", value="60"), row(value="44.0")], ConflictError,
     r"a\.csv, line 4: beilun tax_per_mu 2023 = 44 conflicts with line 2 = 45"),
    ([row(), row(value="40.1", scope_note="区本级")], ConflictError,
     r"line 3: .*conflicts with line 2 = 45 \(scope notes '全区' vs '区本级'"),
])
def test_bad_input_names_file_and_line(tmp_path, rows, error, message):
    p = write(tmp_path / "a.csv", rows)
    before = p.read_bytes()
    with pytest.raises(error, match=message):
        load_actuals(p)
    assert p.read_bytes() == before, "loading never writes"


def test_unknown_district_is_also_an_unknown_district_error(tmp_path):
    p = write(tmp_path / "a.csv", [row(district="hangzhou")])
    with pytest.raises(UnknownDistrictError):
        load_actuals(p)


def test_missing_column_and_missing_file_and_encoding(tmp_path):
    cols = [c for c in ACTUALS_COLUMNS if c != "unit"]
    p = write(tmp_path / "a.csv", [{k: v for k, v in row().items() if k != "unit"}], columns=cols)
    with pytest.raises(SourceError, match=r"a\.csv, line 1: missing columns \['unit'\]"):
        load_actuals(p)
    with pytest.raises(SourceError, match=r"nope\.csv: file is missing"):
        load_actuals(tmp_path / "nope.csv")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((",".join(ACTUALS_COLUMNS) + "\nbeilun,tax_per_mu,规上工业亩均税收,2023,45,万元/亩,x,y,,,\n").encode("gbk"))
    with pytest.raises(SourceError, match=r'gbk\.csv, line 2: not UTF-8: this looks like a GBK/GB18030 '
                                          r'file .*save it again as "CSV UTF-8'):
        load_actuals(gbk)


def test_a_bad_row_loses_nothing_else(tmp_path):
    """An error stops the load as a whole: no partial table, the document table is untouched."""
    before = helpers.load_indicators()
    p = write(tmp_path / "a.csv", [row(), row(indicator_id="rd_investment", unit="亿元", value="abc")])
    with pytest.raises(ValueParseError, match="line 3"):
        load_actuals(p)
    pd.testing.assert_frame_equal(helpers.load_indicators(), before)
    assert len(load_actuals(write(tmp_path / "b.csv", [row()]))) == 1


# ------------------------------------------------------------------ forms, scope, published results

PUBLISHED_FIXTURE = Path(__file__).parent / "fixtures" / "published_synthetic.csv"


def test_spaced_digits_are_an_error_not_a_number(tmp_path):
    # " 4 5 " is two numbers or a typo, never 45 (issue 10.6); surrounding spaces are fine
    p = write(tmp_path / "a.csv", [row(value=" 4 5 ")])
    with pytest.raises(ValueParseError, match=r"a\.csv, line 2: value '4 5' has a space inside"):
        load_actuals(p)
    assert load_actuals(write(tmp_path / "b.csv", [row(value=" 45 ")])).value.iloc[0] == 45.0


def test_gb18030_file_is_refused_with_advice(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes((",".join(ACTUALS_COLUMNS) + "\n北仑区,tax_per_mu,,2023,45,万元/亩,,全区,统计公报,x,,,\n")
                  .encode("gb18030"))
    with pytest.raises(SourceError, match=r'excel\.csv, line 2: .*GBK/GB18030.*"CSV UTF-8'):
        load_actuals(p)


def test_form_and_scope_columns(tmp_path):
    p = write(tmp_path / "a.csv", [
        row(form="growth_rate", unit="%", value="8.0", scope="全区"),
        row(form="added_in_year", indicator_id="little_giants_national", unit="家", value="9", scope="全区"),
        row(form="", scope=""),
    ])
    df = load_actuals(p)
    assert list(zip(df.form, df.unit, df.value, df.scope)) == [
        ("growth_rate", "%", 8.0, "全区"), ("added_in_year", "家", 9.0, "全区"), ("level", "万元/亩", 45.0, "")]


@pytest.mark.parametrize("over, message", [
    (dict(form="yoy"), r"line 2: form 'yoy' is not one of level, growth_rate, added_in_year, share"),
    (dict(form="growth_rate"), r"line 2: a growth_rate value is in %, not '万元/亩'"),
    (dict(form="share", unit="亿元"), r"line 2: a share value is in %, not '亿元'"),
])
def test_bad_form_names_file_and_line(tmp_path, over, message):
    with pytest.raises(SourceError, match=message):
        load_actuals(write(tmp_path / "a.csv", [row(**over)]))


def test_level_and_growth_of_the_same_year_are_not_a_conflict(tmp_path):
    p = write(tmp_path / "a.csv", [row(), row(form="growth_rate", unit="%", value="7.5"),
                                   row(scope="区本级", value="40.0")])
    assert len(load_actuals(p)) == 3


def test_published_file_is_read_with_its_own_columns():
    from helpers.actuals import PUBLISHED_COLUMNS
    assert PUBLISHED_FIXTURE.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(PUBLISHED_COLUMNS)
    df = load_actuals(PUBLISHED_FIXTURE)
    assert list(zip(df.indicator_id, df.form, df.scope)) == [
        ("little_giants_national", "added_in_year", "全区"), ("tax_per_mu", "level", "区本级"),
        ("tax_per_mu", "level", "全区"), ("industrial_value_added_growth", "growth_rate", "区本级")]
    # the quote names title, publisher, URL/document, date and place; a repost says so
    assert df.quote.iloc[0] == f"{SYNTH} pytest tests/fixtures/published_synthetic.csv 2024-03-01 第1段"
    assert df.quote.iloc[2].endswith("第3段（转载页）")
    assert df.indicator.iloc[3] == "区本级规上工业增加值"      # the name as printed is kept
    # a published figure without a catalogue indicator is reported, not dropped, not an error
    (notice,) = df.attrs["notices"]
    # (in Chinese only: it is shown to readers under 实际进展)
    assert notice == "published_synthetic.csv 第6行 北仑区 区本级工业总产值 2023年 1000 亿元：目录中无对应指标，未用于评估"


def test_printed_names_are_looked_up_in_an_index_not_by_scanning_the_catalogue(tmp_path,
                                                                                monkeypatch):
    # 20 rows by printed name: name keys are made once per catalogue entry and once per row
    # (with 5,000 entries at 100 districts, a scan per row made a results file cost rows × 5,000)
    import helpers.actuals as actuals_module
    from helpers.catalogue import load_catalogue
    from helpers.values import name_key
    calls = []
    monkeypatch.setattr(actuals_module, "name_key", lambda text: calls.append(text) or name_key(text))
    rows = [row(indicator_id="", indicator="规上工业亩均税收", year=str(2001 + i)) for i in range(20)]
    df = load_actuals(write(tmp_path / "many.csv", rows))
    assert df.indicator_id.eq("tax_per_mu").all() and len(df) == 20
    assert len(calls) <= len(load_catalogue()) + len(rows)


def test_shipped_published_file_has_the_agreed_header():
    from helpers.actuals import PUBLISHED_COLUMNS, published_path
    text = published_path().read_bytes()
    assert text.startswith("\ufeff".encode()) and \
        text.decode("utf-8-sig").splitlines()[0] == ",".join(PUBLISHED_COLUMNS)
    load_actuals(published_path())   # whatever it holds, it loads


def test_published_row_needs_its_publisher(tmp_path):
    from helpers.actuals import PUBLISHED_COLUMNS
    rows = list(csv.DictReader(open(PUBLISHED_FIXTURE, encoding="utf-8-sig")))[:1]
    rows[0]["publisher"] = ""
    p = write(tmp_path / "p.csv", rows, columns=PUBLISHED_COLUMNS)
    with pytest.raises(MissingSourceError, match=r"p\.csv, line 2: publisher is empty"):
        load_actuals(p)


def test_reports_read_published_results_and_the_users_file_wins(tmp_path, monkeypatch):
    from helpers.actuals import load_report_actuals
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    folder = tmp_path / "data" / "actuals"
    folder.mkdir(parents=True)
    assert load_report_actuals() [1] == "" and len(load_report_actuals()[0]) == 0   # nothing at all
    (folder / "published.csv").write_bytes(PUBLISHED_FIXTURE.read_bytes())
    df, label = load_report_actuals()
    assert label == "data/actuals/published.csv" and len(df) == 4
    # the user's 全区 2023 level of 规上工业亩均税收 replaces the published 47 (same key), adds nothing else
    write(folder / "actuals.csv", [row(value="48.0", scope="全区")])
    df, label = load_report_actuals()
    assert label == "data/actuals/published.csv + data/actuals/actuals.csv"
    tax = df[(df.indicator_id == "tax_per_mu") & (df.scope == "全区")]
    assert list(zip(tax.value, tax.source_file)) == [(48.0, "actuals.csv")]
    assert len(df) == 4 and any("已由用户实际值文件的同年同口径数值取代" in n and "第4行" in n
                                for n in df.attrs["notices"])
    # an explicit path is used alone
    assert load_report_actuals(FIXTURE)[1] == "actuals_synthetic.csv"
