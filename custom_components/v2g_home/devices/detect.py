"""Tell what answers at host:port/unit: a SunSpec device (DER or 802), a BiDiPro 10 or a Quasar 1.

Every probe only reads. The order goes from the most specific marker to the least: the SunSpec
"SunS" marker, the BiDiPro's model string (`crema`), then the Quasar's registers (settings that
can only be 0/1, its hardware power limit of 1380..7400 W and a known charger state).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from . import bidipro_map as bm, quasar_map as qm
from .bidipro import BiDiProCharger
from .charger import ChargerKind, ConnectorType
from .errors import DeviceProtocolError, DeviceTimeoutError, UnsupportedDeviceError
from .models import DeviceIdentity
from .quasar import STATES, QuasarCharger
from .register_blocks import plan_blocks, read_blocks
from .registers import Register, Value, decode
from .sunspec_discovery import SunSpecFlavour, discover, flavour, read_common
from .transport import ModbusTransport

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

DEFAULT_DETECT_TIMEOUT_S = 3.0


class DetectedKind(StrEnum):
    """What a device turned out to be."""

    QUASAR = "quasar"
    BIDIPRO = "evtec_bidipro"
    SUNSPEC_DER = "sunspec_der"
    SUNSPEC_BATTERY = "sunspec_battery"
    UNKNOWN = "unknown"

    @property
    def charger_kind(self) -> ChargerKind | None:
        """The charger driver for it (None: a pack or unknown)."""
        return {
            DetectedKind.QUASAR: ChargerKind.QUASAR,
            DetectedKind.BIDIPRO: ChargerKind.BIDIPRO,
            DetectedKind.SUNSPEC_DER: ChargerKind.SUNSPEC_DER,
        }.get(self)


@dataclass(frozen=True, kw_only=True)
class Detection:
    """The verdict: the kind, the identity when it could be read, and what else was learnt."""

    kind: DetectedKind
    identity: DeviceIdentity | None = None
    connector: int | None = None
    connector_type: ConnectorType | None = None
    sunspec_models: tuple[int, ...] = ()
    reason: str = ""


async def detect_device(
    host: str, port: int, unit_id: int, *, timeout_s: float = DEFAULT_DETECT_TIMEOUT_S
) -> Detection:
    """Connect, probe, close. DeviceConnectionError when nothing answers at all."""
    transport = ModbusTransport(host, port, unit_id, timeout_s=timeout_s)
    try:
        return await detect(transport)
    finally:
        await transport.close()


async def detect(transport: ModbusTransport) -> Detection:
    """Probe an open or openable transport; UNKNOWN (with the reasons) when no probe matches."""
    await transport.connect()
    probes: tuple[Callable[[ModbusTransport], Awaitable[Detection | None]], ...] = (
        _sunspec,
        _bidipro,
        _quasar,
    )
    reasons: list[str] = []
    answered = False
    for probe in probes:
        try:
            found = await probe(transport)
        except DeviceTimeoutError:
            if not answered:
                raise
            reasons.append(f"{probe.__name__.strip('_')}: no answer")
            continue
        except (DeviceProtocolError, UnsupportedDeviceError) as err:
            reasons.append(f"{probe.__name__.strip('_')}: {err}")
            answered = True
            continue
        answered = True
        if found is not None:
            return found
    return Detection(kind=DetectedKind.UNKNOWN, reason="; ".join(reasons))


async def _read(
    transport: ModbusTransport, registers: dict[str, Register]
) -> dict[str, Value]:
    blocks = plan_blocks(registers, max_gap=16, object_size=bm.OBJECT_SIZE)
    return decode(registers, await read_blocks(transport, blocks))


async def _sunspec(transport: ModbusTransport) -> Detection | None:
    try:
        models = await discover(transport)
    except UnsupportedDeviceError:
        return None
    found = tuple(sorted(models))
    try:
        kind = flavour(models)
    except UnsupportedDeviceError as err:
        return Detection(
            kind=DetectedKind.UNKNOWN, sunspec_models=found, reason=str(err)
        )
    der = kind is SunSpecFlavour.DER
    identity = await read_common(
        transport, models, "SunSpec DER storage" if der else "SunSpec battery"
    )
    return Detection(
        kind=DetectedKind.SUNSPEC_DER if der else DetectedKind.SUNSPEC_BATTERY,
        identity=identity,
        connector_type=ConnectorType.NONE,
        sunspec_models=found,
    )


async def _bidipro(transport: ModbusTransport) -> Detection | None:
    model = (await _read(transport, {"model": bm.MODEL}))["model"]
    if not isinstance(model, str) or bm.MODEL_MARKER not in model.lower():
        return None
    charger = BiDiProCharger(transport)
    identity = await charger.identify()
    try:
        await charger.connect()
    except UnsupportedDeviceError as err:
        return Detection(kind=DetectedKind.BIDIPRO, identity=identity, reason=str(err))
    return Detection(
        kind=DetectedKind.BIDIPRO,
        identity=identity,
        connector=charger.connector,
        connector_type=charger.connector_type,
    )


_QUASAR_FINGERPRINT = {
    "control_mode": qm.CONTROL_MODE,
    "auto_start": qm.AUTO_START,
    "setpoint_type": qm.SETPOINT_TYPE,
    "max_power": qm.POLL["max_power"],
    "state": qm.POLL["state"],
}


async def _quasar(transport: ModbusTransport) -> Detection | None:
    registers = {
        name: Register(address=reg.address, type=reg.type)
        for name, reg in _QUASAR_FINGERPRINT.items()
    }
    values = await _read(transport, registers)
    if not (
        all(
            values[name] in {0, 1}
            for name in ("control_mode", "auto_start", "setpoint_type")
        )
        and isinstance(values["max_power"], int)
        and qm.MIN_POWER_KW * 1000 <= values["max_power"] <= qm.MAX_POWER_KW * 1000
        and values["state"] in STATES
    ):
        return None
    identity = await QuasarCharger(transport).identify()
    return Detection(
        kind=DetectedKind.QUASAR,
        identity=identity,
        connector_type=ConnectorType.CHADEMO,
    )
