"""Test a device before it is added: connect, read its identity, close again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.const import CONF_HOST, CONF_PORT

from ..const import (
    CONF_UNIT_ID,
    LOGGER,
    PACK_DRIVER_SUNSPEC,
    PACK_DRIVER_SUNSPEC_DER,
)
from ..devices.detect import DetectedKind, Detection, detect_device
from ..devices.errors import DeviceConnectionError, DeviceError, ProfileError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..devices.models import DeviceIdentity


class Probed(Protocol):
    """What a driver must offer to be tested: connect, identify, close."""

    async def connect(self) -> None:
        """Open the connection."""

    async def identify(self) -> DeviceIdentity:
        """Read the identity."""

    async def close(self) -> None:
        """Close the connection."""


async def async_detect(
    host: str, port: int, unit_id: int
) -> tuple[Detection | None, str | None]:
    """What answers there (reads only), or the config-flow error key saying why nothing does."""
    try:
        return await detect_device(host, port, unit_id), None
    except DeviceConnectionError as err:
        LOGGER.debug("No connection to the device: %s", err)
        return None, "cannot_connect"
    except DeviceError as err:
        LOGGER.debug("The device could not be told apart: %s", err)
        return None, None
    except Exception:  # noqa: BLE001 (the form shows "unknown" instead of crashing)
        LOGGER.exception("Unexpected error while detecting the device")
        return None, "unknown"


async def async_sunspec_driver(data: Mapping[str, Any]) -> str:
    """The SunSpec pack driver the device needs: DER (701/704/713) or 802/124 (also when unsure)."""
    found, _ = await async_detect(
        str(data[CONF_HOST]), int(data[CONF_PORT]), int(data[CONF_UNIT_ID])
    )
    if found is not None and found.kind is DetectedKind.SUNSPEC_DER:
        return PACK_DRIVER_SUNSPEC_DER
    return PACK_DRIVER_SUNSPEC


async def async_probe(
    create_driver: Callable[[], Probed],
) -> tuple[DeviceIdentity | None, str | None]:
    """Return the identity, or the config-flow error key saying why there is none."""
    try:
        driver = create_driver()
    except ProfileError:
        return None, "profile_missing"
    try:
        await driver.connect()
        return await driver.identify(), None
    except DeviceConnectionError as err:
        LOGGER.debug("No connection to the device: %s", err)
        return None, "cannot_connect"
    except DeviceError as err:
        # It answers, but not the way the chosen driver expects: another device or model.
        LOGGER.debug("The device is not a supported one: %s", err)
        return None, "unsupported_device"
    except Exception:  # noqa: BLE001 (the form shows "unknown" instead of crashing)
        LOGGER.exception("Unexpected error while testing the device")
        return None, "unknown"
    finally:
        await driver.close()
