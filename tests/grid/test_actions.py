"""The reserve actions, the log export, diagnostics and each device's reserve offer, in Home Assistant."""

from __future__ import annotations

import csv
from datetime import timedelta
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.v2g_home.const import DOMAIN
from custom_components.v2g_home.control.reserve import Commitment, ReserveProduct
from custom_components.v2g_home.control.response import ResponseState
from custom_components.v2g_home.devices.simulator import SimulatedBiDiPro
from tests.helpers.ha import state
from tests.helpers.registry import find_device
from tests.helpers.services import device_of
from tests.helpers.site import bidipro_subentry, pack_subentry

from .helpers import grid_site, meter_options, serving, start, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.core import HomeAssistant, ServiceResponse
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from custom_components.v2g_home.devices.simulator import ModbusSimulator, SimClock
    from custom_components.v2g_home.grid.audit_log import LogRow

BIDIPRO_MODE = "select.evtec_bidipro_10_control_mode"
BIDIPRO_OFFER = "sensor.evtec_bidipro_10_frequency_reserves"
HZ_SENSOR = "sensor.grid_frequency_meter"


def _responding(rows: Iterable[LogRow]) -> int:
    """How many logged seconds were answered."""
    return sum(row.state is ResponseState.RESPONDING for row in rows)


async def act(hass: HomeAssistant, action: str, **data: Any) -> ServiceResponse:
    """Call an action of the integration and wait for it."""
    return await hass.services.async_call(
        DOMAIN,
        action,
        data,
        blocking=True,
        return_response=action == "export_frequency_log",
    )


async def refused(hass: HomeAssistant, action: str, **data: Any) -> str:
    """The translation key of the error an action call ends in."""
    with pytest.raises(ServiceValidationError) as caught:
        await act(hass, action, **data)
    assert caught.value.translation_domain == DOMAIN
    return str(caught.value.translation_key)


async def test_set_reserved_power_commits_replaces_and_ends_by_hand(
    hass: HomeAssistant, live_clock: SimClock, meter_server: ModbusSimulator
) -> None:
    """Each call replaces what was set by hand before; all 0 ends it; the others' commitments stay."""
    async with serving(SimulatedBiDiPro(live_clock)) as server:
        entry = grid_site(
            [bidipro_subentry(server.port)], **meter_options(meter_server.port)
        )
        responder = await start(hass, entry, [BIDIPRO_MODE])
        (device_id,) = entry.runtime_data.devices
        device = device_of(hass, BIDIPRO_MODE)
        assert state(hass, BIDIPRO_OFFER) == "fcr_n_and_fcr_d"
        now = dt_util.utcnow()
        await act(
            hass,
            "set_reserved_power",
            device_id=device,
            fcr_d_up_kw=3.0,
            duration={"hours": 2},
        )
        (held,) = responder.book.commitments
        assert (held.product, held.kw, held.source) == (
            ReserveProduct.FCR_D_UP,
            3.0,
            "manual",
        )
        assert abs(held.end - now - timedelta(hours=2)) < timedelta(seconds=5)
        aggregator = Commitment(
            device_id=device_id,
            product=ReserveProduct.FCR_D_DOWN,
            kw=1.0,
            start=now,
            end=now + timedelta(hours=1),
            source="commit_reserve",
        )
        await responder.book.async_commit([aggregator])
        await act(hass, "set_reserved_power", device_id=device, fcr_n_kw=2.0)
        reserved = responder.book.reserved(device_id, dt_util.utcnow())
        assert (reserved.fcr_n_kw, reserved.fcr_d_up_kw, reserved.fcr_d_down_kw) == (
            2.0,
            0.0,
            1.0,
        )
        await act(hass, "set_reserved_power", device_id=device)
        assert {c.source for c in responder.book.commitments} == {"commit_reserve"}
        await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"fcr_n_kw": 60.0}, "invalid_reserve"),
        ({"fcr_d_down_kw": -1.0}, "invalid_reserve"),
        ({"fcr_n_kw": 1.0, "duration": {"hours": 49}}, "invalid_duration"),
        ({"fcr_n_kw": 1.0, "duration": {"seconds": 0}}, "invalid_duration"),
        ({"fcr_d_up_kw": 1.0}, "reserve_too_slow"),  # a Hz sensor is too slow for FCR-D
    ],
)
async def test_set_reserved_power_refuses_what_cannot_be_held(
    hass: HomeAssistant, live_clock: SimClock, data: dict[str, Any], key: str
) -> None:
    """Out of range, too long, or a product the device cannot deliver in time: a translated error."""
    hass.states.async_set(HZ_SENSOR, "50.0", {"unit_of_measurement": "Hz"})
    async with serving(SimulatedBiDiPro(live_clock)) as server:
        entry = grid_site([bidipro_subentry(server.port)], frequency_entity=HZ_SENSOR)
        responder = await start(hass, entry, [BIDIPRO_MODE])
        assert state(hass, BIDIPRO_OFFER) == "fcr_n_only"
        device = device_of(hass, BIDIPRO_MODE)
        assert (
            await refused(hass, "set_reserved_power", device_id=device, **data) == key
        )
        site = find_device(hass, entry.entry_id, entry.entry_id)
        assert site is not None
        assert (
            await refused(hass, "set_reserved_power", device_id=site.id, fcr_n_kw=1.0)
            == "reserve_needs_device"
        )
        assert responder.book.commitments == ()
        await act(hass, "set_reserved_power", device_id=device, fcr_n_kw=1.0)
        assert len(responder.book.commitments) == 1
        await hass.config_entries.async_unload(entry.entry_id)


