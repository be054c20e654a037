"""Benchmarks at national scale; run with `make bench`."""
