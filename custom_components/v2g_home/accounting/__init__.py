"""Home Assistant glue for accounting: the ledger, its meters, per-device energy flows and their entities."""
