"""Drivers: one run (run), several seeds (ensemble), a sweep job and its monitor (sweep), the command line (cli)."""
