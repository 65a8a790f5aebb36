"""Writes of the measures app: one transaction each, an acting user, an audit row."""

from .catalogue import decide_type, propose_type
from .demands import answer_demand, create_demand_list
from .errors import Code, MeasuresError
from .measures import MeasureData, create_measure, update_measure

__all__ = [
    "Code",
    "MeasureData",
    "MeasuresError",
    "answer_demand",
    "create_demand_list",
    "create_measure",
    "decide_type",
    "propose_type",
    "update_measure",
]
