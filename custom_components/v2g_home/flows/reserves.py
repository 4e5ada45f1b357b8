"""Site options for reserves: on or off, the products, the aggregator's share, the offered hours, the band."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TimeSelector,
)

from ..common.compat import vol
from ..control.reserve_settings import (
    AGGREGATOR_SHARE,
    BAND_HIGH,
    BAND_LOW,
    OFFER_FROM,
    OFFER_TO,
    RESERVE_PRODUCTS,
    RESERVES,
    RESERVES_ON,
    ReserveSettings,
    offered_in,
)

if TYPE_CHECKING:
    from collections.abc import Mapping


def _percent(low: float, high: float) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=low,
            max=high,
            step=1,
            unit_of_measurement="%",
            mode=NumberSelectorMode.BOX,
        )
    )


def reserves_schema(defaults: Mapping[str, Any], area: str) -> dict[vol.Marker, Any]:
    """The reserves section of the site's options (collapsed; off until turned on), for its area."""
    current: Mapping[str, Any] = defaults.get(RESERVES) or {}
    settings = ReserveSettings.from_options(current, area=area)
    fields = {
        vol.Required(RESERVES_ON, default=settings.enabled): BooleanSelector(),
        vol.Required(RESERVE_PRODUCTS, default=list(settings.products)): SelectSelector(
            SelectSelectorConfig(
                options=list(offered_in(area)),
                multiple=True,
                translation_key=RESERVE_PRODUCTS,
            )
        ),
        vol.Required(
            AGGREGATOR_SHARE, default=round(settings.aggregator_share * 100)
        ): _percent(0, 95),
        vol.Required(
            OFFER_FROM, default=settings.offer_from.isoformat()
        ): TimeSelector(),
        vol.Required(OFFER_TO, default=settings.offer_to.isoformat()): TimeSelector(),
        vol.Required(BAND_LOW, default=settings.soc_low_pct): _percent(0, 100),
        vol.Required(BAND_HIGH, default=settings.soc_high_pct): _percent(0, 100),
    }
    return {
        vol.Optional(RESERVES): section(
            vol.Schema(fields), {"collapsed": not settings.enabled}
        )
    }


def validate_reserves(user_input: Mapping[str, Any]) -> dict[str, str]:
    """A band must be a band, and reserves on need at least one product; errors by field."""
    chosen: Mapping[str, Any] = user_input.get(RESERVES) or {}
    errors: dict[str, str] = {}
    if chosen.get(RESERVES_ON) and not chosen.get(RESERVE_PRODUCTS):
        errors[RESERVES] = "reserve_products_empty"
    if float(chosen.get(BAND_LOW, 0)) >= float(chosen.get(BAND_HIGH, 100)):
        errors[RESERVES] = "reserve_band_invalid"
    return errors
