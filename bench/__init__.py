"""Benchmarks (`nox -s bench`): synthetic packages at scale and the suite that measures them."""
