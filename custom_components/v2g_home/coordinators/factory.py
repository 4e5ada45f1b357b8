"""Turn a device subentry's settings into a driver (shared by setup and the config flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_HOST, CONF_PORT

from ..const import (
    CONF_FAILSAFE_TIMEOUT_S,
    CONF_PACK_DRIVER,
    CONF_POWER_SIGN,
    CONF_SETPOINT_MODE,
    CONF_UNIT_ID,
    CONF_USABLE_CAPACITY_KWH,
    DEFAULT_FAILSAFE_TIMEOUT_S,
    PACK_DRIVER_SUNSPEC,
    PACK_POLL_INTERVAL,
)
from ..devices.errors import ProfileError
from ..devices.leaf import LeafMonitor
from ..devices.profile import PackProfile, ProfilePack
from ..devices.quasar import QuasarCharger, SetpointMode
from ..devices.sunspec import PowerSign, SunSpecPack
from ..devices.transport import ModbusTransport

# Eight polls: a few missed polls never drop control, a dead Home Assistant stops the pack in 2 min.
PACK_REVERT_TIMEOUT_S = int(8 * PACK_POLL_INTERVAL.total_seconds())

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .pack import PackDriver


def _transport(data: Mapping[str, Any]) -> ModbusTransport:
    return ModbusTransport(
        data[CONF_HOST], int(data[CONF_PORT]), int(data[CONF_UNIT_ID])
    )


def create_charger(data: Mapping[str, Any]) -> QuasarCharger:
    """A Quasar 1 driver for a charger subentry's settings."""
    return QuasarCharger(
        _transport(data),
        setpoint_mode=SetpointMode(data.get(CONF_SETPOINT_MODE, SetpointMode.CURRENT)),
        failsafe_timeout_s=int(
            data.get(CONF_FAILSAFE_TIMEOUT_S, DEFAULT_FAILSAFE_TIMEOUT_S)
        ),
    )


def create_leaf(data: Mapping[str, Any]) -> LeafMonitor:
    """The Leaf behind a charger, with its usable capacity."""
    return LeafMonitor(float(data[CONF_USABLE_CAPACITY_KWH]))


def create_pack(
    data: Mapping[str, Any], profiles: Mapping[str, PackProfile]
) -> PackDriver:
    """A SunSpec or profile driver for a pack subentry's settings (profiles: loaded off the loop)."""
    driver_id = data[CONF_PACK_DRIVER]
    if driver_id == PACK_DRIVER_SUNSPEC:
        return SunSpecPack(
            _transport(data),
            power_sign=PowerSign(data.get(CONF_POWER_SIGN, PowerSign.AUTO)),
            revert_timeout_s=PACK_REVERT_TIMEOUT_S,
        )
    if driver_id not in profiles:
        raise ProfileError(f"profile {driver_id!r} is not installed")
    return ProfilePack(_transport(data), profiles[driver_id])
