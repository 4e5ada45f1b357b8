"""Device layer: Modbus transport, register maps, drivers and a simulator (never imports homeassistant)."""
