"""``python -m sim.params``: the table of every declared parameter (docs/ODD.md, "Parameters")."""

import sys

from sim.params.table import markdown_table

sys.stdout.write(markdown_table() + "\n")
