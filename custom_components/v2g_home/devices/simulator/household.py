"""A small household that keeps the demo's values moving while nobody commands the devices.

The car: with `autostart` the Quasar's owner setting charges it at 10 A while Home Assistant has not taken
control; once it is nearly full it leaves for a drive (unplugged for two simulated hours) and comes back 30 points
lower. The pack and the DER storage: while their control is local (124 StorCtl_Mod 0, 704 WSetEna 0) they charge
from "solar" at 1.5 kW up to 90 %, then serve the house at 0.8 kW down to 20 %. Anything Home Assistant commands
takes precedence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .bidipro import SimulatedBiDiPro
    from .clock import SimClock
    from .quasar import SimulatedQuasar
    from .sunspec_der import SimulatedDerStorage
    from .sunspec_pack import SimulatedSunSpecPack


class LocalStorage(Protocol):
    """A storage device with logic of its own (the SunSpec pack, the DER storage)."""

    local_power_kw: float

    @property
    def soc_pct(self) -> float:
        """True state of charge, percent."""
        ...


AUTOSTART_CURRENT_A = 10
DRIVE_DURATION_S = 2 * 3600.0
DRIVE_SOC_DROP_PCT = 30.0
CAR_LEAVES_AT_PCT = 95.0
PACK_SOLAR_KW = 1.5
PACK_HOUSE_KW = -0.8
PACK_HIGH_PCT = 90.0
PACK_LOW_PCT = 20.0


class Household:
    """Plugs the car in and out and runs the pack's local logic; call tick() a few times per simulated minute."""

    def __init__(
        self,
        clock: SimClock,
        quasar: SimulatedQuasar | None,
        pack: SimulatedSunSpecPack | None,
        *,
        autostart: bool = False,
        der: SimulatedDerStorage | None = None,
    ) -> None:
        """Drive `quasar`, `pack` and `der` (any may be absent)."""
        self.clock = clock
        self.quasar = quasar
        self.pack = pack
        self.storages: list[LocalStorage] = [s for s in (pack, der) if s is not None]
        self._back_at_s: float | None = None
        if quasar is not None and autostart:
            quasar.user_current_a = AUTOSTART_CURRENT_A
        for storage in self.storages:
            storage.local_power_kw = PACK_SOLAR_KW

    def tick(self) -> None:
        """Advance the household's own decisions to the clock."""
        if self.quasar is not None:
            self._tick_car(self.quasar)
        for storage in self.storages:
            self._tick_pack(storage)

    def _tick_car(self, quasar: SimulatedQuasar) -> None:
        now = self.clock.now()
        if self._back_at_s is not None:
            if now >= self._back_at_s:
                quasar.soc_pct = max(quasar.soc_pct - DRIVE_SOC_DROP_PCT, 5.0)
                quasar.plugged_in = True
                self._back_at_s = None
            return
        if quasar.remote_control or quasar.user_current_a == 0:
            return
        if quasar.soc_pct >= CAR_LEAVES_AT_PCT:
            quasar.plugged_in = False
            self._back_at_s = now + DRIVE_DURATION_S

    @staticmethod
    def _tick_pack(pack: LocalStorage) -> None:
        soc_pct = pack.soc_pct
        if pack.local_power_kw > 0 and soc_pct >= PACK_HIGH_PCT:
            pack.local_power_kw = PACK_HOUSE_KW
        elif pack.local_power_kw <= 0 and soc_pct <= PACK_LOW_PCT:
            pack.local_power_kw = PACK_SOLAR_KW


def status_line(
    quasar: SimulatedQuasar | None,
    pack: SimulatedSunSpecPack | None,
    *,
    bidipro: SimulatedBiDiPro | None = None,
    der: SimulatedDerStorage | None = None,
) -> str:
    """One log line: SoC, power and metered energy of each device."""
    parts: list[str] = []
    if quasar is not None:
        plug = "plugged" if quasar.plugged_in else "away"
        mode = "remote" if quasar.remote_control else "user"
        parts.append(
            f"car {quasar.soc_pct:5.1f} % {quasar.power_kw:+5.2f} kW ({plug}, {mode}; "
            f"in {quasar.meter.energy_in_kwh:.2f} kWh, out {quasar.meter.energy_out_kwh:.2f} kWh)"
        )
    if bidipro is not None:
        parts.append(
            f"car {bidipro.soc_pct:5.1f} % {bidipro.power_kw:+5.2f} kW "
            f"(state {int(bidipro.connector_state)}, timeout {bidipro.comm_timeout_s} s; "
            f"in {bidipro.meter.energy_in_kwh:.2f} kWh, out {bidipro.meter.energy_out_kwh:.2f} kWh)"
        )
    for name, storage in (("pack", pack), ("DER", der)):
        if storage is not None:
            parts.append(
                f"{name} {storage.soc_pct:5.1f} % {storage.power_kw:+5.2f} kW "
                f"(in {storage.meter.energy_in_kwh:.2f} kWh, "
                f"out {storage.meter.energy_out_kwh:.2f} kWh)"
            )
    return " | ".join(parts)
