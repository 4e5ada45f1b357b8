"""Tests of flows/ and config_flow.py: the site, prices, house, charger and pack steps."""
