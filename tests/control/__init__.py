"""Tests of the pure control layer: no Home Assistant instance, no fixture of its."""
