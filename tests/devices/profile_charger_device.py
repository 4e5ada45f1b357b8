"""A register bank laid out like profiles/chargers/example_v2g_charger.yaml, with a little behaviour."""

from __future__ import annotations

import copy
import struct
from typing import TYPE_CHECKING, Any

import yaml

from custom_components.v2g_home.devices.charger_profile import CHARGER_PROFILES_DIR
from custom_components.v2g_home.devices.simulator import ModbusExceptionReply

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ILLEGAL_ADDRESS, ILLEGAL_VALUE = 2, 3
STATUS, POWER, SOC, CHARGE_LIMIT, DISCHARGE_LIMIT, FAULT = (
    1000,
    1001,
    1003,
    1004,
    1005,
    1006,
)
SERIAL, FIRMWARE, REMOTE, SETPOINT, WATCHDOG = 1010, 1018, 1100, 1101, 1103
NO_CAR, CONNECTING, READY, CHARGING, DISCHARGING, ERROR = range(6)
EXAMPLE = CHARGER_PROFILES_DIR / "example_v2g_charger.yaml"


def example() -> dict[str, Any]:
    """A fresh copy of the shipped example profile's data."""
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def int32_words(value: int) -> list[int]:
    return list(struct.unpack(">HH", struct.pack(">i", value)))


class ExampleCharger:
    """A car at 64.5 % behind a charger that follows its setpoint while under remote control."""

    def __init__(self, *, serial: str = "EXV2G-7") -> None:
        """A car plugged in, its session up, 7 kW charge and 5 kW discharge accepted now."""
        self.car_present = True
        self.session_up = True
        self.soc_per_mille = 645
        self.charge_limit_w = 7000
        self.discharge_limit_w = 5000
        self.fault = 0
        self.remote = 0
        self.setpoint_w = 0
        self.watchdog_s = 0
        self.serial = serial

    @property
    def power_w(self) -> int:
        """What flows: the setpoint inside what the car accepts, under remote control only."""
        if not (self.remote and self.session_up and self.car_present) or self.fault:
            return 0
        return max(-self.discharge_limit_w, min(self.charge_limit_w, self.setpoint_w))

    def _status(self) -> int:
        if self.fault:
            return ERROR
        if not self.car_present:
            return NO_CAR
        if not self.session_up:
            return CONNECTING
        power = self.power_w
        return CHARGING if power > 0 else DISCHARGING if power < 0 else READY

    def _image(self) -> dict[int, int]:
        in_session = self.car_present and self.session_up
        words = {
            STATUS: self._status(),
            SOC: self.soc_per_mille if in_session else 0,
            CHARGE_LIMIT: self.charge_limit_w // 10,
            DISCHARGE_LIMIT: self.discharge_limit_w // 10,
            FAULT: self.fault,
            FIRMWARE: 12,
            REMOTE: self.remote,
            WATCHDOG: self.watchdog_s,
        }
        words.update(enumerate(int32_words(self.power_w), start=POWER))
        words.update(enumerate(int32_words(self.setpoint_w), start=SETPOINT))
        raw = self.serial.encode("ascii").ljust(16, b"\0")
        words.update(
            (SERIAL + i // 2, int.from_bytes(raw[i : i + 2], "big"))
            for i in range(0, 16, 2)
        )
        return words

    def read_registers(self, address: int, count: int) -> list[int]:
        """Registers 1000..1103 (unmapped ones read 0); anything else is an illegal address."""
        if address < STATUS or address + count > WATCHDOG + 1:
            raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"no register at {address}")
        image = self._image()
        return [image.get(a, 0) for a in range(address, address + count)]

    def write_registers(self, address: int, values: Sequence[int]) -> None:
        """Remote 0/1, the int32 setpoint (both words at once), the watchdog seconds."""
        if address == REMOTE and len(values) == 1 and values[0] in {0, 1}:
            self.remote = values[0]
            if not self.remote:
                self.setpoint_w = 0
        elif address == SETPOINT and len(values) == 2:
            value = struct.unpack(">i", struct.pack(">HH", *values))[0]
            if not -11000 <= value <= 11000:
                raise ModbusExceptionReply(ILLEGAL_VALUE, f"{value} W")
            self.setpoint_w = value
        elif address == WATCHDOG and len(values) == 1:
            self.watchdog_s = values[0]
        else:
            raise ModbusExceptionReply(ILLEGAL_ADDRESS, f"cannot write {address}")

    def garbage_registers(self) -> Mapping[int, int]:
        """An impossible SoC."""
        return {SOC: 5000}

    def note_request(self) -> None:
        """The watchdog is not simulated here (the driver's part is to arm it)."""
