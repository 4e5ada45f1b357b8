"""Keeps the site's buy and sell prices up to date and tells the user when none are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_utc_time_change,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..common.compat import vol
from ..const import (
    CONF_CURRENCY,
    CONF_PRICE_AREA,
    CONF_PRICE_ENTITY,
    CONF_PRICE_SOURCE,
    DEFAULTS,
    DOMAIN,
    LOGGER,
    SOURCE_ENTITY,
)
from ..prices.combine import apply_tariffs
from ..prices.energidataservice import EnergiDataServiceClient
from ..prices.entity_adapters import (
    detect_entity_format,
    parse_entity_prices,
    parse_nordpool_core_response,
)
from ..prices.lookahead import expected_after
from ..prices.models import (
    BuyAndSell,
    PriceError,
    PriceForecast,
    PriceSeries,
    RateLimitedError,
    empty_forecast,
)
from ..prices.schedule import (
    covers_day,
    danish_day,
    danish_midnight,
    known_until,
    next_fetch_after_failure,
    next_fetch_after_success,
)
from ..prices.series import merge_series
from ..prices.tariffs import TariffError
from .issues import update_tariff_issue
from .kept import KeptPrices, with_kept
from .settings import tariff_settings_from

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.config_entries import ConfigEntry

NO_PRICES_HORIZON_H = 12
ENTITY_POLL = timedelta(minutes=5)


class PriceCoordinator(DataUpdateCoordinator[PriceForecast]):
    """Fetches spot prices, applies the tariffs, and keeps serving known prices when fetching fails."""

    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read the price settings from the entry's data and options."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} prices",
            update_interval=None,
            always_update=True,
        )
        settings = {**entry.data, **entry.options}
        self.source: str = settings.get(CONF_PRICE_SOURCE, DEFAULTS[CONF_PRICE_SOURCE])
        self.area: str = settings.get(CONF_PRICE_AREA, DEFAULTS[CONF_PRICE_AREA])
        self.currency: str = settings.get(CONF_CURRENCY, DEFAULTS[CONF_CURRENCY])
        self.price_entity: str | None = settings.get(CONF_PRICE_ENTITY)
        self.tariffs = tariff_settings_from(hass, settings)
        self.issue_id = f"no_prices_{entry.entry_id}"
        self.tariff_issue_id = f"tariff_outdated_{entry.entry_id}"
        # One attempt per update and no waiting inside it: the update schedule does the
        # backing off, so setting up the entry never stalls on a slow or busy service.
        self._client = EnergiDataServiceClient(
            async_get_clientsession(hass), max_attempts=1, max_wait_s=0.0
        )
        self._spot = PriceSeries(currency=self.currency, source=self.source)
        self._fetched_at: datetime | None = None
        self._failures = 0
        self._stop_tick: Callable[[], None] | None = None
        self._stop_watch: Callable[[], None] | None = None
        self.data = empty_forecast(currency=self.currency, source=self.source)
        self._kept_prices = KeptPrices(hass, entry.entry_id, self.currency)
        self._kept: tuple[BuyAndSell, ...] = ()

    async def _async_setup(self) -> None:
        """Load the prices kept before a restart; refresh the entities at every quarter hour."""
        self._kept = await self._kept_prices.async_load(dt_util.utcnow())
        self._stop_tick = async_track_utc_time_change(
            self.hass, self._on_slot_boundary, minute=(0, 15, 30, 45), second=0
        )
        if self.source == SOURCE_ENTITY and self.price_entity:
            # A price entity that changes (or goes unavailable) is read at once, not at the next poll.
            self._stop_watch = async_track_state_change_event(
                self.hass, [self.price_entity], self._on_price_entity
            )

    async def async_shutdown(self) -> None:
        """Stop the quarter-hour tick as well as the refresh timer; keep the prices for the next start."""
        for stop in (self._stop_tick, self._stop_watch):
            if stop is not None:
                stop()
        self._stop_tick = self._stop_watch = None
        await super().async_shutdown()
        if self.data.slots:
            await self._kept_prices.async_flush(self.data)

    @callback
    def async_update_listeners(self) -> None:
        """Tell the listeners, and keep what they were told (for the next start, and for a refresh that comes back with less)."""
        if self.data.slots:
            self._kept = self.data.slots
            self._kept_prices.save(self.data)
        super().async_update_listeners()

    @callback
    def _on_price_entity(self, _event: Event[EventStateChangedData]) -> None:
        # Straight to a refresh, not through the debouncer: reading the attributes is cheap.
        self.config_entry.async_create_task(
            self.hass, self.async_refresh(), "v2g_home price entity changed"
        )

    @callback
    def _on_slot_boundary(self, now: datetime) -> None:
        self._update_issue(now)
        self.async_update_listeners()

    async def _async_update_data(self) -> PriceForecast:
        """Fetch, merge with what is known, apply tariffs; never fail, mark staleness instead."""
        now = dt_util.utcnow()
        error: str | None = None
        next_update: datetime | None = None
        try:
            fresh = await self._fetch(now)
        except PriceError as err:
            self._failures += 1
            retry_s = err.retry_after_s if isinstance(err, RateLimitedError) else 0.0
            next_update = next_fetch_after_failure(
                now, failures=self._failures, retry_after_s=retry_s
            )
            error = str(err)
            LOGGER.warning(
                "Prices could not be updated (%s); retrying at %s",
                err,
                next_update.isoformat(),
            )
        else:
            self._failures = 0
            self._fetched_at = now
            self._spot = merge_series(self._spot, fresh)
        keep_from = danish_midnight(danish_day(now, -1))
        self._spot = PriceSeries(
            currency=self._spot.currency,
            source=self._spot.source,
            slots=tuple(s for s in self._spot.slots if s.end > keep_from),
        )
        tomorrow_known = covers_day(known_until(self._spot), danish_day(now, 1))
        if next_update is None:
            next_update = (
                now + ENTITY_POLL
                if self._polls_attributes()
                else next_fetch_after_success(now, tomorrow_known=tomorrow_known)
            )
        self.update_interval = max(next_update - now, timedelta(seconds=1))
        try:
            slots = apply_tariffs(self._spot, self.tariffs)
        except TariffError as err:
            LOGGER.warning("Prices could not be computed: %s", err)
            slots, error = self.data.slots, str(err)
        # Until fresh prices cover them, the prices kept from before a restart go on.
        slots = with_kept(slots, self._kept, now)
        forecast = PriceForecast(
            currency=self.currency,
            source=self._spot.source,
            slots=slots,
            fetched_at=self._fetched_at,
            tomorrow_known=tomorrow_known,
            next_update=next_update.astimezone(UTC),
            stale=error is not None,
            last_error=error,
            expected=self._expected_after(slots),
        )
        self._update_issue(now, forecast)
        update_tariff_issue(self.hass, self.tariff_issue_id, self.tariffs.grid, now)
        return forecast

    def _expected_after(self, slots: tuple[BuyAndSell, ...]) -> tuple[BuyAndSell, ...]:
        """A day after the known prices, at expected prices (none if the tariffs cannot price them)."""
        try:
            return expected_after(slots, self.tariffs, self.currency)
        except TariffError:
            return ()

    def _polls_attributes(self) -> bool:
        return self.source == SOURCE_ENTITY and not self._is_core_nordpool()

    def _is_core_nordpool(self) -> bool:
        entity_id = self.price_entity or ""
        entry = er.async_get(self.hass).async_get(entity_id)
        state = self.hass.states.get(entity_id)
        has_attributes = (
            state is not None and detect_entity_format(state.attributes) is not None
        )
        return entry is not None and entry.platform == "nordpool" and not has_attributes

    async def _fetch(self, now: datetime) -> PriceSeries:
        if self.source != SOURCE_ENTITY:
            return await self._client.fetch_prices(
                area=self.area,
                currency=self.currency,
                first_day=danish_day(now),
                end_day=danish_day(now, 2),
            )
        if not self.price_entity:
            raise PriceError("no price entity is configured")
        if self._is_core_nordpool():
            return await self._fetch_core_nordpool(now)
        state = self.hass.states.get(self.price_entity)
        if state is None:
            raise PriceError(f"{self.price_entity} does not exist")
        series = parse_entity_prices(state.attributes, entity_id=self.price_entity)
        if series.currency != self.currency:
            raise PriceError(
                f"{self.price_entity} is in {series.currency}, the site is set to {self.currency}"
            )
        return series

    async def _fetch_core_nordpool(self, now: datetime) -> PriceSeries:
        entry = er.async_get(self.hass).async_get(self.price_entity or "")
        config_entry_id = entry.config_entry_id if entry else None
        series = PriceSeries(currency=self.currency, source="nordpool_core")
        for days_ahead in (0, 1):
            try:
                response = await self.hass.services.async_call(
                    "nordpool",
                    "get_prices_for_date",
                    {
                        "config_entry": config_entry_id,
                        "date": danish_day(now, days_ahead).isoformat(),
                        "areas": self.area,
                        "currency": self.currency,
                    },
                    blocking=True,
                    return_response=True,
                )
            except (HomeAssistantError, vol.Invalid) as err:
                if days_ahead == 0:
                    raise PriceError(f"Nord Pool action failed: {err}") from err
                continue  # tomorrow is not published yet
            series = merge_series(
                series,
                parse_nordpool_core_response(
                    response or {}, area=self.area, currency=self.currency
                ),
            )
        return series

    def _update_issue(
        self, now: datetime, forecast: PriceForecast | None = None
    ) -> None:
        """Raise a repair issue when the feed fails or the next 12 hours are not fully priced; clear it after."""
        current = forecast or self.data
        if not current.stale and current.covers_hours_ahead(now, NO_PRICES_HORIZON_H):
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="no_prices",
            translation_placeholders={
                "source": self.price_entity or f"Energi Data Service {self.area}",
                "error": current.last_error or "-",
            },
        )
