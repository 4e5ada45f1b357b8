"""V2G Home specifics of the demo: the site entry, its charger and pack subentries, and their devices."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from demo_config import DEMO_PRICE_ENTITY
from demo_dashboard import DemoDevice, list_devices
from demo_ha import DemoSetupError, HomeAssistantClient, JsonDict

DOMAIN = "v2g_home"
FLOW_PATH = "/api/config/config_entries/flow"
SUBENTRY_FLOW_PATH = "/api/config/config_entries/subentries/flow"


@dataclass(frozen=True, kw_only=True)
class SimulatedHosts:
    """Where the simulator listens."""

    host: str
    quasar_port: int  # the charger's port, whichever charger it is
    pack_port: int
    charger: str = "quasar"


def site_answers(prices: str) -> JsonDict:
    """Answers for the site flow (demo prices from the template sensor, or Energi Data Service DK1)."""
    answers: JsonDict = {"name": "Demo home", "price_area": "DK1", "currency": "DKK"}
    if prices != "energidataservice":
        return {**answers, "price_source": "entity", "price_entity": DEMO_PRICE_ENTITY}
    return {**answers, "price_source": "energidataservice"}


def charger_answers(hosts: SimulatedHosts) -> JsonDict:
    """Answers for the charger subentry flow: the simulated charger (detected) with a 40 kWh Leaf.

    The simulator counts the fail-safe timeout in simulated seconds. The demo runs in real time, where either
    outlasts the 10 s poll; the Quasar's longest (3600 s) also stays over a poll up to --speed 60, the
    BiDiPro's at most 600 s up to --speed 30.
    """
    return {
        "host": hosts.host,
        "port": hosts.quasar_port,
        "unit_id": 1,
        "leaf_pack": "40",
        "failsafe_timeout_s": 600 if hosts.charger == "evtec" else 3600,
    }


def pack_answers(hosts: SimulatedHosts) -> JsonDict:
    """Answers for the pack subentry flow: the simulated SunSpec pack, auto-detected."""
    return {
        "host": hosts.host,
        "port": hosts.pack_port,
        "unit_id": 1,
        "pack_driver": "sunspec",
    }


async def wait_for_demo_prices(client: HomeAssistantClient, timeout_s: float) -> None:
    """Wait until the demo price sensor carries today and tomorrow (HA renders template attributes after it starts)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        states = await client.get_json("/api/states")
        found = next((s for s in states if s["entity_id"] == DEMO_PRICE_ENTITY), None)
        if found is not None and all(
            found["attributes"].get(day) for day in ("raw_today", "raw_tomorrow")
        ):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise DemoSetupError(
                f"{DEMO_PRICE_ENTITY} had no prices within {timeout_s:.0f} s: {found}"
            )
        await asyncio.sleep(1)


async def ensure_site(
    client: HomeAssistantClient, hosts: SimulatedHosts, prices: str
) -> str:
    """Create the site entry and one charger and one pack subentry unless they exist; return the entry id."""
    if prices != "energidataservice":
        await wait_for_demo_prices(client, timeout_s=60)
    entries = await client.get_json(f"/api/config/config_entries/entry?domain={DOMAIN}")
    if entries:
        entry_id = str(entries[0]["entry_id"])
        print(f"demo: reusing the V2G Home site entry {entries[0]['title']!r}")
    else:
        result = await client.run_flow(FLOW_PATH, DOMAIN, site_answers(prices))
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


async def wait_for_devices(
    client: HomeAssistantClient, entry_id: str, timeout_s: float
) -> list[DemoDevice]:
    """Wait until the charger, the car and the pack have entities with values."""
    deadline = asyncio.get_running_loop().time() + timeout_s
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
        if asyncio.get_running_loop().time() > deadline:
            entries = await client.get_json(
                f"/api/config/config_entries/entry?domain={DOMAIN}"
            )
            entry: JsonDict = next(
                (e for e in entries if e["entry_id"] == entry_id), {}
            )
            raise DemoSetupError(
                f"V2G Home devices did not show up within {timeout_s:.0f} s "
                f"(entry state {entry.get('state')!r}, reason {entry.get('reason')!r}); devices: {devices}"
            )
        await asyncio.sleep(2)
