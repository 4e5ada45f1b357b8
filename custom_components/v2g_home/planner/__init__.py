"""Planner: models, optimiser, accounting and backtest (pure Python, never imports homeassistant)."""
