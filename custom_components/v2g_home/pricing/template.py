"""A grid tariff given as a Home Assistant template, rendered for each slot's start in Danish time."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from homeassistant.exceptions import TemplateError
from homeassistant.helpers.template import Template

from ..prices.tariffs import DANISH_TIME, TariffError

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

SAMPLE_START = datetime(2026, 1, 14, 18, 0, tzinfo=DANISH_TIME)


class TemplateTariff:
    """Renders the template with `start` (slot start, Danish time) and `now()` returning the same instant."""

    name = "template"
    valid_to: date | None = None

    def __init__(self, hass: HomeAssistant, text: str) -> None:
        """Compile the template once."""
        self._template = Template(text, hass)

    def rate_per_kwh(self, when: datetime) -> float:
        """Return the template's number for the slot starting at the instant (TariffError if it is no number)."""
        start = when.astimezone(DANISH_TIME)
        try:
            value = self._template.async_render(
                {"start": start, "now": lambda: start}, parse_result=False
            )
            return float(value)
        except (TemplateError, ValueError) as err:
            raise TariffError(
                f"the tariff template gave no number for {start.isoformat()}: {err}"
            ) from err

    def holds_on(self, day: date) -> bool:  # noqa: ARG002
        """A template is the user's own: always current."""
        return True


def template_error(hass: HomeAssistant, text: str) -> str | None:
    """Return why a tariff template cannot be used, or None when it renders a number."""
    try:
        TemplateTariff(hass, text).rate_per_kwh(SAMPLE_START)
    except TariffError as err:
        return str(err)
    return None
