"""Whole simulated days in Home Assistant: sales, modes, restarts, safety, blueprints."""
