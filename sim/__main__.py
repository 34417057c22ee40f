"""``python -m sim``: the command line (sim.drivers.cli)."""

from sim.drivers.heap import imports_frozen

with imports_frozen():  # the imports' objects out of the collector's reach (sim.drivers.heap)
    from sim.drivers.cli import main

if __name__ == "__main__":
    main()
