"""A DK1 site with reserves on: it plans DK1's FCR in its 4-hour blocks and takes bids for whole blocks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.planner.reserve_blocks import block_span
from custom_components.v2g_home.planner.reserve_products import PRODUCTS
from tests.grid.helpers import meter_options
from tests.helpers.recorded import FIXTURES
from tests.helpers.scheduling import scheduler_of
from tests.helpers.services import charger_device
from tests.helpers.site import charger_subentry, pack_subentry

from .test_reserves import (  # noqa: F401
    RESERVES,
    _auto,
    _entity,
    meter_server,
    reserve_site,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.test_util.aiohttp import (
        AiohttpClientMocker,
    )

    from custom_components.v2g_home.devices.simulator import ModbusSimulator

FCR_DK1_URL = "https://api.energidataservice.dk/dataset/FcrDK1"
FCR_DK1_FIXTURE = (
    FIXTURES.parent / "reserves" / "FcrDK1_2025-03-30_dst_constructed.json"
)


@pytest.fixture
def entry(
    quasar_server: ModbusSimulator,
    pack_server: ModbusSimulator,
    meter_server: ModbusSimulator,  # noqa: F811
    aioclient_mock: AiohttpClientMocker,
) -> MockConfigEntry:
    """The simulated site in DK1 (the default area) with DK1's FCR on; its results from a recorded reply."""
    aioclient_mock.get(
        FCR_DK1_URL, json=json.loads(FCR_DK1_FIXTURE.read_text(encoding="utf-8"))
    )
    return reserve_site(
        [charger_subentry(quasar_server.port), pack_subentry(pack_server.port)],
        "DK1",
        {**RESERVES, "reserve_products": ["fcr_dk1"]},
        **meter_options(meter_server.port),
    )


async def _bid(hass: HomeAssistant, product: str, hours: int) -> str:
    """The translation key commit_reserve refuses a bid from the next block's start with."""
    start = block_span(PRODUCTS["fcr_dk1"], dt_util.utcnow())[1]
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "commit_reserve",
            {
                "device_id": charger_device(hass),
                "product": product,
                "start": dt_util.as_local(start),
                "hours": hours,
                "power_kw": 1.0,
            },
            blocking=True,
        )
    return str(raised.value.translation_key)


async def test_a_dk1_site_plans_dk1s_fcr_in_whole_blocks(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Only DK1's FCR is held, the same kW through each 4-hour block; bids must be whole blocks of it."""
    await _auto(hass, loaded_entry)
    plan = scheduler_of(loaded_entry).plan
    assert plan is not None
    assert plan.reserves
    assert {held.product for held in plan.reserves} == {"fcr_dk1"}
    assert plan.totals.reserve_income > 0
    spec = PRODUCTS["fcr_dk1"]
    for held in plan.reserves:
        blocks: dict[object, set[float]] = {}
        for slot, kw in zip(plan.slots, held.kw, strict=True):
            blocks.setdefault(block_span(spec, slot.start), set()).add(round(kw, 3))
        assert all(len(kws) == 1 for kws in blocks.values())
    state = hass.states.get(_entity(hass, f"{loaded_entry.entry_id}_reserved_fcr_dk1"))
    assert state is not None
    assert state.attributes["offer"]
    assert await _bid(hass, "fcr_dk1", 2) == "reserve_not_whole_blocks"
    assert await _bid(hass, "fcr_n", 1) == "reserve_not_offered"
