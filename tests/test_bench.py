"""helpers.bench (``make bench``): a smoke run at the smallest size — one run of each
measurement, one district of the kit, 1 and 2 SYNTHETIC districts — checks that every row and
ratio is printed, that the synthetic runs read the synthetic table (not a rebuilt one) and that
nothing is written outside the work folder. The full bench is not part of the suite."""
from __future__ import annotations

import json
import re

from helpers import bench, paths


def test_smoke_run_prints_every_measurement_and_ratio(tmp_path, capsys):
    reports_before = sorted(p.name for p in paths.REPORT_DIR.iterdir())
    work = tmp_path / "bench"
    assert bench.main(["--runs", "1", "--n", "2", "--base", "1", "--districts", "beilun",
                       "--work", str(work)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"helpers.bench: engine warm, 1 run each, os.cpu_count() = {bench.os.cpu_count()}"
    assert re.fullmatch(r"\s+min\s+median\s+runs", out[1])
    labels = ["floor (bare kernel + report imports)", "batch, 1 district, serial",
              "batch, 1 district, 1 worker (the serial runs)",
              "median report, N=1 synthetic, 2 workers", "median report, N=2 synthetic, 2 workers",
              "median report per PDF page, N=1 synthetic", "median report per PDF page, N=2 synthetic",
              "batch ÷ N, N=1 synthetic, 2 workers", "batch ÷ N, N=2 synthetic, 2 workers"]
    for line, label in zip(out[2:11], labels):
        assert re.fullmatch(re.escape(label) + r"\s+\d+\.\d\d\d? s\s+\d+\.\d\d\d? s\s+1", line), line
    ratios = ["batch serial ÷ (1 × floor)", "speed-up, 1 worker (serial ÷ 1 worker)",
              "median report N=2 ÷ N=1", "median report per page N=2 ÷ N=1", "batch ÷ N, N=2 ÷ N=1"]
    for line, label in zip(out[11:], ratios):
        assert re.fullmatch(re.escape(label) + r"\s+\d+\.\d\d\s+\d+\.\d\d", line), line
    assert len(out) == 16
    # one run: its min is its median; the ratios are those of the rows above
    nums = [[float(x) for x in re.findall(r"\d+\.\d+", line)] for line in out[2:]]
    assert all(row[0] == row[1] and row[0] > 0 for row in nums[:9])
    (floor, serial, parallel, small, large, small_page, large_page, small_batch,
     large_batch) = (row[0] for row in nums[:9])
    assert abs(nums[9][0] - serial / floor) <= 0.01 * nums[9][0] + 0.006
    assert abs(nums[10][0] - serial / parallel) <= 0.01 * nums[10][0] + 0.006
    assert abs(nums[11][0] - large / small) <= 0.01 * nums[11][0] + 0.006
    assert abs(nums[12][0] - large_page / small_page) <= 0.01 * nums[12][0] + 0.006
    assert abs(nums[13][0] - large_batch / small_batch) <= 0.01 * nums[13][0] + 0.006
    # a report's own time leaves out its worker's kernel start: below the batch's wall time;
    # a page costs a fraction of the report it is in
    assert small < small_batch and small_page < small
    # the synthetic runs rendered the synthetic districts from the synthetic table
    for n in (1, 2):
        root = work / f"synthetic-{n}"
        manifest = json.loads((root / "data" / "clean" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["synthetic"] is True and manifest["districts"] == n
        for k in range(1, n + 1):
            rec = json.loads((root / "reports-0" / f"syn00{k}.json").read_text(encoding="utf-8"))
            assert rec["status"] == "ok" and rec["data_version"] == manifest["data_version"]
            assert rec["data_version"].startswith("SYNTHETIC-")
            # each worker's first report started (and warmed) its kernel, inside its seconds
            assert 0 < rec["kernel_start"] < rec["seconds"]
            # the record says how many pages its PDF has (what the per-page row divides by)
            assert rec["pages"] == _pdf_pages(root / "reports-0" / rec["files"]["pdf"]) > 1
    assert sorted(p.name for p in paths.REPORT_DIR.iterdir()) == reports_before


def _pdf_pages(path) -> int:
    """A PDF's page count, read without WeasyPrint (whose count is what is tested): the page
    objects, in the file and in its deflated object streams."""
    import zlib
    data = path.read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:  # not deflated (an image's own encoding): holds no page objects
            pass
    return sum(len(re.findall(rb"/Type\s*/Page(?![s\w])", chunk)) for chunk in chunks)


def test_bad_options_are_refused(capsys):
    assert bench.main(["--runs", "0"]) == 2
    assert "argument --runs: must be a whole number ≥ 1, got '0'" in capsys.readouterr().err
    assert bench.main(["--districts", "atlantis", "--work", "/nonexistent-bench-dir/x"]) == 2
    assert "unknown district 'atlantis'" in capsys.readouterr().err


def test_ratios_are_taken_round_by_round():
    """A machine twice as slow in round 2 moves both measurements alike: the paired ratios are
    2.0 and 2.0 where the ratio of the medians would say 2.0 only by luck; a round that gave no
    report time (NaN) is left out of the row and of the ratios."""
    import math

    import pytest
    a = bench.Timing("a", [2.0, 4.0, 3.0])
    b = bench.Timing("b", [1.0, 2.0, math.nan])
    assert bench.paired("a ÷ b", a, b) == ("a ÷ b", 2.0, 2.0)
    assert b.values == [1.0, 2.0] and b.median == 1.5
    per = bench.Timing("per report", [8.0, 16.0], per=4)
    assert bench.paired("x", per, bench.Timing("y", [1.0, 1.0])) == ("x", 2.0, 3.0)
    with pytest.raises(bench.KitError, match="no round gave both times"):
        bench.paired("none", a, bench.Timing("n", [math.nan]))
