"""The analysis cache (issue 12.1): every district's analysis computed once into
data/clean/analysis/, read by prepare_report; never used when the data, registry or code it was
computed from changed; a caller's own table always gets the computed path."""
from __future__ import annotations

import dataclasses
import importlib
import shutil

import pandas as pd
import pytest

from helpers import analysis, paths, report
from helpers.build import table_csv_bytes, write_outputs
from helpers.districts import DISTRICTS

FRAMES = ("plan", "growth", "doubling", "leap", "fit", "findings", "tidy", "progress", "points",
          "levels", "standing")


def assert_same_report(cached: report.DistrictReport, computed: report.DistrictReport) -> None:
    for name in FRAMES:
        a, b = getattr(cached, name), getattr(computed, name)
        if b is None:
            assert a is None, name
            continue
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    for name in ("growth", "fit"):
        pd.testing.assert_frame_equal(getattr(cached, name).attrs["skipped"],
                                      getattr(computed, name).attrs["skipped"], check_exact=True)
    assert cached.series_ids == computed.series_ids
    assert cached.narrative_only == computed.narrative_only
    assert cached.unusable == computed.unusable
    assert cached.pledge_note == computed.pledge_note
    assert list(cached.series) == list(computed.series)
    for iid, s in computed.series.items():
        pd.testing.assert_frame_equal(cached.series[iid], s, check_exact=True, obj=iid)


@pytest.fixture(scope="module")
def fresh_cache():
    m = analysis.ensure_analysis()
    assert m is not None and m["key"] == analysis.analysis_key()
    return m


@pytest.mark.parametrize("slug", list(DISTRICTS))
def test_cached_report_equals_computed_report(slug, indicators, fresh_cache, monkeypatch):
    assert slug in fresh_cache["districts"]
    computed = report.prepare_report(slug, df=indicators)
    computed_pages = (report.headline_facts(computed), report.indicator_table(computed))
    # the cached path must not compute: no comparison, growth, audit or level ranking
    for module, name in (("analysis", "compute_district"), ("compare", "compare_districts"),
                         ("compare", "level_comparison"), ("growth", "growth_table"),
                         ("audit", "audit"), ("milestones", "milestone_fit")):
        monkeypatch.setattr(importlib.import_module(f"helpers.{module}"), name,
                            _forbidden(f"{module}.{name}"))
    cached = report.prepare_report(slug)
    assert cached.table is None  # the whole indicator table was not even loaded
    assert_same_report(cached, computed)
    # the report's pages read the same: headline and indicator table
    assert report.headline_facts(cached) == computed_pages[0]
    pd.testing.assert_frame_equal(report.indicator_table(cached), computed_pages[1])


def _forbidden(name):
    def fail(*args, **kwargs):
        raise AssertionError(f"{name} called although the analysis cache is fresh")
    return fail


def test_cached_comparison_is_the_slice_of_the_one_computed_for_all(fresh_cache, indicators):
    # 亩均税收 (2023) as the documents print it: the slice keeps every district of the concept
    rep = report.prepare_report("beilun")
    tax = rep.levels[rep.levels["indicator_id"] == "tax_per_mu"].set_index("district")
    assert tax.loc["beilun", "value"] == 46.8 and tax.loc["yinzhou", "value"] == 34.2
    assert tax.loc["zhenhai", "value"] == 103.0 and tax.loc["ouhai", "value"] == 53.13


def test_a_callers_table_gets_the_computed_path(indicators, monkeypatch):
    monkeypatch.setattr("helpers.analysis.district_analysis", _forbidden("district_analysis"))
    rep = report.prepare_report("ouhai", df=indicators)
    assert rep.table is indicators and len(rep.growth)


@pytest.fixture
def kit_copy(tmp_path, monkeypatch):
    """data/clean copied to a temporary folder the kit reads (the real one is never touched)."""
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in ("indicators.csv", "manifest.json"):
        shutil.copy2(paths.CLEAN_DIR / name, clean / name)
    monkeypatch.setattr(paths, "CLEAN_DIR", clean)
    monkeypatch.setattr(paths, "INDICATORS_CSV", clean / "indicators.csv")
    monkeypatch.setattr(paths, "MANIFEST_JSON", clean / "manifest.json")
    return clean


def test_missing_cache_is_built_then_used(kit_copy, monkeypatch):
    assert analysis.read_manifest() is None
    rep = report.prepare_report("zhenhai")  # builds the cache for every district first
    m = analysis.read_manifest()
    assert m["key"] == analysis.analysis_key() and "zhenhai" in m["districts"]
    assert rep.table is None
    monkeypatch.setattr("helpers.analysis.compute_all", _forbidden("compute_all"))
    report.prepare_report("beilun")  # now read, not computed again


