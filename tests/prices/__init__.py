"""Tests for the prices package and its Home Assistant glue."""
