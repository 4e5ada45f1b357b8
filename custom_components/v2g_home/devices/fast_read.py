"""Reads for the fast frequency response: a device's power (one request) and a DER device's 701 `Hz`.

They read registers only and leave the driver's state alone (control, limits and SoC stay the
business of its polls), so they may run between two polls at 2 Hz. A device without such a read
cannot take part in the fast response: `fast_reader` returns None for it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

from . import bidipro_map as bm, quasar_map as qm, sunspec_der_map as dm
from .bidipro import BiDiProCharger
from .errors import DeviceProtocolError
from .quasar import QuasarCharger
from .register_blocks import MODBUS_MAX_READ, plan_blocks, read_blocks
from .registers import decode
from .sunspec_der import SunSpecDer
from .sunspec_discovery import select_points

if TYPE_CHECKING:
    from .registers import Register
    from .transport import ModbusTransport


class FastReader(Protocol):
    """What the fast response reads from one device at every tick."""

    @property
    def speed_key(self) -> str:
        """Which figures of control/capability.py describe the device ("quasar", ...)."""

    async def power_kw(self) -> float:
        """The power now, + charging (raises DeviceError when the device does not answer sense)."""


async def _read(
    transport: ModbusTransport, registers: dict[str, Register], *, sunspec: bool
) -> dict[str, object]:
    blocks = plan_blocks(registers, max_gap=MODBUS_MAX_READ)
    return dict(
        decode(registers, await read_blocks(transport, blocks), sunspec=sunspec)
    )


def _finite(name: str, value: object) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DeviceProtocolError(f"{name} reads {value!r}")
    return float(value)


class _RegisterPower:
    """A power register that is + charging, in W or kW (its unit says)."""

    def __init__(
        self, speed_key: str, transport: ModbusTransport, register: Register
    ) -> None:
        self.speed_key = speed_key
        self._transport = transport
        self._registers = {"power": register}

    async def power_kw(self) -> float:
        values = await _read(self._transport, self._registers, sunspec=False)
        factor = 1.0 if self._registers["power"].unit == "kW" else 0.001
        return _finite("power", values["power"]) * factor


class _DerPower:
    """701 `W` (+ while the DER generates) and its scale factor."""

    speed_key = "sunspec_der"

    def __init__(self, driver: SunSpecDer) -> None:
        self._driver = driver

    async def power_kw(self) -> float:
        location = self._driver.models[701]
        registers = select_points(dm.MODEL_701, ("W", "W_SF"), location, "")
        values = await _read(self._driver.transport, registers, sunspec=True)
        return -_finite("W", values["W"]) / 1000


def fast_reader(driver: object) -> FastReader | None:
    """The fast power read for a driver that has one (Quasar 1, BiDiPro 10, SunSpec DER)."""
    if isinstance(driver, QuasarCharger):
        return _RegisterPower("quasar", driver.transport, qm.POLL["power"])
    if isinstance(driver, BiDiProCharger) and driver.connector is not None:
        (power,) = bm.at_connector(
            {"power": bm.CONNECTOR_POLL["power"]}, driver.connector
        ).values()
        return _RegisterPower("evtec_bidipro", driver.transport, power)
    if isinstance(driver, SunSpecDer) and 701 in driver.models:
        return _DerPower(driver)
    return None


async def der_frequency_hz(driver: SunSpecDer) -> float | None:
    """701 `Hz` now (None: not implemented, or not a number); raises DeviceError when silent."""
    location = driver.models.get(701)
    if location is None:
        return None
    registers = select_points(dm.MODEL_701, ("Hz", "Hz_SF"), location, "")
    values = await _read(driver.transport, registers, sunspec=True)
    hz = values["Hz"]
    return float(hz) if isinstance(hz, int | float) else None
