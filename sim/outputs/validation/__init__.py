"""Validation of the model against stylized facts (``stylized``: the statistics; ``facts``: the
checks; ``run_facts``: applied to a run) and, in analysis/hindcast.py, against observed series
(docs/validation.md)."""

from sim.outputs.validation.facts import evaluate_facts, format_facts
from sim.outputs.validation.run_facts import check_run, inputs_from_model

__all__ = ["check_run", "evaluate_facts", "format_facts", "inputs_from_model"]
