"""Turn a device subentry's settings into a driver (shared by setup and the config flow)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.exceptions import ConfigEntryError

from ..const import (
    CONF_CONNECTOR_TYPE,
    CONF_LEAF_PACK,
    CONF_PACK_DRIVER,
    CONF_POWER_SIGN,
    CONF_UNIT_ID,
    CONF_USABLE_CAPACITY_KWH,
    DOMAIN,
    PACK_DRIVER_SUNSPEC,
    PACK_DRIVER_SUNSPEC_DER,
    PACK_POLL_INTERVAL,
    SUBENTRY_CHARGER,
)
from ..devices.car import CarMonitor
from ..devices.charger import ChargerKind, ConnectorType
from ..devices.charger_factory import (
    ChargerSettings,
    create_charger as create_charger_driver,
)
from ..devices.charger_profile import available_charger_profiles
from ..devices.errors import ProfileError
from ..devices.leaf import LEAF_PACKS
from ..devices.profile import PackProfile, ProfilePack, available_profiles
from ..devices.sunspec import PowerSign, SunSpecPack
from ..devices.sunspec_der import SunSpecDer
from ..devices.transport import ModbusTransport
from .charger import ChargerCoordinator
from .pack import PackCoordinator

# Eight polls: a few missed polls never drop control, a dead Home Assistant stops the pack in 2 min.
PACK_REVERT_TIMEOUT_S = int(8 * PACK_POLL_INTERVAL.total_seconds())

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.config_entries import ConfigEntry, ConfigSubentry
    from homeassistant.core import HomeAssistant

    from ..devices.charger import Charger
    from ..devices.charger_profile_schema import ChargerProfile
    from .base import DeviceCoordinator
    from .pack import PackDriver


def _transport(data: Mapping[str, Any]) -> ModbusTransport:
    return ModbusTransport(
        data[CONF_HOST], int(data[CONF_PORT]), int(data[CONF_UNIT_ID])
    )


def create_charger(
    data: Mapping[str, Any], profiles: Mapping[str, ChargerProfile] | None = None
) -> Charger:
    """The charger driver for a charger subentry's settings (no kind stored: a Quasar 1)."""
    return create_charger_driver(ChargerSettings.from_mapping(data), profiles)


def car_is_leaf(data: Mapping[str, Any]) -> bool:
    """A Leaf is likely behind a Quasar 1 or a CHAdeMO plug, or when a Leaf pack was chosen."""
    settings = ChargerSettings.from_mapping(data)
    return (
        settings.kind is ChargerKind.QUASAR
        or data.get(CONF_CONNECTOR_TYPE) == ConnectorType.CHADEMO
        or data.get(CONF_LEAF_PACK) in LEAF_PACKS
    )


def create_car(data: Mapping[str, Any]) -> CarMonitor:
    """The car behind a charger, with its usable capacity (and the Leaf's SoC filter when a Leaf)."""
    return CarMonitor(float(data[CONF_USABLE_CAPACITY_KWH]), leaf=car_is_leaf(data))


def create_pack(
    data: Mapping[str, Any], profiles: Mapping[str, PackProfile]
) -> PackDriver:
    """A SunSpec or profile driver for a pack subentry's settings (profiles: loaded off the loop)."""
    driver_id = data[CONF_PACK_DRIVER]
    if driver_id == PACK_DRIVER_SUNSPEC_DER:
        return SunSpecDer(_transport(data), revert_timeout_s=PACK_REVERT_TIMEOUT_S)
    if driver_id == PACK_DRIVER_SUNSPEC:
        return SunSpecPack(
            _transport(data),
            power_sign=PowerSign(data.get(CONF_POWER_SIGN, PowerSign.AUTO)),
            revert_timeout_s=PACK_REVERT_TIMEOUT_S,
        )
    if driver_id not in profiles:
        raise ProfileError(f"profile {driver_id!r} is not installed")
    return ProfilePack(_transport(data), profiles[driver_id])


def _profile_of(subentry: ConfigSubentry) -> str | None:
    """The profile a device runs on, if any (a charger's kind "profile" or a pack's profile driver)."""
    data = subentry.data
    if subentry.subentry_type == SUBENTRY_CHARGER:
        settings = ChargerSettings.from_mapping(data)
        return settings.profile if settings.kind is ChargerKind.PROFILE else None
    driver = data.get(CONF_PACK_DRIVER, PACK_DRIVER_SUNSPEC)
    return None if driver in (PACK_DRIVER_SUNSPEC, PACK_DRIVER_SUNSPEC_DER) else driver


async def async_create_coordinators(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, DeviceCoordinator[Any]]:
    """One coordinator per device subentry; profiles are read in the executor, only when used."""
    needs = {
        subentry.subentry_type
        for subentry in entry.subentries.values()
        if _profile_of(subentry)
    }
    packs: Mapping[str, PackProfile] = {}
    chargers: Mapping[str, ChargerProfile] = {}
    if needs - {SUBENTRY_CHARGER}:
        packs = await hass.async_add_executor_job(available_profiles)
    if SUBENTRY_CHARGER in needs:
        chargers = await hass.async_add_executor_job(available_charger_profiles)
    devices: dict[str, DeviceCoordinator[Any]] = {}
    for subentry_id, subentry in entry.subentries.items():
        try:
            if subentry.subentry_type == SUBENTRY_CHARGER:
                devices[subentry_id] = ChargerCoordinator(
                    hass,
                    entry,
                    subentry,
                    create_charger(subentry.data, chargers),
                    create_car(subentry.data),
                )
            else:
                devices[subentry_id] = PackCoordinator(
                    hass, entry, subentry, create_pack(subentry.data, packs)
                )
        except ProfileError as err:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="profile_missing",
                translation_placeholders={
                    "device": subentry.title,
                    "profile": str(_profile_of(subentry)),
                },
            ) from err
    return devices
