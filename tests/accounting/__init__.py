"""Tests of accounting/: the ledger, meters and energy flows, against the simulator."""
