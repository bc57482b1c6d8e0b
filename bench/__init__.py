"""Benchmarks: each figure is the product against a baseline measured in the same run, as a ratio."""
