"""Loopback fakes of the platform APIs, driven by tests and benchmarks."""
