"""The project's Hydra sweeper plugin (Hydra loads plugins only from the ``hydra_plugins`` namespace
package): ``hydra/sweeper=covering``, the default of configs/config.yaml."""

from __future__ import annotations

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper


class CoveringSweeper(BasicSweeper):
    """Hydra's basic sweeper (same jobs, same order, same ``params``) that checks that the jobs
    compose by composing only ``covering_jobs`` of each batch, not every job: Hydra's check costs
    ~0.1-0.3 s per job in the launching process, before any job starts, which for a sweep of many
    seeds takes longer than the runs (configs/hydra/sweeper/covering.yaml, the default)."""

    def validate_batch_is_legal(self, batch) -> None:
        from sim.drivers.sweep import covering_jobs  # deferred: plugin discovery imports this module

        assert self.hydra_context is not None and self.config is not None
        for k in covering_jobs([list(job) for job in batch]):
            self.hydra_context.config_loader.load_sweep_config(self.config, list(batch[k]))


__all__ = ["CoveringSweeper"]
