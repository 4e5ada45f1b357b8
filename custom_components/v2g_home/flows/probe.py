"""Test a device before it is added: connect, read its identity, close again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..const import LOGGER
from ..devices.errors import DeviceConnectionError, DeviceError, ProfileError

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..devices.models import DeviceIdentity, StorageDriver


async def async_probe(
    create_driver: Callable[[], StorageDriver],
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
