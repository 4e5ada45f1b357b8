"""Prices: sources and tariffs that yield buy and sell prices per slot (never imports homeassistant)."""
