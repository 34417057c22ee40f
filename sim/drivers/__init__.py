"""Drivers: one run (run), several seeds (ensemble), a sweep job and its monitor (sweep), the command line (cli)."""

JOB_FILE = "job.json"  # a sweep job's record (sim.drivers.sweep); here so the Hydra plugins need not import the drivers
