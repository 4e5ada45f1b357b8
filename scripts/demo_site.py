"""V2G Home specifics of the demo: the site entry, its charger and pack subentries, a dashboard, and motion."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from demo_ha import DemoSetupError, HomeAssistantClient, JsonDict

DOMAIN = "v2g_home"
FLOW_PATH = "/api/config/config_entries/flow"
SUBENTRY_FLOW_PATH = "/api/config/config_entries/subentries/flow"
DASHBOARD_PATH = "v2g"


@dataclass(frozen=True, kw_only=True)
class SimulatedHosts:
    """Where the simulator listens."""

    host: str
    quasar_port: int
    pack_port: int


def site_answers() -> JsonDict:
    """Answers for the site flow; fields not named here keep the flow's defaults."""
    return {"name": "Demo home", "price_area": "DK1"}


def charger_answers(hosts: SimulatedHosts) -> JsonDict:
    """Answers for the charger subentry flow: the simulated Quasar 1 with a 40 kWh Leaf."""
    return {
        "host": hosts.host,
        "port": hosts.quasar_port,
        "unit_id": 1,
        "leaf_pack": "40",
    }


def pack_answers(hosts: SimulatedHosts) -> JsonDict:
    """Answers for the pack subentry flow: the simulated SunSpec pack, auto-detected."""
    return {
        "host": hosts.host,
        "port": hosts.pack_port,
        "unit_id": 1,
        "pack_driver": "sunspec",
    }


async def ensure_site(client: HomeAssistantClient, hosts: SimulatedHosts) -> str:
    """Create the site entry and one charger and one pack subentry unless they exist; return the entry id."""
    entries = await client.get_json(f"/api/config/config_entries/entry?domain={DOMAIN}")
    if entries:
        entry_id = str(entries[0]["entry_id"])
        print(f"demo: reusing the V2G Home site entry {entries[0]['title']!r}")
    else:
        result = await client.run_flow(FLOW_PATH, DOMAIN, site_answers())
        if result["type"] != "create_entry":
            raise DemoSetupError(f"site flow aborted: {result.get('reason')}")
        entry_id = str(result["result"]["entry_id"])
        print(f"demo: created the V2G Home site entry {result['title']!r}")
    (subentries,) = await client.websocket(
        [{"type": "config_entries/subentries/list", "entry_id": entry_id}]
    )
    existing = {subentry["subentry_type"] for subentry in subentries}
    wanted = {"charger": charger_answers(hosts), "pack": pack_answers(hosts)}
    for subentry_type, answers in wanted.items():
        if subentry_type in existing:
            continue
        result = await client.run_flow(
            SUBENTRY_FLOW_PATH, [entry_id, subentry_type], answers
        )
        if result["type"] != "create_entry":
            raise DemoSetupError(
                f"{subentry_type} flow aborted: {result.get('reason')}"
            )
        print(f"demo: added the {subentry_type} {result['title']!r}")
    return entry_id


@dataclass(frozen=True, kw_only=True)
class DemoDevice:
    """One V2G Home device and its entities, as the registries list them."""

    name: str
    kind: str
    is_car: bool
    entity_ids: tuple[str, ...]


async def wait_for_devices(
    client: HomeAssistantClient, entry_id: str, timeout_s: float
) -> list[DemoDevice]:
    """Wait until the charger, the car and the pack have entities with values; reload the entry once if stuck."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    reloaded = False
    while True:
        devices = await list_devices(client, entry_id)
        states = {
            state["entity_id"]: state["state"]
            for state in await client.get_json("/api/states")
        }
        kinds = {device.kind for device in devices}
        has_values = any(
            states.get(entity_id) not in (None, "unavailable", "unknown")
            for device in devices
            for entity_id in device.entity_ids
        )
        if (
            {"charger", "pack"} <= kinds
            and any(device.is_car for device in devices)
            and has_values
        ):
            return devices
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining < timeout_s / 2 and not reloaded:
            await client.call_service(
                "homeassistant", "reload_config_entry", {"entry_id": entry_id}
            )
            reloaded = True
        if remaining < 0:
            raise DemoSetupError(
                f"V2G Home devices did not show up within {timeout_s:.0f} s: {devices}"
            )
        await asyncio.sleep(2)


async def list_devices(client: HomeAssistantClient, entry_id: str) -> list[DemoDevice]:
    """List the entry's devices with their visible entities, car first, then chargers, then packs."""
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
        entity_ids = tuple(
            entity["entity_id"]
            for entity in entity_list
            if entity["device_id"] == device["id"]
            and entity["entity_category"] != "diagnostic"
            and entity["disabled_by"] is None
            and entity["hidden_by"] is None
        )
        subentries = device["config_entries_subentries"].get(entry_id) or [None]
        devices.append(
            DemoDevice(
                name=device["name_by_user"] or device["name"] or "",
                kind=kind_of_subentry.get(subentries[0], "site"),
                is_car=is_car(device),
                entity_ids=entity_ids,
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


def dashboard(devices: list[DemoDevice]) -> JsonDict:
    """A one-view dashboard: an entities card per device and a history graph of SoC and power."""
    cards: list[JsonDict] = [
        {
            "type": "entities",
            "title": device.name,
            "state_color": True,
            "entities": list(device.entity_ids),
        }
        for device in devices
        if device.entity_ids
    ]
    soc_and_power = [
        entity_id
        for device in devices
        for entity_id in device.entity_ids
        if entity_id.startswith("sensor.")
        and (
            "soc" in entity_id
            or "state_of_charge" in entity_id
            or entity_id.endswith("_power")
        )
    ]
    if soc_and_power:
        cards.append(
            {
                "type": "history-graph",
                "title": "State of charge and power",
                "hours_to_show": 1,
                "entities": soc_and_power,
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
    await client.websocket(
        [{"type": "lovelace/config/save", "config": dashboard(devices)}]
    )


async def start_motion(client: HomeAssistantClient, devices: list[DemoDevice]) -> None:
    """Put the charger into charge and a pack into discharge so values move while the demo runs."""
    states: dict[str, Any] = {
        state["entity_id"]: state for state in await client.get_json("/api/states")
    }
    wanted = {"charger": "charge", "pack": "discharge"}
    for device in devices:
        option = wanted.get(device.kind)
        if option is None or device.is_car:
            continue
        for entity_id in device.entity_ids:
            options = states.get(entity_id, {}).get("attributes", {}).get("options", [])
            if entity_id.startswith("select.") and option in options:
                await client.call_service(
                    "select",
                    "select_option",
                    {"entity_id": entity_id, "option": option},
                )
                print(f"demo: {entity_id} -> {option}")