def test_changed_table_invalidates_the_cache(kit_copy, indicators):
    old = analysis.write_analysis()
    rep = report.prepare_report("beilun")
    g = rep.growth.set_index("indicator_id")
    assert g.loc["tax_per_mu", "end_value"] == 55.0  # 附件1: 2025年 55 万元/亩
    # the table changes (a corrected 2025 target): new data version
    df = indicators.copy()
    row = (df["district"] == "beilun") & (df["indicator_id"] == "tax_per_mu") & (df["year"] == 2025)
    df.loc[row, "value"] = 60.0
    manifest = write_outputs(df, paths.RAW_DIR, kit_copy)
    assert manifest["data_version"] != old["data_version"]
    assert analysis.fresh_manifest() is None  # stale: never read
    rep = report.prepare_report("beilun")
    g = rep.growth.set_index("indicator_id")
    assert g.loc["tax_per_mu", "end_value"] == 60.0
    assert g.loc["tax_per_mu", "implied_annual"] == pytest.approx((60 / 38.4) ** (1 / 5) - 1)
    assert analysis.read_manifest()["data_version"] == manifest["data_version"]
    # and the rebuilt cache equals what the new table computes
    assert_same_report(rep, report.prepare_report("beilun", df=df))


def test_a_file_of_another_analysis_is_not_read(kit_copy, indicators):
    m = analysis.write_analysis()
    # a concurrent rebuild replaced beilun's growth file with another key's under this manifest
    analysis._write_split(analysis.analysis_dir() / "growth", pd.DataFrame({"district": ["beilun"]}),
                          "otherkey")
    assert analysis.load_district("beilun", m) is None


def test_a_district_whose_rows_are_split_in_two_runs_is_refused(tmp_path):
    frame = pd.DataFrame({"district": ["beilun", "yinzhou", "beilun"], "v": [1, 2, 3]})
    with pytest.raises(analysis.AnalysisError,
                       match="analysis cache: growth rows of beilun are not together"):
        analysis._write_split(tmp_path / "growth", frame, "k")


def test_changed_registry_or_code_changes_the_key(monkeypatch):
    key = analysis.analysis_key()
    beilun = DISTRICTS["beilun"]
    monkeypatch.setitem(DISTRICTS, "beilun", dataclasses.replace(beilun, base_year=2019))
    assert analysis.analysis_key() != key
    monkeypatch.setitem(DISTRICTS, "beilun", beilun)
    assert analysis.analysis_key() == key
    monkeypatch.setattr(analysis, "_code_digest", lambda: "edited")
    assert analysis.analysis_key() != key


def _broken_for(broken: str):
    """compute_district, failing with "<slug>: broken on purpose" for the district ``broken``."""
    real = analysis.compute_district

    def failing(df, slug, tidy=None):
        if slug == broken:
            raise report.AnalysisError(f"{slug}: broken on purpose")
        return real(df, slug, tidy)

    return failing


def test_a_district_whose_analysis_fails_is_computed_by_its_report(kit_copy, monkeypatch,
                                                                   indicators):
    real = analysis.compute_district
    monkeypatch.setattr(analysis, "compute_district", _broken_for("ouhai"))
    m = analysis.write_analysis()
    assert m["failed"] == {"ouhai": "ouhai: broken on purpose"} and "ouhai" not in m["districts"]
    assert analysis.load_district("ouhai", m) is None
    with pytest.raises(report.AnalysisError, match="broken on purpose"):
        report.prepare_report("ouhai")  # the computed path shows the error
    # the others' comparison still holds 瓯海's values (亩均税收 2023: 53.13)
    monkeypatch.setattr(analysis, "compute_district", real)
    beilun = report.prepare_report("beilun")
    assert beilun.table is None
    assert 53.13 in set(beilun.levels.loc[beilun.levels["district"] == "ouhai", "value"])
    assert_same_report(beilun, report.prepare_report("beilun", df=indicators))


