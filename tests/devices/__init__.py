"""Device-layer tests: unit tests and loopback tests against the simulator."""
