"""Detection on the simulators: each kind is told apart by reading only, and the rest is UNKNOWN."""

from __future__ import annotations

import socket

import pytest

from custom_components.v2g_home.devices.charger import ChargerKind, ConnectorType
from custom_components.v2g_home.devices.detect import (
    DetectedKind,
    Detection,
    detect,
    detect_device,
)
from custom_components.v2g_home.devices.errors import (
    DeviceConnectionError,
    DeviceTimeoutError,
)
from custom_components.v2g_home.devices.simulator import (
    ConnectorKind,
    SimClock,
    SimDevice,
    SimulatedBiDiPro,
    SimulatedQuasar,
    SimulatedSunSpecPack,
)
from custom_components.v2g_home.devices.simulator.sunspec_der import (
    SimulatedDerStorage,
)
from custom_components.v2g_home.devices.transport import ModbusExceptionError

from .register_device import RegisterDevice, sunspec_words
from .simulator_helpers import serving


async def detected(device: SimDevice, **faults: object) -> Detection:
    """Serve the device (with faults switched on) and detect what it is."""
    async with serving(device) as server:
        for name, value in faults.items():
            setattr(server.faults, name, value)
        return await detect_device("127.0.0.1", server.port, 1, timeout_s=0.5)


async def test_a_quasar(clock: SimClock) -> None:
    found = await detected(SimulatedQuasar(clock))
    assert found.kind is DetectedKind.QUASAR
    assert found.kind.charger_kind is ChargerKind.QUASAR
    assert found.identity is not None
    assert found.identity.serial == str(0x0001E240)
    assert found.connector_type is ConnectorType.CHADEMO


async def test_a_bidipro_with_its_connector(clock: SimClock) -> None:
    evse = SimulatedBiDiPro(clock, connector=3, connector_kind=ConnectorKind.CCS)
    found = await detected(evse)
    assert found.kind is DetectedKind.BIDIPRO
    assert found.kind.charger_kind is ChargerKind.BIDIPRO
    assert (found.connector, found.connector_type) == (3, ConnectorType.CCS)
    assert found.identity is not None
    assert found.identity.serial == "EVT10-000123"
    assert evse.comm_timeout_s == 0  # detection never writes


async def test_a_bidipro_without_a_connector_is_still_a_bidipro(
    clock: SimClock,
) -> None:
    evse = SimulatedBiDiPro(clock, session_type=0, plugged_in=False)
    evse.booting = True
    found = await detected(evse)
    assert (found.kind, found.connector) == (DetectedKind.BIDIPRO, None)
    assert "no configured connector" in found.reason


async def test_sunspec_der_and_802(clock: SimClock) -> None:
    der = await detected(SimulatedDerStorage(clock))
    assert der.kind is DetectedKind.SUNSPEC_DER
    assert der.kind.charger_kind is ChargerKind.SUNSPEC_DER
    assert der.sunspec_models == (1, 701, 702, 704, 713)
    assert der.identity is not None
    assert der.identity.model == "Simulated DER storage"
    pack = await detected(SimulatedSunSpecPack(clock, base_address=50000))
    assert (pack.kind, pack.kind.charger_kind) == (DetectedKind.SUNSPEC_BATTERY, None)
    assert pack.sunspec_models == (1, 124, 802)


async def test_sunspec_without_storage_models_is_unknown() -> None:
    words = sunspec_words(40000, [(1, {"Mn": "Acme", "SN": "1"})])
    found = await detected(RegisterDevice(words))
    assert (found.kind, found.sunspec_models) == (DetectedKind.UNKNOWN, (1,))
    assert "model 802" in found.reason


async def test_something_else_is_unknown_with_reasons(clock: SimClock) -> None:
    """A bank of registers that fits no fingerprint; a device refusing everything."""
    bank = RegisterDevice(dict.fromkeys(range(1100), 0))
    found = await detected(bank)
    assert found.kind is DetectedKind.UNKNOWN
    assert found.kind.charger_kind is None
    refusing = await detected(SimulatedQuasar(clock), exception_code=4)
    assert refusing.kind is DetectedKind.UNKNOWN
    assert "exception 4" in refusing.reason


async def test_silence_and_nobody_are_connection_errors(clock: SimClock) -> None:
    with pytest.raises(DeviceTimeoutError):
        await detected(SimulatedQuasar(clock), delay_s=1.0)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DeviceConnectionError):
        await detect_device("127.0.0.1", port, 1, timeout_s=0.5)


class HalfDeaf:
    """A transport stand-in: the SunSpec bases are refused, everything else goes unanswered."""

    async def connect(self) -> None:
        """Already open."""

    async def read_holding(self, address: int, count: int) -> list[int]:
        """Exception 2 at the SunSpec bases, a timeout elsewhere."""
        if address in (0, 40000, 50000):
            raise ModbusExceptionError("no such register", 2)
        raise DeviceTimeoutError(f"no answer at {address}")


async def test_a_probe_that_times_out_after_an_answer_is_skipped() -> None:
    found = await detect(HalfDeaf())  # type: ignore[arg-type]
    assert found.kind is DetectedKind.UNKNOWN
    assert "bidipro: no answer" in found.reason
    assert "quasar: no answer" in found.reason
