"""Named experiments (each runnable with ``python -m experiments.<name>``)."""
