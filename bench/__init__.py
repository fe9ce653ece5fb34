"""Rekindle's benchmark suite: `python -m bench` (or `--quick`) writes docs/benchmarks.md.

Every figure is measured next to a baseline in the same run and reported as a ratio, so the numbers
say something about the code rather than about the machine.
"""
