"""Stock-flow consistency, checked every quarter of a small seed-0 run (the `trace` fixture)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.economy import labour as lab
from sim.ids import FIRM, INSTITUTE, NONE
from sim.params import LabourParams


def _each(trace):
    return trace[1]


def _positions(q):
    """Positions (in the production result) of each link's supplier and customer."""
    rows = q["rows"]
    return np.searchsorted(rows, q["supplier_rows"]), np.searchsorted(rows, q["customer_rows"])


def test_trace_covers_the_whole_run(trace):
    labels = [q["label"] for q in _each(trace)]
    assert labels[0] == "2019Q1" and labels[-1] == "2025Q4" and len(labels) == 28


def test_value_added_is_output_minus_intermediate(trace):
    for q in _each(trace):
        f = q["firms"]
        a = f["alive"]
        assert a.sum() > 0
        assert np.allclose(f["value_added"][a], f["output"][a] - f["intermediate"][a], rtol=1e-9, atol=0), q["label"]
        res = q["result"]
        assert np.allclose(res.value_added, res.output - res.intermediate, rtol=1e-9, atol=0), q["label"]


def test_firm_table_holds_this_quarters_production(trace):
    for q in _each(trace):
        f, rows, res = q["firms"], q["rows"], q["result"]
        for col, val in (
            ("output", res.output),
            ("value_added", res.value_added),
            ("intermediate", res.intermediate),
            ("interm_sei", res.interm_sei),
            ("sales_final", res.sales_final),
            ("sales_interm", res.sales_interm),
        ):
            np.testing.assert_array_equal(f[col][rows], val, err_msg=f"{q['label']} {col}")
        # firms that did not produce this quarter (entrants) have no flows
        idle = np.ones(len(f["output"]), bool)
        idle[rows] = False
        assert not f["output"][idle].any(), q["label"]


def test_network_purchases_are_part_of_intermediate_inputs(trace):
    for q in _each(trace):
        f = q["firms"]
        a = f["alive"]
        sei, interm = f["interm_sei"][a], f["intermediate"][a]
        assert (sei >= 0).all(), q["label"]
        assert (interm >= sei * (1 - 1e-12)).all(), q["label"]


def test_money_paid_equals_money_received(trace):
    for q in _each(trace):
        f, res = q["firms"], q["result"]
        paid, received = f["interm_sei"].sum(), f["sales_interm"].sum()
        assert paid > 0
        assert paid == pytest.approx(received, rel=1e-9), q["label"]
        assert res.interm_sei.sum() == pytest.approx(res.sales_interm.sum(), rel=1e-9)


def test_link_flows_reproduce_each_firms_purchases_and_sales(trace):
    for q in _each(trace):
        res = q["result"]
        n = len(q["rows"])
        s, c = _positions(q)
        flow = np.asarray(res.link_flow)
        assert len(flow) == len(s) == len(c)
        assert (flow >= 0).all()
        np.testing.assert_allclose(
            np.bincount(c, weights=flow, minlength=n), res.interm_sei, rtol=1e-9, atol=1e-6, err_msg=q["label"]
        )
        np.testing.assert_allclose(
            np.bincount(s, weights=flow, minlength=n), res.sales_interm, rtol=1e-9, atol=1e-6, err_msg=q["label"]
        )


def test_output_is_sales_plus_inventory_change(trace):
    for q in _each(trace):
        res = q["result"]
        np.testing.assert_allclose(
            res.output,
            res.sales_final + res.sales_interm + res.inventory_change,
            rtol=1e-9,
            atol=1e-6,
            err_msg=q["label"],
        )
        assert (res.sales_final >= 0).all()
        # the firm table agrees (it has no inventory column)
        f, rows = q["firms"], q["rows"]
        np.testing.assert_allclose(
            f["output"][rows] - f["sales_final"][rows] - f["sales_interm"][rows],
            res.inventory_change,
            rtol=1e-9,
            atol=1e-6,
        )


def test_inventory_change_is_small(trace):
    for q in _each(trace):
        res = q["result"]
        assert np.abs(res.inventory_change).sum() < 0.02 * res.output.sum(), q["label"]


def test_no_firm_sells_more_to_the_network_than_it_produced(trace):
    for q in _each(trace):
        res = q["result"]
        over = res.sales_interm - res.output * (1 + 1e-9) - 1e-6
        worst = int(np.argmax(over))
        assert over[worst] <= 0, (
            f"{q['label']}: firm row {q['rows'][worst]} sold {res.sales_interm[worst]:.4g} yuan "
            f"to the network but produced {res.output[worst]:.4g}"
        )


def test_timeseries_reports_what_was_produced(trace, full_ts):
    """Quarterly flows in the timeseries are what was produced, including by firms that exited
    at the end of the quarter."""
    ts = full_ts
    for metric, attr in (("value_added", "value_added"), ("output", "output")):
        rec = ts[ts["metric"] == metric].groupby("quarter", observed=True)["value"].sum()
        for q in _each(trace):
            assert rec[q["label"]] == pytest.approx(getattr(q["result"], attr).sum(), rel=1e-9), (metric, q["label"])


def test_firms_use_no_more_floor_space_than_available(full_ts):
    ts = full_ts
    d = ts[ts["metric"].isin(["floor_space", "floor_space_used"])]
    tab = d.pivot_table(index=["quarter", "district"], columns="metric", values="value", observed=True)
    assert len(tab) == 28 * 11
    over = tab[tab["floor_space_used"] > tab["floor_space"] * (1 + 1e-9)]
    assert over.empty, (
        f"{len(over)} district-quarters over capacity, worst occupancy "
        f"{(over['floor_space_used'] / over['floor_space']).max():.2f}"
    )


