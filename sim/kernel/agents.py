"""Mesa agent handles onto rows of the state tables.

The state lives in numpy columns (sim.kernel.state); each row has a ``mesa.Agent`` so that
``model.agents_by_type[Firm]``, AgentSet selection and notebook inspection work. Reading or
setting an attribute of a handle reads or writes its row.
"""

from __future__ import annotations

import mesa

from sim.ids import DISTRICTS, INDUSTRIES


class _Column:
    """Descriptor exposing one column of the handle's table."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj._table(), self.name)[obj.row].item()

    def __set__(self, obj, value) -> None:
        getattr(obj._table(), self.name)[obj.row] = value


class _RowAgent(mesa.Agent):
    table_name = ""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = int(row)

    def _table(self):
        return getattr(self.model.world, self.table_name)

    def step(self) -> None:  # the quarter is run by vectorised phases, not per agent
        pass


def _columns(cls, names):
    for n in names:
        setattr(cls, n, _Column(n))
    return cls


class Firm(_RowAgent):
    """A firm of one of the seven SEI industries (columns: sim.kernel.state.FIRM_SCHEMA)."""

    table_name = "firms"

    @property
    def industry_id(self) -> str:
        return INDUSTRIES[self.industry]

    @property
    def district_id(self) -> str:
        return DISTRICTS[self.district]


class Institute(_RowAgent):
    """An innovation carrier: university centre, key lab, engineering centre, new R&D institution."""

    table_name = "institutes"


class Talent(_RowAgent):
    """A talent super-individual standing for ``scale.people_per_agent`` people."""

    table_name = "talent"


_columns(
    Firm,
    [
        "alive",
        "industry",
        "subfield",
        "district",
        "age",
        "employees",
        "capital",
        "tfp",
        "knowledge",
        "rd_intensity",
        "cash",
        "debt",
        "output",
        "value_added",
        "share",
    ],
)
_columns(Institute, ["alive", "field", "district", "carrier_type", "researchers", "budget", "capability", "knowledge"])
_columns(Talent, ["alive", "skill", "field", "district", "employer_kind", "employer", "wage", "age"])
