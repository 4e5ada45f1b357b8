"""The frequency response: reserves delivered at FCR speed, watched, logged and exported (HA glue)."""
