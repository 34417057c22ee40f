"""Benchmarks of the SEI model (pytest-benchmark suite, `make bench`) and `python -m benchmarks.report`.

Not collected by `make test` (pytest testpaths = tests); importing these modules runs nothing."""
