"""``python -m sim``: the command line (sim.drivers.cli)."""

from sim.drivers.cli import main

if __name__ == "__main__":
    main()
