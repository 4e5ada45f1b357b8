"""The demo's dashboard: one card per V2G Home device, today's earnings, and graphs of state of charge and power."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo_ha import HomeAssistantClient, JsonDict

DASHBOARD_PATH = "v2g"
# The ledger's amounts (lifetime, _today, _month) would bury the device values; the site card shows today's.
LEDGER_KEYS = frozenset(
    {
        "sold_energy",
        "charged_energy",
        "home_energy",
        "export_revenue",
        "charge_cost",
        "avoided_cost",
        "wear_cost",
        "net_profit",
    }
)
EARNINGS_KEYS = (
    "sold_energy_today",
    "export_revenue_today",
    "charge_cost_today",
    "net_profit_today",
)


@dataclass(frozen=True, kw_only=True)
class DemoDevice:
    """One V2G Home device and the entities its card shows, as the registries list them."""

    name: str
    kind: str
    is_car: bool
    entity_ids: tuple[str, ...]
    earnings_ids: tuple[str, ...] = ()


def is_ledger(translation_key: str | None) -> bool:
    """Tell the ledger's amounts from the device's own values."""
    base = (translation_key or "").removesuffix("_today").removesuffix("_month")
    return base in LEDGER_KEYS


def shown_on_card(entity: JsonDict, kind: str) -> bool:
    """Device values and controls; not diagnostics, not the ledger, and not the site's settings."""
    if entity["disabled_by"] is not None or entity["hidden_by"] is not None:
        return False
    if entity["entity_category"] == "diagnostic" or is_ledger(
        entity["translation_key"]
    ):
        return False
    return not (kind == "site" and entity["entity_category"] == "config")


async def list_devices(client: HomeAssistantClient, entry_id: str) -> list[DemoDevice]:
    """List the entry's devices with the entities to show: the car first, then chargers, packs and the site."""
    device_list, entity_list, subentry_list = await client.websocket(
        [
            {"type": "config/device_registry/list"},
            {"type": "config/entity_registry/list"},
            {"type": "config_entries/subentries/list", "entry_id": entry_id},
        ]
    )
    kind_of_subentry = {
        sub["subentry_id"]: sub["subentry_type"] for sub in subentry_list
    }
    devices: list[DemoDevice] = []
    for device in device_list:
        if entry_id not in device["config_entries"]:
            continue
        subentries = device["config_entries_subentries"].get(entry_id) or [None]
        kind = kind_of_subentry.get(subentries[0], "site")
        entities = [
            entity for entity in entity_list if entity["device_id"] == device["id"]
        ]
        earnings = {
            entity["translation_key"]: entity["entity_id"] for entity in entities
        }
        devices.append(
            DemoDevice(
                name=device["name_by_user"] or device["name"] or "",
                kind=kind,
                is_car=is_car(device),
                entity_ids=tuple(
                    entity["entity_id"]
                    for entity in entities
                    if shown_on_card(entity, kind)
                ),
                earnings_ids=tuple(
                    earnings[key]
                    for key in EARNINGS_KEYS
                    if key in earnings and kind == "site"
                ),
            )
        )
    order = {"charger": 1, "pack": 2, "site": 3}
    return sorted(
        devices, key=lambda d: (0 if d.is_car else order.get(d.kind, 4), d.name)
    )


def is_car(device: JsonDict) -> bool:
    """Tell the Leaf from the charger it is plugged into."""
    text = f"{device['manufacturer']} {device['model']} {device['name']}".lower()
    return "leaf" in text or "nissan" in text


def row_name(device_name: str, friendly_name: str) -> str:
    """An entity's name without its device's name in front (the card's title already says it)."""
    if friendly_name.startswith(device_name) and friendly_name != device_name:
        rest = friendly_name.removeprefix(device_name).strip()
        return rest[:1].upper() + rest[1:]
    return friendly_name


def entities_card(
    title: str, device_name: str, entity_ids: tuple[str, ...], states: dict[str, Any]
) -> JsonDict:
    """An entities card whose rows are named without the device's name."""
    rows = [
        {
            "entity": entity_id,
            "name": row_name(
                device_name,
                str(
                    states.get(entity_id, {})
                    .get("attributes", {})
                    .get("friendly_name", entity_id)
                ),
            ),
        }
        for entity_id in entity_ids
    ]
    return {"type": "entities", "title": title, "state_color": True, "entities": rows}


def sensors_of_class(
    devices: list[DemoDevice], states: dict[str, Any], device_class: str
) -> list[str]:
    """The devices' sensors of one device class (battery = state of charge, power)."""
    return [
        entity_id
        for device in devices
        for entity_id in device.entity_ids
        if entity_id.startswith("sensor.")
        and states.get(entity_id, {}).get("attributes", {}).get("device_class")
        == device_class
    ]


def dashboard(devices: list[DemoDevice], states: dict[str, Any]) -> JsonDict:
    """A one-view dashboard: a card per device, today's earnings, history graphs of state of charge and power."""
    cards = [
        entities_card(device.name, device.name, device.entity_ids, states)
        for device in devices
        if device.entity_ids
    ]
    cards += [
        entities_card(f"{device.name}: today", device.name, device.earnings_ids, states)
        for device in devices
        if device.earnings_ids
    ]
    for title, device_class in (("State of charge", "battery"), ("Power", "power")):
        if entity_ids := sensors_of_class(devices, states, device_class):
            cards.append(
                {
                    "type": "history-graph",
                    "title": title,
                    "hours_to_show": 0.25,
                    "entities": entity_ids,
                }
            )
    return {
        "title": "V2G Home demo",
        "views": [{"title": "V2G Home", "path": DASHBOARD_PATH, "cards": cards}],
    }


async def publish_dashboard(
    client: HomeAssistantClient, devices: list[DemoDevice]
) -> None:
    """Make the demo dashboard the default one."""
    states = {
        state["entity_id"]: state for state in await client.get_json("/api/states")
    }
    await client.websocket(
        [{"type": "lovelace/config/save", "config": dashboard(devices, states)}]
    )
