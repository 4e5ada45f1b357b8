"""Helpers shared by the Home Assistant tests of every glue subpackage."""
