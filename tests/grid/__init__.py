"""Frequency response in Home Assistant against the simulator (tests/grid)."""