async def test_a_device_without_speed_or_source_offers_nothing(
    hass: HomeAssistant, pack_server: ModbusSimulator
) -> None:
    """A SunSpec 802 pack: its speed is not known, so no product is offered and none can be held."""
    entry = grid_site([pack_subentry(pack_server.port)])
    await start(hass, entry, [])
    mode = "select.v2g_home_simulated_sunspec_pack_control_mode"
    offer = "sensor.v2g_home_simulated_sunspec_pack_frequency_reserves"
    assert state(hass, offer) == "speed_unknown"
    device = device_of(hass, mode)
    for product in ("fcr_n_kw", "fcr_d_up_kw", "fcr_d_down_kw"):
        key = await refused(
            hass, "set_reserved_power", device_id=device, **{product: 1.0}
        )
        assert key == "reserve_speed_unknown"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_log_is_exported_as_csv_and_in_redacted_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    live_clock: SimClock,
    meter_server: ModbusSimulator,
) -> None:
    """A few committed seconds: the export writes them as CSV; diagnostics carry them, hosts redacted."""
    async with serving(SimulatedBiDiPro(live_clock)) as server:
        entry = grid_site(
            [bidipro_subentry(server.port)], **meter_options(meter_server.port)
        )
        responder = await start(hass, entry, [BIDIPRO_MODE])
        (device_id,) = entry.runtime_data.devices
        device = device_of(hass, BIDIPRO_MODE)
        await act(hass, "set_reserved_power", device_id=device, fcr_n_kw=2.0)
        # Under load the first seconds may log a transient state (a reading not yet fresh).
        await wait_for(
            lambda: _responding(responder.trail.recent.get(device_id, ())) >= 4,
            20,
            "4 s responding",
        )
        result = await act(hass, "export_frequency_log", config_entry_id=entry.entry_id)
        assert result is not None
        path = Path(str(result["path"]))
        assert path.is_relative_to(Path(hass.config.path(DOMAIN, "exports")))
        text = await hass.async_add_executor_job(path.read_text)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == result["rows"] >= 4
        assert {row["device"] for row in rows} == {"EVTEC BiDiPro 10"}
        assert {row["fcr_n_kw"] for row in rows} == {"2"}
        assert sum(row["state"] == "responding" for row in rows) >= 4
        assert {row["state"] for row in rows} <= {
            state.value for state in ResponseState
        }
        one = await act(hass, "export_frequency_log", device_id=device)
        assert one is not None
        assert one["rows"] >= result["rows"]
        late = dt_util.utcnow()
        for bad in (
            {"start": late, "end": late - timedelta(hours=1)},
            {"start": late - timedelta(days=8), "end": late},
        ):
            assert (
                await refused(hass, "export_frequency_log", **bad)
                == "invalid_log_range"
            )
        diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
        assert "127.0.0.1" not in json.dumps(diagnostics)
        response = diagnostics["frequency_response"]
        assert response["source"]["kind"] == "meter"
        assert response["commitments"][0]["product"] == "fcr_n"
        assert response["devices"][device_id]["log_max_gap_s"] < 2.0
        assert response["log_csv"].startswith("time,device,frequency_hz")
        assert response["log_csv"].count("\n") >= 5
        await hass.config_entries.async_unload(entry.entry_id)
