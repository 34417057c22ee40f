"""Mesa's DataCollector for SEIModel, filled from the Recorder the run already keeps.

``data_collector(recorder)`` is a ``mesa.DataCollector`` whose model-level reporters read the
Recorder's arrays of the quarter just recorded (no second pass over the agents), so Mesa's own
tools (``model.datacollector.get_model_vars_dataframe()``, ``mesa.batch_run``) see the run:

- ``quarter``: the quarter label, e.g. "2025Q4";
- ``value_added``: SEI value added of the quarter, all industries (yuan per quarter, current prices);
- ``value_added.<industry>``: the same for each industry (``IND-IT`` ...);
- ``firms``: firm agents alive at the quarter end (agent counts; see sim.outputs.measure);
- ``employment``: employees of the firms alive at the quarter end (persons);
- ``public_spending``: public money spent by all plan levers in the quarter (yuan, every
  ``spend_<lever>`` flow).

Values equal the quarterly rows of ``Recorder.frame()`` (timeseries.parquet) summed over
districts (and industries for the totals).
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from sim.ids import INDUSTRIES
from sim.outputs.measure import Recorder


def _last(recorder: Recorder, metric: str) -> np.ndarray:
    """The [N_IND, N_DIST] array of ``metric`` in the last recorded quarter (zeros before any)."""
    lst = recorder.cells.get(metric)
    return lst[-1] if lst else np.zeros(1)


def _spending(recorder: Recorder) -> float:
    total = 0.0
    for store in (recorder.cells, recorder.district):
        for name, lst in store.items():
            if name.startswith("spend_") and lst:
                total += float(lst[-1].sum())
    return total


def model_reporters(recorder: Recorder) -> dict[str, Callable]:
    """Reporter name -> function of the model (Mesa's ``model_reporters``)."""
    out: dict[str, Callable] = {
        "quarter": lambda m: "{}Q{}".format(*recorder.quarters[-1]) if recorder.quarters else "",
        "value_added": lambda m: float(_last(recorder, "value_added").sum()),
    }
    for i, ind in enumerate(INDUSTRIES):
        out[f"value_added.{ind}"] = lambda m, i=i: float(_last(recorder, "value_added")[i].sum())
    out["firms"] = lambda m: float(_last(recorder, "firms").sum())
    out["employment"] = lambda m: float(_last(recorder, "employment").sum())
    out["public_spending"] = lambda m: _spending(recorder)
    return out


def data_collector(recorder: Recorder) -> mesa.DataCollector:
    return mesa.DataCollector(model_reporters=model_reporters(recorder))
