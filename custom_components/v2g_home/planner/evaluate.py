"""What a set of setpoints does: SoC paths, grid flows, money, and the requirements it misses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import DeviceArrays, FloatArray, ProblemArrays, indices
from .model import Infeasibility, InfeasibilityKind
from .reserve_outcome import commitment_shortfalls, reserve_money, trimmed

_MISS_KWH = 1e-3  # 1 Wh: below the solver's and the 1 W setpoint rounding's noise


def grid_flows(
    arrays: ProblemArrays, storage_kw: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Import and export per slot when the storage draws `storage_kw` in total (solar curtailable)."""
    grid = arrays.net_load_kw + storage_kw
    imported = np.maximum(grid, 0.0)
    surplus = np.maximum(-grid, 0.0)
    # At a negative sell price, curtailing solar beats exporting it.
    curtailed = np.where(
        arrays.sell_per_kwh < 0, np.minimum(surplus, arrays.solar_kw), 0.0
    )
    exported = np.minimum(surplus - curtailed, arrays.export_limit_kw)
    return imported, exported


def energy_path(
    device: DeviceArrays, hours: FloatArray, setpoint_kw: FloatArray
) -> FloatArray:
    """Stored energy at every slot boundary (kWh) under the setpoints.

    A trip takes at most what is stored: a plan that falls short of a departure requirement sends
    the car off with what it has, and it comes back empty, never below 0.
    """
    spec = device.device
    stored = np.where(
        setpoint_kw > 0,
        setpoint_kw * spec.charge_efficiency,
        setpoint_kw / spec.discharge_efficiency,
    )
    start = device.energy_min_kwh[0]
    energy: FloatArray = np.concatenate(
        [[start], start + np.cumsum(hours * stored - device.trip_kwh)]
    )
    for t in indices(device.trip_kwh > 0):
        if energy[t + 1] < 0.0:
            energy[t + 1 :] -= energy[t + 1]
    return energy


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The consequences of one set of setpoints."""

    setpoints: list[FloatArray]
    energies: list[FloatArray]
    storage_kw: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    import_cost: float
    export_revenue: float
    wear_costs: list[float]
    terminal_value: float
    misses: list[
        Infeasibility
    ]  # requirements missed that were not known to be unreachable
    falls_short: bool  # below what was reachable at some requirement (known or not)
    reserve_kw: FloatArray | None = (
        None  # held, per taking-part device, product and slot
    )
    reserve_income: FloatArray | None = None  # per taking-part device and product
    activation_cost: FloatArray | None = None

    @property
    def reserve_net(self) -> float:
        """Reserve income less the expected activation cost."""
        if self.reserve_income is None or self.activation_cost is None:
            return 0.0
        return float(self.reserve_income.sum() - self.activation_cost.sum())

    @property
    def objective(self) -> float:
        """Import cost - export revenue + wear - reserves' net - value of the energy left (minimised)."""
        wear = sum(self.wear_costs)
        money = self.import_cost - self.export_revenue + wear - self.reserve_net
        return money - self.terminal_value

    @property
    def rank(self) -> tuple[bool, float]:
        """Plans that fall short of a requirement rank after those that do not; then by objective."""
        return (self.falls_short, self.objective)


def evaluate(
    arrays: ProblemArrays,
    setpoints: list[FloatArray],
    reserve_kw: FloatArray | None = None,
) -> Outcome:
    """Simulate the setpoints over the horizon, holding as much of `reserve_kw` as they leave room for."""
    hours = arrays.hours
    energies = [
        energy_path(d, hours, p) for d, p in zip(arrays.devices, setpoints, strict=True)
    ]
    storage = np.sum(setpoints, axis=0) if setpoints else np.zeros(hours.size)
    imported, exported = grid_flows(arrays, storage)
    held = income = activation = None
    short: list[Infeasibility] = []
    if arrays.reserves is not None:
        if reserve_kw is None:
            reserve_kw = np.zeros_like(arrays.reserves.upper_kw)
        held = trimmed(arrays, arrays.reserves, (setpoints, energies), reserve_kw)
        income, activation = reserve_money(arrays.reserves, held)
        short = commitment_shortfalls(arrays, held)
    return Outcome(
        setpoints=setpoints,
        energies=energies,
        storage_kw=storage,
        import_kw=imported,
        export_kw=exported,
        import_cost=float((arrays.buy_per_kwh * imported * hours).sum()),
        export_revenue=float((arrays.sell_per_kwh * exported * hours).sum()),
        wear_costs=[
            float((np.maximum(-p, 0.0) * hours).sum()) * d.device.wear_per_kwh
            for d, p in zip(arrays.devices, setpoints, strict=True)
        ],
        terminal_value=sum(
            d.terminal_value_per_kwh * float(e[-1])
            for d, e in zip(arrays.devices, energies, strict=True)
        ),
        misses=_misses(arrays, energies) + short,
        falls_short=_falls_short(arrays, energies) or bool(short),
        reserve_kw=held,
        reserve_income=income,
        activation_cost=activation,
    )


def _misses(arrays: ProblemArrays, energies: list[FloatArray]) -> list[Infeasibility]:
    """Requirements these energies miss that were not already known to be unreachable."""
    found: list[Infeasibility] = []
    for device, energy in zip(arrays.devices, energies, strict=True):
        known = {p.at for p in device.infeasibilities}
        miss = device.required_kwh - energy
        found.extend(
            Infeasibility(
                kind=InfeasibilityKind.DEPARTURE_TARGET
                if k in device.departing
                else InfeasibilityKind.END_SOC,
                device_id=device.device.device_id,
                at=arrays.boundaries[k],
                shortfall=float(miss[k]),
            )
            for k in indices(miss > _MISS_KWH)
            if arrays.boundaries[k] not in known
        )
    return found


def _falls_short(arrays: ProblemArrays, energies: list[FloatArray]) -> bool:
    """Whether any requirement ends below the most that could be reached there."""
    return any(
        bool(
            (
                np.minimum(device.required_kwh, device.energy_min_kwh) - energy
                > _MISS_KWH
            ).any()
        )
        for device, energy in zip(arrays.devices, energies, strict=True)
    )


def over_fuse(arrays: ProblemArrays, imported: FloatArray) -> list[Infeasibility]:
    """Slots where the site imports more than its limit."""
    over = imported - arrays.import_limit_kw
    return [
        Infeasibility(
            kind=InfeasibilityKind.IMPORT_LIMIT,
            device_id=None,
            at=arrays.boundaries[t],
            shortfall=float(over[t]),
        )
        for t in indices(over > _MISS_KWH)
    ]
