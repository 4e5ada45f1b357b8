"""The plan card in headless Chromium (run by scripts/test-card, not by the main test run)."""
