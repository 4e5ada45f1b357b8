"""Where the site reads the grid frequency: a profiled Modbus meter, a DER device's 701 Hz, or a sensor.

The first that is configured wins, fastest first: the meter in the site options, else the first
SunSpec DER device of the site, else the Hz sensor in the site options (slower: its own pace, so it
is offered for FCR-N only). Every read returns a FrequencyReading stamped when it was measured; a
source that fails returns one with the error, never raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.util import dt as dt_util

from ..const import (
    CONF_FREQUENCY_ENTITY,
    CONF_FREQUENCY_METER_HOST,
    CONF_FREQUENCY_METER_PORT,
    CONF_FREQUENCY_METER_PROFILE,
    CONF_FREQUENCY_METER_UNIT_ID,
)
from ..control.frequency import HZ_PER_UNIT, FrequencyReading, FrequencySource
from ..devices.errors import DeviceError
from ..devices.fast_read import der_frequency_hz
from ..devices.frequency_meter import FrequencyMeter, available_meter_profiles
from ..devices.sunspec_der import SunSpecDer
from ..devices.transport import ModbusTransport

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from ..coordinators.base import DeviceCoordinator


class FrequencyReader:
    """Reads the grid frequency from the source the site has (see the module text)."""

    def __init__(
        self,
        hass: HomeAssistant,
        options: Mapping[str, Any],
        devices: Mapping[str, DeviceCoordinator[Any]],
    ) -> None:
        """Choose the source; the meter's profile is loaded by async_setup."""
        self.hass = hass
        self.options = options
        self.meter: FrequencyMeter | None = None
        self.der_device: str | None = next(
            (k for k, c in devices.items() if isinstance(c.driver, SunSpecDer)), None
        )
        self._der = (
            devices[self.der_device].driver if self.der_device is not None else None
        )
        self.entity_id: str | None = options.get(CONF_FREQUENCY_ENTITY) or None
        self.error: str | None = None

    @property
    def kind(self) -> FrequencySource | None:
        """The source in use (None: nothing to read the frequency from)."""
        if self.meter is not None:
            return FrequencySource.METER
        if self._der is not None:
            return FrequencySource.DER
        return FrequencySource.ENTITY if self.entity_id else None

    def describe(self) -> dict[str, Any]:
        """The source for diagnostics (the meter's host is redacted there)."""
        meter = self.meter
        return {
            "kind": None if self.kind is None else self.kind.value,
            "host": None if meter is None else meter.transport.host,
            "profile": None if meter is None else meter.profile.id,
            "der_device": self.der_device,
            "entity_id": self.entity_id,
            "error": self.error,
        }

    async def async_setup(self) -> None:
        """Load the meter's profile (in the executor); a missing one is reported, not raised."""
        host = self.options.get(CONF_FREQUENCY_METER_HOST)
        if not host:
            return
        profiles = await self.hass.async_add_executor_job(available_meter_profiles)
        profile = profiles.get(str(self.options.get(CONF_FREQUENCY_METER_PROFILE)))
        if profile is None:
            self.error = "meter_profile_missing"
            return
        transport = ModbusTransport(
            str(host),
            int(self.options.get(CONF_FREQUENCY_METER_PORT) or profile.port),
            int(self.options.get(CONF_FREQUENCY_METER_UNIT_ID) or profile.unit_id),
            timeout_s=1.0,
        )
        self.meter = FrequencyMeter(transport, profile)

    async def async_close(self) -> None:
        """Close the meter's connection."""
        if self.meter is not None:
            await self.meter.close()

    async def async_read(self) -> FrequencyReading | None:
        """The frequency now from the chosen source (None: there is none)."""
        kind = self.kind
        if kind is None:
            return None
        if kind is FrequencySource.ENTITY:
            return self._read_entity()
        now = dt_util.utcnow()
        try:
            if self.meter is not None:
                hz = await self.meter.read_hz()
            else:
                assert isinstance(self._der, SunSpecDer)  # noqa: S101 - kind says so
                hz = await der_frequency_hz(self._der)
        except DeviceError as err:
            return FrequencyReading(
                hz=None, measured_at=now, source=kind, error=str(err)
            )
        # Stamped when the request went out: the value is at least that old.
        return FrequencyReading(hz=hz, measured_at=now, source=kind)

    def _read_entity(self) -> FrequencyReading:
        now = dt_util.utcnow()
        state = self.hass.states.get(self.entity_id or "")
        source = FrequencySource.ENTITY
        if state is None:
            return FrequencyReading(
                hz=None, measured_at=now, source=source, error="missing"
            )
        factor = HZ_PER_UNIT.get(str(state.attributes.get("unit_of_measurement")))
        try:
            value = float(state.state)
        except ValueError:
            # unavailable, unknown or text: the sensor gives no frequency now.
            return FrequencyReading(
                hz=None, measured_at=now, source=source, error=state.state
            )
        if factor is None:
            return FrequencyReading(
                hz=None, measured_at=now, source=source, error="unit"
            )
        # last_reported moves with every report, even of the same value.
        return FrequencyReading(
            hz=value * factor, measured_at=state.last_reported, source=source
        )
