"""Constants shared by the Home Assistant glue."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "v2g_home"
LOGGER = logging.getLogger(__package__)

SUBENTRY_CHARGER: Final = "charger"
SUBENTRY_PACK: Final = "pack"

CONF_UNIT_ID: Final = "unit_id"
CONF_LEAF_PACK: Final = "leaf_pack"
CONF_USABLE_CAPACITY_KWH: Final = "usable_capacity_kwh"
CONF_SETPOINT_MODE: Final = "setpoint_mode"
CONF_FAILSAFE_TIMEOUT_S: Final = "failsafe_timeout_s"
CONF_PACK_DRIVER: Final = "pack_driver"
CONF_POWER_SIGN: Final = "power_sign"
CONF_SERIAL: Final = "serial"

# Site options for the house (read by the load forecast and the ledger).
CONF_HOUSE_POWER_ENTITY: Final = "house_power_entity"
CONF_SOLAR_POWER_ENTITY: Final = "solar_power_entity"
CONF_GRID_METER_ENTITY: Final = "grid_meter_entity"

DEFAULT_MODBUS_PORT: Final = 502
DEFAULT_UNIT_ID: Final = 1
DEFAULT_FAILSAFE_TIMEOUT_S: Final = 600
MIN_FAILSAFE_TIMEOUT_S: Final = 60
MAX_FAILSAFE_TIMEOUT_S: Final = 3600
LEAF_PACK_CUSTOM: Final = "custom"
PACK_DRIVER_SUNSPEC: Final = "sunspec"

CHARGER_POLL_INTERVAL: Final = timedelta(seconds=10)
PACK_POLL_INTERVAL: Final = timedelta(seconds=15)
MAX_RECONNECT_INTERVAL: Final = timedelta(minutes=5)

# The Quasar 1 refuses less than 6 A (1.38 kW) and delivers at most 32 A (7.4 kW) either way.
CHARGER_MIN_POWER_KW: Final = 1.38
CHARGER_MAX_POWER_KW: Final = 7.4
DEFAULT_CHARGE_POWER_KW: Final = 3.7
DEFAULT_DISCHARGE_POWER_KW: Final = 3.7


class ControlMode(StrEnum):
    """What the user asks a device to do; `auto` follows the scheduler's plan."""

    AUTO = "auto"
    OFF = "off"
    CHARGE = "charge"
    DISCHARGE = "discharge"
    HOLD = "hold"
