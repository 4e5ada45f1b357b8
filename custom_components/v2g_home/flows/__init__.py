"""The config flow's parts: site prices and tariffs, house sensors, chargers and packs."""
