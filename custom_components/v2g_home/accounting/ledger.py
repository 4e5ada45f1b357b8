"""The site's ledger: kWh and money per device and for the site, lifetime, today and this month."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CURRENCY,
    CONF_GRID_METER_ENTITY,
    CONF_HOUSE_POWER_ENTITY,
    DEFAULTS,
    DOMAIN,
)
from .books import Books
from .continuity import continue_from, run_on_from
from .device_flows import (
    DeviceSample,
    flow_between,
    flow_until,
    has_counters,
    read_device,
    still_connected,
)
from .ledger_store import Restored, parse_stored, to_store
from .meters import meters_from, with_house
from .periods import Period, danish_date, danish_midnight, period_start

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from homeassistant.config_entries import ConfigEntry

    from ..coordinators.base import DeviceCoordinator
    from ..planner.accounting import Earnings, FlowEnergy, PriceWindow
    from ..pricing.coordinator import PriceCoordinator
    from .books import OutsideControl

type ExportSource = Literal["grid_meter", "house", "none"]

STORAGE_VERSION = 1
SAVE_DELAY_S = 10


def ledger_store_key(entry_id: str) -> str:
    """The .storage key of a site's ledger."""
    return f"{DOMAIN}.ledger.{entry_id}"


class Ledger:
    """Counts each device's charge, discharge to the home and export, priced at the slot's prices."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        devices: Mapping[str, DeviceCoordinator[Any]],
        prices: PriceCoordinator | None,
        wear_per_kwh: Callable[[], float] = lambda: 0.0,
    ) -> None:
        """Prepare (wear_per_kwh: the scheduler's wear setting, which may change at any time)."""
        self.hass = hass
        self.entry = entry
        self._wear_setting = wear_per_kwh
        self.devices = dict(devices)
        self.prices = prices
        settings = {**entry.data, **entry.options}
        self.currency: str = (
            prices.currency
            if prices is not None
            else settings.get(CONF_CURRENCY, DEFAULTS[CONF_CURRENCY])
        )
        self._meters = meters_from(hass, settings)
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, ledger_store_key(entry.entry_id)
        )
        self._books = Books(
            self.devices, day=danish_date(dt_util.utcnow()), currency=self.currency
        )
        self._samples: dict[str, DeviceSample] = {}
        self._resume: dict[str, DeviceSample] = {}
        self._last_data: dict[str, object] = {}
        self._listeners: list[CALLBACK_TYPE] = []
        self._unsubscribers: list[CALLBACK_TYPE] = []
        self._cancel_midnight: CALLBACK_TYPE | None = None
        self._started_at = dt_util.utcnow()

    @property
    def export_source(self) -> ExportSource:
        """What decides how much discharge was exported: the grid meter, the house load, or nothing."""
        if CONF_GRID_METER_ENTITY in self._meters:
            return "grid_meter"
        return "house" if CONF_HOUSE_POWER_ENTITY in self._meters else "none"

    def totals(self, device_id: str | None, period: Period) -> Earnings:
        """What V2G Home earned with one device (subentry id) or the site (None) over a period."""
        books = self._books
        totals = books.site if device_id is None else books.devices[device_id]
        return totals.period(period)

    def outside_control(self, device_id: str | None) -> OutsideControl:
        """Energy (lifetime) one device or the site moved while V2G Home did not drive it."""
        books = self._books
        return books.outside_site() if device_id is None else books.outside[device_id]

    def period_start(self, period: Period) -> datetime | None:
        """When the current day or month began; None for lifetime."""
        return period_start(self._books.site.day, period)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> Callable[[], None]:
        """Call `listener` whenever the totals change; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def async_load(self) -> None:
        """Restore the stored totals; a currency change starts the money over (amounts cannot mix)."""
        stored = await self._store.async_load()
        if not stored:
            return
        restored = parse_stored(stored, self.currency)
        if restored is None:
            return
        self._books.restore(
            site=restored.site,
            devices=restored.devices,
            outside=restored.outside,
            unpriced=restored.unpriced,
        )
        self._resume = restored.resume
        self._roll(dt_util.utcnow())

    @callback
    def async_start(self) -> None:
        """Listen to every device coordinator and the meters; roll the periods at Danish midnight."""
        self._started_at = dt_util.utcnow()
        for meter in self._meters.values():
            meter.async_start()
        for device_id, coordinator in self.devices.items():
            self._unsubscribers.append(
                coordinator.async_add_listener(
                    partial(self._on_device_update, device_id)
                )
            )
            self._on_device_update(device_id)
        if self.prices is not None:
            self._unsubscribers.append(self.prices.async_add_listener(self._on_prices))
        self._schedule_midnight()
        # Home Assistant stops without unloading the site: book the tail then, as at an unload.
        self._unsubscribers.append(
            self.hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, self._on_ha_stop)
        )

    async def _on_ha_stop(self, _event: Event) -> None:
        await self.async_stop(devices_run_on=True)

    async def async_stop(self, *, devices_run_on: bool = False) -> None:
        """Book what flowed since each device's last poll, stop counting and write the totals now.

        The tail is booked before the first await: the device coordinators shut down right after.
        `devices_run_on`: Home Assistant stops without handing the devices back (an unload does).
        """
        stopped_at = dt_util.utcnow()
        for device_id, last in self._samples.items():
            # A device with energy counters is read again after the start: its counters then cover
            # the tail and the whole downtime exactly. The others' tail is booked now at the last
            # power, and their run-on (if they run on) after the start.
            if has_counters(last):
                self._resume[device_id] = last
                continue
            self._add(device_id, flow_until(last, stopped_at), last, stopped_at)
            fail_safe_s = self.devices[device_id].fail_safe_s
            if devices_run_on and (
                run_on := run_on_from(last, stopped_at, fail_safe_s)
            ):
                self._resume[device_id] = run_on
        self._samples.clear()
        self._last_data.clear()
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        if self._cancel_midnight is not None:
            self._cancel_midnight()
            self._cancel_midnight = None
        for meter in self._meters.values():
            meter.async_stop()
        await self._store.async_save(self._to_store())

    def _to_store(self) -> dict[str, Any]:
        return to_store(
            Restored(
                site=self._books.site,
                devices=self._books.devices,
                outside=self._books.outside,
                unpriced=self._books.unpriced,
                resume=self._resume,
            )
        )

    @callback
    def _schedule_midnight(self) -> None:
        now = dt_util.utcnow()
        next_day = danish_midnight(danish_date(now) + timedelta(days=1))
        self._cancel_midnight = async_track_point_in_utc_time(
            self.hass, self._on_midnight, next_day
        )

    @callback
    def _on_midnight(self, now: datetime) -> None:
        self._roll(now)
        self._changed()
        self._schedule_midnight()

    def _roll(self, now: datetime) -> None:
        self._books.roll(danish_date(now))

    @callback
    def _changed(self) -> None:
        self._store.async_delay_save(self._to_store, SAVE_DELAY_S)
        for listener in list(self._listeners):
            listener()

    @callback
    def _on_device_update(self, device_id: str) -> None:
        """A poll arrived: count what flowed since the previous one.

        A failed poll breaks the chain, except for a device with energy counters: they bridge the
        outage at the next good poll.
        """
        coordinator = self.devices[device_id]
        if not coordinator.last_update_success:
            last = self._samples.pop(device_id, None)
            if last is not None and has_counters(last):
                self._resume[device_id] = last
            return
        if coordinator.data is self._last_data.get(device_id):
            return  # listeners told again about the same poll
        self._last_data[device_id] = coordinator.data
        sample = read_device(coordinator)
        if sample is None:
            self._samples.pop(device_id, None)
            return
        went_on = continue_from(
            self._resume.pop(device_id, None),
            self._samples.get(device_id),
            sample,
            started_at=self._started_at,
            still_connected=still_connected(coordinator),
        )
        changed = went_on.run_on is not None and self._add(device_id, *went_on.run_on)
        previous = went_on.previous
        sample = with_house(device_id, went_on.sample, self._samples, self._meters)
        self._samples[device_id] = sample
        if previous is not None and self._add(
            device_id, flow_between(previous, sample), previous, sample.at
        ):
            changed = True
        if changed:
            self._changed()

    def _add(
        self, device_id: str, flow: FlowEnergy, since: DeviceSample, end: datetime
    ) -> bool:
        """Book what flowed from the sample `since` to `end`; False when nothing flowed.

        It is V2G Home's when V2G Home drove the device at `since` (each mode change is polled right
        after it, so the interval before it belongs to the control in force before it).
        """
        return self._books.add(
            device_id,
            flow,
            (since.at, end),
            controlled=since.controlled,
            windows=self._windows(),
            wear_per_kwh=float(self._wear_setting()),
        )

    def _windows(self) -> Sequence[PriceWindow]:
        return () if self.prices is None else self.prices.data.slots

    @callback
    def _on_prices(self) -> None:
        if self._books.priced(
            self._windows(), dt_util.utcnow(), float(self._wear_setting())
        ):
            self._changed()
