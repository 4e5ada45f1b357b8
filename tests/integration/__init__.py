"""Home Assistant layer tests: config flow, setup, entities and diagnostics against the simulator."""