# ---------------------------------------------------------------------------------------------
# Talent
# ---------------------------------------------------------------------------------------------
def test_talent_is_conserved(trace):
    for q in _each(trace):
        ppa = q["ppa"]
        inflow, outflow = q["inflow"].sum(), q["outflow"].sum()
        # flows are counted in people: whole agents of ppa people
        assert inflow % ppa == 0 and outflow % ppa == 0
        assert q["talent_after"] == q["talent_before"] + (inflow - outflow) / ppa, q["label"]
    assert sum(q["inflow"].sum() for q in _each(trace)) > 0
    assert sum(q["outflow"].sum() for q in _each(trace)) > 0


def test_employed_talent_points_at_alive_employers(trace):
    for q in _each(trace):
        f_alive, alive, kind, emp = q["firms"]["alive"], q["t_alive"], q["t_kind"], q["t_employer"]
        at_firm = alive & (kind == FIRM)
        at_inst = alive & (kind == INSTITUTE)
        assert at_firm.sum() > 0 and at_inst.sum() > 0
        assert f_alive[emp[at_firm]].all(), q["label"]
        assert q["inst_alive"][emp[at_inst]].all(), q["label"]
        assert (emp[alive & (kind == NONE)] == -1).all()
        assert (kind[~alive] == NONE).all(), "a talent agent who left the city still holds a job"


def test_employees_are_talent_agents_times_people_per_agent(trace):
    for q in _each(trace):
        ppa, alive, kind, emp = q["ppa"], q["t_alive"], q["t_kind"], q["t_employer"]
        f = q["firms"]
        heads = np.bincount(emp[alive & (kind == FIRM)], minlength=len(f["employees"]))
        np.testing.assert_array_equal(f["employees"], heads * float(ppa), err_msg=q["label"])
        res_heads = np.bincount(emp[alive & (kind == INSTITUTE)], minlength=len(q["researchers"]))
        np.testing.assert_array_equal(q["researchers"], res_heads * float(ppa), err_msg=q["label"])


def test_every_alive_firm_keeps_at_least_one_worker(trace):
    for q in _each(trace):
        f = q["firms"]
        a = f["alive"]
        assert (f["employees"][a] >= q["ppa"]).all(), q["label"]


# ---------------------------------------------------------------------------------------------
# The labour market on a synthetic population: it only moves people between employers and
# unemployment
# ---------------------------------------------------------------------------------------------
def test_labour_market_moves_people_without_creating_or_destroying_them(rng):
    n_emp, n_agents = 40, 5000
    kind = np.where(rng.random(n_agents) < 0.85, FIRM, NONE).astype(np.int8)
    employer = np.where(kind == FIRM, rng.integers(0, n_emp, n_agents), -1)
    field = rng.integers(0, 7, n_agents)
    district = rng.integers(0, 11, n_agents)
    emp_field, emp_district = rng.integers(0, 7, n_emp), rng.integers(0, 11, n_emp)
    heads0 = np.bincount(employer[kind == FIRM], minlength=n_emp)

    # separations: layoffs and quits
    employed = kind == FIRM
    layoffs = rng.integers(0, 60, n_emp)
    sep = lab.separations(np.where(employed, employer, 0), employed, layoffs, 0.05, rng)
    assert not sep[~employed].any(), "an unemployed agent was separated"
    assert sep.any()
    kind, employer = kind.copy(), employer.copy()
    kind[sep], employer[sep] = NONE, -1
    heads1 = np.bincount(employer[kind == FIRM], minlength=n_emp)
    assert (heads1 >= np.minimum(heads0, 1)).all(), "an employer lost its last worker"
    assert (heads0 - heads1).sum() == sep.sum()

    # matching the unemployed to vacancies in field x district cells
    unemp = np.flatnonzero(kind == NONE)
    vac = rng.integers(0, 30, n_emp)
    slots = np.repeat(np.arange(n_emp), vac)
    a, s = lab.match(
        unemp,
        lab.cell_key(field[unemp], district[unemp]),
        slots,
        lab.cell_key(emp_field[slots], emp_district[slots]),
        0.9,
        rng,
    )
    assert len(a) > 0
    assert len(np.unique(a)) == len(a) and len(np.unique(s)) == len(s)
    assert np.isin(a, unemp).all()
    kind[a], employer[a] = FIRM, slots[s]
    heads2 = np.bincount(employer[kind == FIRM], minlength=n_emp)
    assert (heads2 - heads1 <= vac).all()

    # the population is unchanged: everybody is employed once or unemployed
    assert len(kind) == n_agents
    assert (kind == FIRM).sum() + (kind == NONE).sum() == n_agents
    assert heads2.sum() == (kind == FIRM).sum()
    assert heads2.sum() - heads0.sum() == len(a) - sep.sum()


def test_leave_city_is_the_only_exit_and_retirement_is_certain(rng):
    p = LabourParams()
    age = np.array([30.0, 45.0, p.retirement_age, p.retirement_age + 3])
    employed = np.array([True, False, True, False])
    out = np.zeros(4, int)
    for _ in range(200):
        out += lab.leave_city(employed, age, p, rng)
    assert out[2] == out[3] == 200
    assert out[0] < out[1] < 200  # out-migration: employed 0.5%/q, unemployed 10%/q
