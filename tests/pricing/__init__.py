"""Tests of pricing/: the price coordinator and its entities."""
