"""Tests for V2G Home."""
