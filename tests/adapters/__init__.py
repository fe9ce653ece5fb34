"""Platform adapter tests: each drives the real library against a loopback emulator."""
