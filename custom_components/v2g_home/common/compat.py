"""The one place that knows how the supported Home Assistant releases (2025.4 to 2026.x) differ for our glue."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # HA 2026 validates with probatio and aliases `voluptuous` to it at run time; type against what it accepts.
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
    from homeassistant.components.http.server import StaticPathConfig
    import probatio as vol
else:
    # Before probatio (HA 2025.4) this is voluptuous itself; from then on, HA's alias of probatio.
    # HA 2025.4 has no binary_sensor/const.py; every release exports the enum from the package.
    from homeassistant.components.binary_sensor import BinarySensorDeviceClass

    # HA 2025.4 defines StaticPathConfig in the http package; later releases move it to http/server.py and
    # re-export it from the package without listing it (so the type checker takes it from server.py).
    from homeassistant.components.http import StaticPathConfig
    import voluptuous as vol

__all__ = ["BinarySensorDeviceClass", "StaticPathConfig", "vol"]