def test_comparison_csv_opens_in_excel(fresh_cache):
    data = (analysis.analysis_dir() / "comparison.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    tidy = pd.read_csv(analysis.analysis_dir() / "comparison.csv", encoding="utf-8-sig")
    assert set(tidy["district"]) >= {"beilun", "yinzhou", "zhenhai", "ouhai"}
    assert table_csv_bytes(tidy.iloc[0:0]).startswith(b"\xef\xbb\xbfconcept,district")


def test_report_draws_each_chart_once_and_shows_every_chart_it_draws(monkeypatch):
    """The report notebook's code run in-process for 北仑 (pledges, behind-path, standing and
    appendix charts): every Figure created is rendered to PNG exactly once (figure_png, at the
    size the page shows it, no resize pass) and none is drawn and discarded."""
    import matplotlib.figure as mf
    from IPython import display as ipd

    from helpers.paths import NOTEBOOK_DIR
    made, saved = [], []
    init, save = mf.Figure.__init__, mf.Figure.savefig

    def counting_init(self, *args, **kwargs):
        made.append(id(self))
        init(self, *args, **kwargs)

    def counting_save(self, *args, **kwargs):
        saved.append(id(self))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(mf.Figure, "__init__", counting_init)
    monkeypatch.setattr(mf.Figure, "savefig", counting_save)
    monkeypatch.setattr(ipd, "display", lambda *a, **k: None)
    code = "\n".join(line for line in (NOTEBOOK_DIR / "district_report.py").read_text(
        encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
    exec(compile(code, "district_report.py", "exec"), {"__name__": "report_notebook"})
    assert len(made) >= 3
    assert sorted(saved) == sorted(made)  # each drawn figure shown once, nothing discarded


def test_a_report_reads_only_its_own_slices(fresh_cache, monkeypatch):
    """What a report reads does not grow with the number of districts: its own file of each
    per-district table (one row group) and the comparison row groups of the concepts it prints."""
    import pyarrow.parquet as pq
    reads = []
    real = analysis._read_groups

    def recording(path, row_groups, key):
        reads.append((path, row_groups))
        return real(path, row_groups, key)

    monkeypatch.setattr(analysis, "_read_groups", recording)
    rep = report.prepare_report("yinzhou")
    folder = analysis.analysis_dir()
    per_district = {p.parent.name: p for p, _ in reads if p.parent.name in analysis.DISTRICT_TABLES}
    assert set(per_district) <= set(analysis.DISTRICT_TABLES) and "plan" in per_district
    assert all(p == folder / name / "yinzhou.parquet" and pq.ParquetFile(p).num_row_groups == 1
               for name, p in per_district.items())
    concepts = fresh_cache["row_groups"]["comparison"]
    mine = {p.stem: groups for p, groups in reads}["comparison"]
    assert len(mine) == len(set(rep.tidy["concept"])) < len(concepts)
    assert len(reads) <= len(analysis.DISTRICT_TABLES) + len(analysis.CONCEPT_TABLES)


def test_a_tables_folder_reads_as_one_frame_of_all_districts(fresh_cache, indicators):
    # README: pd.read_parquet("data/clean/analysis/growth") gives every district's growth
    growth = pd.read_parquet(analysis.analysis_dir() / "growth")
    assert sorted(set(growth["district"])) == sorted(fresh_cache["districts"])
    beilun = growth[growth["district"] == "beilun"].set_index("indicator_id")
    # 附件1: 亩均税收 38.4 (2020) → 55 万元/亩 (2025)
    assert beilun.loc["tax_per_mu", "end_value"] == 55.0
    assert beilun.loc["tax_per_mu", "implied_annual"] == pytest.approx((55 / 38.4) ** (1 / 5) - 1)


def test_districts_analysed_side_by_side_give_the_same_tables(indicators, monkeypatch):
    """compute_all with 2 processes: every table equal to the serial pass, frame for frame, in
    the same district order, and a district whose analysis fails in a child is reported failed
    with its message, as in the serial loop (the monkeypatch reaches the forked children)."""
    monkeypatch.setattr(analysis, "compute_district", _broken_for("zhenhai"))
    serial, parallel = analysis.compute_all(indicators, jobs=1), analysis.compute_all(indicators, jobs=2)
    assert parallel.failed == serial.failed == {"zhenhai": "zhenhai: broken on purpose"}
    assert list(parallel.districts) == list(serial.districts) and len(serial.districts) >= 3
    for slug, one in serial.districts.items():
        two = parallel.districts[slug]
        for f in dataclasses.fields(one):
            a, b = getattr(one, f.name), getattr(two, f.name)
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(b, a, check_exact=True, obj=f"{slug}.{f.name}")
                for key, extra in a.attrs.items():
                    pd.testing.assert_frame_equal(b.attrs[key], extra, check_exact=True)
            elif f.name == "series":
                assert list(b) == list(a)
                for iid in a:
                    pd.testing.assert_frame_equal(b[iid], a[iid], check_exact=True)
            else:
                assert b == a, f"{slug}.{f.name}"
    pd.testing.assert_frame_equal(parallel.comparison, serial.comparison, check_exact=True)
    pd.testing.assert_frame_equal(parallel.levels, serial.levels, check_exact=True)


def test_analysis_command_refuses_a_jobs_count_below_one(capsys):
    with pytest.raises(SystemExit) as exit_:
        analysis.main(["--jobs", "0"])
    assert exit_.value.code == 2
    assert "--jobs must be at least 1, got 0" in capsys.readouterr().err
