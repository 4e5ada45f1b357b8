"""The demo's dashboard: the plan card, one card per V2G Home device, the plan calendar, graphs of SoC and power."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo_ha import HomeAssistantClient, JsonDict

# A dashboard of its own (HA 2026 opens its new Overview instead of the default dashboard at /lovelace).
DASHBOARD_URL = "v2g-home"
DASHBOARD_PATH = "v2g"
# The ledger's amounts (lifetime, _today, _month): the site card shows those enabled by default.
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


@dataclass(frozen=True, kw_only=True)
class DemoDevice:
    """One V2G Home device and the entities its card shows, as the registries list them."""

    device_id: str
    name: str
    kind: str
    is_car: bool
    entity_ids: tuple[str, ...]


def is_ledger(translation_key: str | None) -> bool:
    """Tell the ledger's amounts from the device's own values."""
    base = (translation_key or "").removesuffix("_today").removesuffix("_month")
    return base in LEDGER_KEYS


def shown_on_card(entity: JsonDict, kind: str) -> bool:
    """Device values and controls; not diagnostics, not the devices' ledger, not the site's settings or calendar."""
    if entity["disabled_by"] is not None or entity["hidden_by"] is not None:
        return False
    if entity["entity_category"] == "diagnostic" or entity["entity_id"].startswith(
        "calendar."
    ):
        return False
    if kind == "site":
        return entity["entity_category"] != "config"
    return not is_ledger(entity["translation_key"])


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
        devices.append(
            DemoDevice(
                device_id=device["id"],
                name=device["name_by_user"] or device["name"] or "",
                kind=kind,
                is_car=is_car(device),
                entity_ids=tuple(
                    entity["entity_id"]
                    for entity in entities
                    if shown_on_card(entity, kind)
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
    """A sections view: the plan card across the top, then a card per device, the calendar and the graphs."""
    site = next(device for device in devices if device.kind == "site")
    plan = {"type": "custom:v2g-plan-card", "site": site.device_id}
    device_cards = [
        entities_card(device.name, device.name, device.entity_ids, states)
        for device in devices
        if device.entity_ids
    ]
    graphs = [
        {
            "type": "history-graph",
            "title": title,
            "hours_to_show": 0.5,
            "entities": entity_ids,
        }
        for title, device_class in (("State of charge", "battery"), ("Power", "power"))
        if (entity_ids := sensors_of_class(devices, states, device_class))
    ]
    calendars = [
        entity_id
        for entity_id in states
        if entity_id.startswith("calendar.") and entity_id.endswith("_plan")
    ]
    if calendars:
        graphs.append(
            {"type": "calendar", "initial_view": "listWeek", "entities": calendars}
        )
    sections = [
        {"type": "grid", "column_span": 2, "cards": [plan]},
        *({"type": "grid", "cards": [card]} for card in device_cards),
        {"type": "grid", "cards": graphs},
    ]
    return {
        "title": "V2G Home demo",
        "views": [
            {
                "title": "V2G Home",
                "path": DASHBOARD_PATH,
                "type": "sections",
                "max_columns": 3,
                "sections": sections,
            }
        ],
    }


async def publish_dashboard(
    client: HomeAssistantClient, devices: list[DemoDevice]
) -> None:
    """Create the demo's dashboard (once) and fill it; it shows in the sidebar."""
    states = {
        state["entity_id"]: state for state in await client.get_json("/api/states")
    }
    (existing,) = await client.websocket([{"type": "lovelace/dashboards/list"}])
    if not any(board["url_path"] == DASHBOARD_URL for board in existing):
        await client.websocket(
            [
                {
                    "type": "lovelace/dashboards/create",
                    "url_path": DASHBOARD_URL,
                    "title": "V2G Home",
                    "icon": "mdi:car-electric",
                    "show_in_sidebar": True,
                    "require_admin": False,
                    "mode": "storage",
                }
            ]
        )
    await client.websocket(
        [
            {
                "type": "lovelace/config/save",
                "url_path": DASHBOARD_URL,
                "config": dashboard(devices, states),
            }
        ]
    )
