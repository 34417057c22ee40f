"""The hindcast pipeline on the calibration years (2018 base, 2019 fitted) at small scale, 2 seeds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import hindcast as hc
from sim.basedata import DATA_DIR

OBSERVED = [DATA_DIR / "sei_value_added.csv", DATA_DIR / "innovation_and_people.csv", DATA_DIR / "city_gdp.csv"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("hindcast")
    return hc.hindcast(OBSERVED, seeds=2, scale="small", sets=["scenario.end_year=2019"], out=out), out


def test_hindcast_in_sample_fit_and_outputs(result):
    res, out = result
    met = res["metrics"].set_index("indicator")
    pts = res["points"]
    assert set(met["sample"]) == {"in"}  # the data end in 2019 = the calibration year
    # value added by industry was fitted to 2019: the ensemble median is within 5% of every statistic
    va = pts[pts["indicator"] == "sei_value_added"]
    assert set(va["industry"]) == {"ALL", *hc.INDUSTRIES} and (va["year"] == 2019).all()
    assert va["err_pct"].abs().max() < 5.0
    assert met.loc["sei_value_added", "mape"] == pytest.approx(va["err_pct"].abs().mean())
    # the naive forecast of 2019 is the 2017-2018 growth carried one year: 14400 x 14400 / 11230
    nhte = pts[pts["indicator"] == "national_high_tech_enterprises"].iloc[0]
    assert nhte["naive"] == pytest.approx(14400 * 14400 / 11230) and nhte["naive_fit_years"] == "2017-2018"
    assert nhte["sim_p10"] <= nhte["sim_median"] <= nhte["sim_p90"]
    # nothing is dropped silently
    assert {"population", "pct_applications", "city_gdp_bulletin"} <= set(res["not_simulated"])
    assert "innovation_carriers_new" in res["info"]["mapped_without_points"]
    assert (res["excluded"]["reason"].str.contains("definition")).sum() == 2  # 2016-2017 old 7+4 totals
    assert set(res["skipped"]["year"]) == {"2018H1", ""}
    for name in ("hindcast_points.csv", "hindcast_metrics.csv", "hindcast.json", "hindcast.png", "hindcast.pdf"):
        assert (out / name).stat().st_size > 0, name
    js = json.loads((out / "hindcast.json").read_text())
    assert js["calibration_end"] == 2019 and "population" in js["not_simulated"]
    assert "not simulated" in res["report"] and "sei_value_added" in res["report"]


def test_hindcast_reads_an_existing_ensemble(result):
    res, out = result
    again = hc.hindcast(OBSERVED[:1], runs=out / "runs")
    assert again["info"]["runs"] == 2 and again["info"]["seeds"] == [0, 1]
    a = res["points"].query("indicator == 'sei_value_added'").set_index("industry")["sim_median"]
    b = again["points"].set_index("industry")["sim_median"]
    assert np.allclose(a.sort_index(), b.sort_index())


def test_naive_forecast_and_series():
    y, v = np.array([2016, 2017, 2018]), np.array([100.0, 110.0, 121.0])
    assert hc.naive_forecast(y, v, 2020, fit_until=2018)[0] == pytest.approx(121 * 1.1**2)
    assert hc.naive_forecast(y, v, 2018, fit_until=2017) == pytest.approx((121.0, 2016, 2017))
    assert np.isnan(hc.naive_forecast(y[:1], v[:1], 2019, fit_until=2018)[0])
    # an annual table (sim.outputs.measure.Recorder.annual_frame): certified firms are a stock, read at Q4
    # (4 and 20); the by-district rows must not be counted again
    annual = pd.DataFrame(
        {
            "year": 2019,
            "industry": ["IND-IT", "IND-BIO", "ALL", "ALL"],
            "district": ["ALL", "ALL", "futian", "ALL"],
            "metric": "certified_firms",
            "value": [4.0, 20.0, 24.0, 24.0],
        }
    )
    s = hc.simulated_series(annual, {"firm": 10.0, "institute": 1.0}).set_index("industry")["value"]
    assert s["IND-IT"] == 40.0 and s["ALL"] == 240.0  # Q4 stock x 10 firms per agent


def test_bad_input_is_named(tmp_path):
    bad = tmp_path / "obs.csv"
    bad.write_text("year,value\n2019,1\n")
    with pytest.raises(ValueError, match="indicator"):
        hc.read_observations([bad])
    with pytest.raises(ValueError, match="--runs"):
        hc.hindcast([bad])
    with pytest.raises(FileNotFoundError, match="annual.parquet"):
        hc.read_runs(tmp_path)
