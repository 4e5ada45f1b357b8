"""Tests of coordinators/: polling, reconnects, modes and writes of each device, against the simulator."""
