"""What the demo sets after V2G Home is added: the car's trip, control modes, the Energy dashboard, the locale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from demo_ha import DemoSetupError, HomeAssistantClient, JsonDict

if TYPE_CHECKING:
    from demo_dashboard import DemoDevice

# The demo's car needs 40 % at its 07:00 departure (a short commute), so from about 60 % it can sell at the peak;
# with the default 80 % it would only ever sell what lies above 80 %.
DEMO_DEPARTURE_TARGET_PCT = 40
# A Danish household's profile: 24-hour times in the home's own time zone, whatever the browser's defaults are.
DANISH_HOME_LOCALE: JsonDict = {
    "language": "en",
    "number_format": "language",
    "time_format": "24",
    "date_format": "language",
    "time_zone": "server",
    "first_weekday": "language",
}


@dataclass(frozen=True, kw_only=True)
class DemoEntities:
    """The demo's entities by (device kind, translation key), read from the entity registry."""

    by_key: dict[tuple[str, str], str]

    def get(self, kind: str, key: str) -> str:
        """The entity of a device kind (site, charger, pack) with that translation key."""
        try:
            return self.by_key[kind, key]
        except KeyError:
            raise DemoSetupError(f"no {kind} entity with key {key!r}") from None


async def demo_entities(
    client: HomeAssistantClient, devices: list[DemoDevice]
) -> DemoEntities:
    """Every V2G Home entity of the demo's devices, keyed by its device's kind and its translation key."""
    (entities,) = await client.websocket([{"type": "config/entity_registry/list"}])
    kinds = {device.device_id: device.kind for device in devices if not device.is_car}
    return DemoEntities(
        by_key={
            (kinds[entity["device_id"]], entity["translation_key"]): entity["entity_id"]
            for entity in entities
            if entity["device_id"] in kinds and entity["translation_key"]
        }
    )


async def set_modes(
    client: HomeAssistantClient, entities: DemoEntities, modes: dict[str, str]
) -> None:
    """Set each device kind's control mode as a user would in the UI ("off" leaves it alone)."""
    for kind, mode in modes.items():
        if mode == "off":
            continue
        entity_id = entities.get(kind, "control_mode")
        await client.call_service(
            "select", "select_option", {"entity_id": entity_id, "option": mode}
        )
        print(f"demo: {entity_id} -> {mode}")


async def set_departure_target(
    client: HomeAssistantClient, entities: DemoEntities
) -> None:
    """The demo's short commute (see DEMO_DEPARTURE_TARGET_PCT)."""
    await client.call_service(
        "number",
        "set_value",
        {
            "entity_id": entities.get("site", "departure_target_soc"),
            "value": DEMO_DEPARTURE_TARGET_PCT,
        },
    )


def energy_sources(entities: DemoEntities, *, unified_grid: bool) -> list[JsonDict]:
    """Energy sold as return to grid (export revenue as its compensation), each battery's energy in and out."""
    sold = entities.get("site", "sold_energy")
    revenue = entities.get("site", "export_revenue")
    grid: JsonDict
    if (
        unified_grid
    ):  # Home Assistant 2026: one grid connection with import and export fields
        grid = {
            "type": "grid",
            "stat_energy_from": None,
            "stat_energy_to": sold,
            "stat_compensation": revenue,
            "cost_adjustment_day": 0,
        }
    else:  # Home Assistant 2025: lists of flows from and to the grid
        grid = {
            "type": "grid",
            "flow_from": [],
            "flow_to": [
                {
                    "stat_energy_to": sold,
                    "stat_compensation": revenue,
                    "entity_energy_price": None,
                    "number_energy_price": None,
                }
            ],
            "cost_adjustment_day": 0,
        }
    batteries = [
        {
            "type": "battery",
            "stat_energy_from": entities.get(kind, "energy_discharged"),
            "stat_energy_to": entities.get(kind, "energy_charged"),
        }
        for kind in ("charger", "pack")
    ]
    return [grid, *batteries]


async def configure_energy(client: HomeAssistantClient, entities: DemoEntities) -> None:
    """Set up the Energy dashboard as a user would; each Home Assistant end takes its own grid layout."""
    errors: list[str] = []
    for unified in (True, False):
        prefs: dict[str, Any] = {
            "energy_sources": energy_sources(entities, unified_grid=unified),
            "device_consumption": [],
        }
        try:
            await client.websocket([{"type": "energy/save_prefs", **prefs}])
        except DemoSetupError as err:
            errors.append(str(err))
            continue
        return
    raise DemoSetupError(f"the Energy dashboard refused both layouts: {errors}")


async def set_locale(client: HomeAssistantClient) -> None:
    """The demo user's profile takes the home's locale (DANISH_HOME_LOCALE), not the browser's defaults."""
    await client.websocket(
        [
            {
                "type": "frontend/set_user_data",
                "key": "language",
                "value": DANISH_HOME_LOCALE,
            }
        ]
    )


async def keep_http_config(client: HomeAssistantClient) -> None:
    """HA 2026 moves the YAML http settings into a trial it reverts after five minutes unless confirmed: confirm."""
    try:
        await client.websocket([{"type": "http/config/promote"}])
    except DemoSetupError as err:
        if "unknown_command" not in str(err) and "not_allowed" not in str(err):
            raise  # HA 2025 has no such command; nothing pending is "not allowed"


async def prepare_demo(
    client: HomeAssistantClient, devices: list[DemoDevice], modes: dict[str, str]
) -> None:
    """Everything a user would click after adding the devices."""
    await keep_http_config(client)
    entities = await demo_entities(client, devices)
    await set_departure_target(client, entities)
    await configure_energy(client, entities)
    await set_locale(client)
    await set_modes(client, entities, modes)
