"""benchmarks.report's repeats: the cases interleaved, medians with their range (no model runs)."""

from __future__ import annotations

import pytest

from benchmarks import cases, report


def test_combine_takes_the_median_run_and_peak() -> None:
    runs = [
        {"seconds": 3.4, "peak_rss_mb": 401.0, "agents": 10.0, "agent_steps_per_s": 1.0, "tag": "a"},
        {"seconds": 3.1, "peak_rss_mb": 396.0, "agents": 10.0, "agent_steps_per_s": 2.0, "tag": "b"},
        {"seconds": 4.2, "peak_rss_mb": 399.0, "agents": 10.0, "agent_steps_per_s": 3.0, "tag": "c"},
    ]
    got = report.combine(runs)
    assert got["seconds"] == 3.4 and got["tag"] == "a"  # the run of the median time, with its own rates
    assert got["peak_rss_mb"] == 399.0 and got["seconds_runs"] == [3.4, 3.1, 4.2]
    assert report._spread(got, "seconds", "seconds_runs", ".3f") == "3.400 (3.100-4.200)"
    assert report.combine(runs[:2])["tag"] == "b"  # an even count: the lower middle run
    one = report.combine(runs[:1])
    assert report._spread(one, "seconds", "seconds_runs", ".3f") == "3.400"  # one run: no range


def test_measure_interleaves_the_cases(monkeypatch) -> None:
    calls: list[tuple] = []

    def fake_child(kind, **kw):
        calls.append((kind, kw.get("scale"), kw.get("handles"), kw.get("kernel")))
        secs = 1.0 + 0.1 * len(calls)
        if kind == "boltzmann":
            return {"agents": kw["agents"], "seconds": secs, "peak_rss_mb": 100.0, "agent_steps_per_s": 1.0}
        return {"agents": 1000.0, "quarters": 28, "seconds": secs, "peak_rss_mb": 300.0, "agent_steps_per_s": 2.0}

    monkeypatch.setattr(cases, "run_child", fake_child)
    res = report.measure(log=lambda *a, **k: None, repeat=2)
    per_round = len(report.CASES) + 2  # every SEI case and both yardsticks, then again
    assert len(calls) == 2 * per_round and calls[:per_round] == calls[per_round:]
    assert all(len(r["seconds_runs"]) == 2 for r in res["sei"].values())
    assert res["sei"][("city", "on", "auto")]["boltzmann_ratio"] == 2.0 and res["repeat"] == 2
    with pytest.raises(ValueError, match="--repeat"):
        report.measure(log=lambda *a, **k: None, repeat=0)


def test_varied_row_changes_only_the_values(tmp_path) -> None:
    """benchmarks.sweeps gathers copies of one run whose values differ (as a real sweep's do): the
    copy's head and layout are the run's, every nonzero value moves, none by more than 10%."""
    import numpy as np

    from benchmarks.sweeps import varied_row
    from sim.config import to_config
    from sim.drivers.run import run
    from sim.outputs.summary import ROW_FILE, read_rows

    run(to_config(None, scale="small", **{"output.print_summary": False}), tmp_path / "one")
    raw = (tmp_path / "one" / ROW_FILE).read_bytes()
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / ROW_FILE).write_bytes(varied_row(raw, np.random.default_rng(1)))
    a, b = (read_rows([str(tmp_path / d / ROW_FILE)]) for d in ("one", "copy"))
    assert a.metas == b.metas and a.digests == b.digests and a.layouts.keys() == b.layouts.keys()
    assert a.flat is not None and b.flat is not None and len(a.flat) == len(b.flat)
    nz = a.flat != 0
    assert np.all(b.flat[~nz] == 0) and np.all(b.flat[nz] != a.flat[nz])
    assert np.allclose(b.flat, a.flat, rtol=0.1, atol=0)


def test_sweeps_measure_the_workers_asked_for(monkeypatch, tmp_path) -> None:
    """benchmarks.sweeps --workers: each sweep on the numbers of workers given, its CPU a run in the
    table, the speed-up only when both 1 and 2 workers ran (no model runs: the sweep is faked)."""
    from benchmarks import sweeps

    calls: list[tuple] = []

    def fake(n_runs, workers, scale, where):
        calls.append((n_runs, workers, scale))
        return 100.0 / workers, 190.0

    monkeypatch.setattr(sweeps, "sweep_seconds", fake)
    only2 = sweeps.measure({"small": 1000}, [], (2,))
    assert calls == [(1000, 2, "small")]
    text = sweeps.markdown(only2)
    assert "| sweep of 1,000 `scale=small` runs, 2 workers | 50.0 s = 1200.0 runs/min; 0.19 s of CPU a run |" in text
    assert "speed-up, 2 workers vs 1" not in text
    both = sweeps.measure({"city": 12}, [], (1, 2))
    assert both["sweeps"]["city"]["speedup"] == 2.0 and "| 2.00 |" in sweeps.markdown(both)
