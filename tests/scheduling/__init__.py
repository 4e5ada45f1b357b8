"""Tests of scheduling/: the loop, its guards, settings, the plan view and the house forecast."""
