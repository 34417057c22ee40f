"""The supplier network for analysis: networkx graphs and aggregated flows.

The simulation itself uses sparse arrays (sim.economy.production); these helpers turn the
state after a quarter into objects analysts know: a firm-level ``networkx.DiGraph`` whose edges
carry last quarter's payments (yuan), and the industry x industry flow matrix.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sim.ids import DISTRICTS, INDUSTRIES, N_IND


def link_flows(world) -> pd.DataFrame:
    """Links of last quarter's production with the payment along each (yuan/quarter); firms that
    exited at the end of that quarter still appear."""
    if world.last_production is None:
        raise ValueError("no quarter has been produced yet: step the model first")
    rec = world.last_production
    return pd.DataFrame({"supplier": rec.supplier_rows, "customer": rec.customer_rows, "flow": rec.result.link_flow})


def supplier_graph(world) -> nx.DiGraph:
    """Directed graph supplier -> customer of the firms active in the last quarter; node
    attributes industry, district, output; edge attribute ``flow`` (yuan/quarter, parallel links
    summed)."""
    f = world.firms
    flows = link_flows(world).groupby(["supplier", "customer"], as_index=False)["flow"].sum()
    g = nx.DiGraph()
    alive = world.last_production.rows
    g.add_nodes_from(
        (
            int(r),
            {"industry": INDUSTRIES[f.industry[r]], "district": DISTRICTS[f.district[r]], "output": float(f.output[r])},
        )
        for r in alive
    )
    g.add_weighted_edges_from(zip(flows.supplier.tolist(), flows.customer.tolist(), flows.flow.tolist()), weight="flow")
    return g


def industry_flows(world) -> pd.DataFrame:
    """Payments between industries inside the city last quarter (rows supplier industry,
    columns customer industry), yuan/quarter."""
    fl = link_flows(world)
    ind = world.firms.industry
    m = np.zeros((N_IND, N_IND))
    np.add.at(m, (ind[fl.supplier.to_numpy()], ind[fl.customer.to_numpy()]), fl.flow.to_numpy())
    return pd.DataFrame(m, index=list(INDUSTRIES), columns=list(INDUSTRIES))


def degree_table(world) -> pd.DataFrame:
    """In-degree (suppliers) and out-degree (customers) of each alive firm."""
    f, L = world.firms, world.links
    live = f.alive[L.supplier] & f.alive[L.customer]
    out_deg = np.bincount(L.supplier[live], minlength=f.n)
    in_deg = np.bincount(L.customer[live], minlength=f.n)
    rows = np.flatnonzero(f.alive)
    return pd.DataFrame(
        {
            "firm": rows,
            "industry": np.array(INDUSTRIES)[f.industry[rows]],
            "suppliers": in_deg[rows],
            "customers": out_deg[rows],
        }
    )
