"""The register images of a simulated BiDiPro 10: the ChargePoint object and the car's connector."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bidipro_registers import (
    OBJECT_SIZE,
    SESSION_UP_STATES,
    ChargePoint,
    Connector,
    ConnectorState,
    float32_words,
    int32_words,
    string_words,
    uint64_words,
)

if TYPE_CHECKING:
    from .bidipro import SimulatedBiDiPro

_SESSION_ACTIVE = 1


def _place(image: list[int], offset: int, words: list[int]) -> None:
    image[offset : offset + len(words)] = words


def identity_words(charger: SimulatedBiDiPro) -> list[int]:
    """The ChargePoint object: firmware, serial, model and the communication timeout."""
    image = [0] * OBJECT_SIZE
    _place(image, ChargePoint.FIRMWARE, string_words(charger.firmware, 16))
    _place(image, ChargePoint.SERIAL, string_words(charger.serial, 10))
    _place(image, ChargePoint.MODEL, string_words(charger.model, 10))
    _place(image, ChargePoint.COMM_TIMEOUT, int32_words(charger.comm_timeout_s))
    return image


def connector_words(
    charger: SimulatedBiDiPro, state: ConnectorState, flow_w: float
) -> list[int]:
    """The configured connector's object for the given state and flow."""
    image = [0] * OBJECT_SIZE
    session_up = state in SESSION_UP_STATES
    floor, ceiling, charge_floor = charger.windows_w()
    soc_per_mille = (
        round(charger.stored_energy_kwh / charger.capacity_kwh * 1000)
        if session_up
        else 0
    )
    _place(image, Connector.STATE, int32_words(state))
    _place(
        image,
        Connector.SESSION_STATE,
        int32_words(_SESSION_ACTIVE if charger.plugged_in else 0),
    )
    _place(image, Connector.SESSION_TYPE, int32_words(charger.session_type))
    _place(image, Connector.POWER, float32_words(flow_w))
    _place(image, Connector.SOC, int32_words(soc_per_mille))
    _place(image, Connector.CONNECTOR_TYPE, int32_words(charger.connector_kind))
    _place(image, Connector.DISCHARGE_FLOOR, float32_words(floor if session_up else 0))
    _place(image, Connector.CHARGE_CEILING, float32_words(ceiling if session_up else 0))
    _place(image, Connector.CHARGE_FLOOR, float32_words(charge_floor))
    _place(image, Connector.ERRORS, uint64_words(charger.error_bits))
    car_id = charger.car_id if charger.plugged_in else ""
    _place(image, Connector.CAR_ID, string_words(car_id, 10))
    _place(image, Connector.SETPOINT, int32_words(charger.setpoint_w))
    _place(image, Connector.SUSPEND, int32_words(charger.suspend))
    return image


def garbage_words(base: int) -> dict[int, int]:
    """Implausible raw words: SoC 2500 per mille, 1e9 W, state 99, connector type 7."""
    words: dict[int, int] = {}
    for offset, value in (
        (Connector.STATE, int32_words(99)),
        (Connector.SOC, int32_words(2500)),
        (Connector.POWER, float32_words(1e9)),
        (Connector.CONNECTOR_TYPE, int32_words(7)),
    ):
        words.update(enumerate(value, start=base + offset))
    return words
