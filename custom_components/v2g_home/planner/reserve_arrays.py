"""Reserves as arrays: per device, product and slot the kW that may be held, its income and its cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from .array_types import BoolArray, FloatArray, IntArray
from .reserve_blocks import Blocks, blocks_of
from .reserve_model import ReserveMarket, ReserveOffer
from .reserve_products import cost_share

if TYPE_CHECKING:
    from .arrays import DeviceArrays
    from .slot import Slot
_EDGE_KWH = 1e-6  # energy bounds this close to a rule's edge meet it


@dataclass(frozen=True, kw_only=True)
class ReserveArrays:
    """The reserve part of a problem (m taking part devices, P products, T slots, T + 1 boundaries).

    A slot carries the rules (headroom and energy at both of its boundaries) where `rules` is set;
    `upper_kw` is 0 wherever a product cannot be held. Slots of one bid block share one reserve
    (`linked`: slot t is in the same block as slot t - 1).
    """

    market: ReserveMarket
    devices: tuple[int, ...]  # indices into ProblemArrays.devices
    upper_kw: FloatArray  # (m, P, T)
    committed_kw: FloatArray  # (m, P, T)
    income_per_kw: FloatArray  # (P, T): (1 - aggregator share) x price x hours
    activation_per_kw: FloatArray  # (m, P, T): expected activation cost per kW held
    linked: BoolArray  # (P, T)
    block: IntArray  # (P, T): block number of each slot, -1 outside any block
    floor_kwh: FloatArray  # (m, T + 1): stored energy the rules count from
    top_kwh: FloatArray  # (m, T + 1): the most that may be stored
    rules: BoolArray  # (m, T)

    @property
    def up_factor(self) -> FloatArray:
        """(P,) discharge headroom per kW held."""
        return np.array([p.up_factor for p in self.market.products])

    @property
    def down_factor(self) -> FloatArray:
        """(P,) charge headroom per kW held."""
        return np.array([p.down_factor for p in self.market.products])

    @property
    def drain_h(self) -> FloatArray:
        """(P,) hours of full upward activation the stored energy must cover."""
        return np.array([p.drain_h for p in self.market.products])

    @property
    def fill_h(self) -> FloatArray:
        """(P,) hours of full downward activation the room must take."""
        return np.array([p.fill_h for p in self.market.products])

    def sliced(self, n_slots: int) -> ReserveArrays:
        """The first `n_slots` slots (a lookahead's horizon part)."""
        k = n_slots + 1
        return ReserveArrays(
            market=self.market,
            devices=self.devices,
            upper_kw=self.upper_kw[:, :, :n_slots],
            committed_kw=self.committed_kw[:, :, :n_slots],
            income_per_kw=self.income_per_kw[:, :n_slots],
            activation_per_kw=self.activation_per_kw[:, :, :n_slots],
            linked=self.linked[:, :n_slots],
            block=self.block[:, :n_slots],
            floor_kwh=self.floor_kwh[:, :k],
            top_kwh=self.top_kwh[:, :k],
            rules=self.rules[:, :n_slots],
        )


def offered_slots(
    market: ReserveMarket, device_id: str, slots: tuple[Slot, ...], available: BoolArray
) -> BoolArray | None:
    """Slots in which a device is offered (inside an offer window and available); None: no offer."""
    offer = market.offer(device_id)
    if offer is None:
        return None
    if offer.windows is None:
        return available.copy()
    inside = np.array(
        [
            any(w.start <= s.start and s.end <= w.end for w in offer.windows)
            for s in slots
        ],
        dtype=bool,
    )
    result: BoolArray = inside & available
    return result


def band_kwh(
    offer: ReserveOffer, capacity_kwh: float, offered: BoolArray
) -> tuple[list[float], list[float]]:
    """The offer's SoC band in kWh at the boundaries of offered slots (0 / inf elsewhere)."""
    touched = np.zeros(offered.size + 1, dtype=bool)
    touched[:-1] |= offered
    touched[1:] |= offered
    low = np.where(touched, offer.soc_low * capacity_kwh, 0.0)
    high = np.where(touched, offer.soc_high * capacity_kwh, np.inf)
    return low.tolist(), high.tolist()


def _rule_bounds(
    device: DeviceArrays, offer: ReserveOffer, offered: BoolArray
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Per boundary the energy the rules count from and up to; per slot whether the rules apply.

    The rules count from the floor (or the band, or a departure's requirement, whichever is
    higher) and up to the top (or the band's). A slot takes reserves only if the plan's own energy
    bounds already keep both of its boundaries inside that range, so holding nothing stays feasible.
    """
    spec = device.device
    cap = spec.capacity_kwh
    floor = max(spec.soc_min, spec.reserve_soc, offer.soc_low) * cap
    top = min(spec.soc_max, offer.soc_high) * cap
    floor_kwh = np.maximum(floor, device.required_kwh)
    top_kwh = np.full(floor_kwh.size, top)
    inside = (device.energy_min_kwh >= floor_kwh - _EDGE_KWH) & (
        device.energy_max_kwh <= top_kwh + _EDGE_KWH
    )
    rules: BoolArray = offered & inside[:-1] & inside[1:]
    return floor_kwh, top_kwh, rules


def compile_reserves(
    market: ReserveMarket,
    slots: tuple[Slot, ...],
    devices: tuple[DeviceArrays, ...],
    offered: dict[int, BoolArray],
    prices: tuple[FloatArray, FloatArray],
) -> ReserveArrays:
    """The reserve arrays of a problem whose devices are compiled (`offered`: per device index)."""
    products = market.products
    n_slots = len(slots)
    taking_part = tuple(sorted(offered))
    m = len(taking_part)
    buy, sell = prices
    starts = np.array([s.start.timestamp() for s in slots])
    seconds = np.array([s.duration.total_seconds() for s in slots])
    hours = seconds / 3600.0
    edges = (starts, starts + seconds)
    by_length: dict[int, Blocks] = {}
    for product in products:
        if product.block_hours not in by_length:
            by_length[product.block_hours] = blocks_of(product, slots, edges)
    blocks = [by_length[product.block_hours] for product in products]
    income = np.zeros((len(products), n_slots))
    for p, (product, block) in enumerate(zip(products, blocks, strict=True)):
        income[p] = (
            (1.0 - market.aggregator_share)
            * _block_prices(market, product.key, block)
            * hours
        )
    shape = (m, len(products), n_slots)
    upper, committed, activation = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    floor_kwh = np.zeros((m, n_slots + 1))
    top_kwh = np.zeros((m, n_slots + 1))
    rules = np.zeros((m, n_slots), dtype=bool)
    for i, index in enumerate(taking_part):
        device = devices[index]
        spec = device.device
        offer = market.offer(spec.device_id) or ReserveOffer(device_id=spec.device_id)
        floor_kwh[i], top_kwh[i], rules[i] = _rule_bounds(device, offer, offered[index])
        limit = (
            spec.max_charge_kw + spec.max_discharge_kw
        )  # the headroom rules bind first
        round_trip = buy - spec.charge_efficiency * spec.discharge_efficiency * sell
        # Per block length: the same for every product sold in such blocks.
        holdable: dict[int, BoolArray] = {}
        for p, (product, block) in enumerate(zip(products, blocks, strict=True)):
            share = market.activation_of(product)
            activation[i, p] = (
                cost_share(product, share) * (round_trip + spec.wear_per_kwh) * hours
            )
            committed[i, p] = _committed(market, spec.device_id, product.key, edges)
            if product.block_hours not in holdable:
                holdable[product.block_hours] = _holdable(
                    block, rules[i], hours, market.closed_until
                )
            held = holdable[product.block_hours]
            sold = held & (income[p] != 0.0) & offer.may_hold(product.key)
            open_kw = np.where(sold, limit, 0.0)
            # An accepted bid fixes the hour: exactly it is held there, where the device can.
            upper[i, p] = np.where(committed[i, p] > 0, committed[i, p], open_kw)
            upper[i, p] = np.where(rules[i], upper[i, p], 0.0)
    return ReserveArrays(
        market=market,
        devices=taking_part,
        upper_kw=upper,
        committed_kw=committed,
        income_per_kw=income,
        activation_per_kw=activation,
        linked=np.stack([b.linked for b in blocks])
        if blocks
        else np.zeros((0, n_slots), dtype=bool),
        block=np.stack([b.number for b in blocks])
        if blocks
        else np.zeros((0, n_slots), dtype=int),
        floor_kwh=floor_kwh,
        top_kwh=top_kwh,
        rules=rules,
    )


def _block_prices(market: ReserveMarket, key: str, blocks: Blocks) -> FloatArray:
    """Per slot the price of its block (NaN-free: 0 where a block lacks a price for any hour)."""
    hours = market.prices.get(key, {})
    per_block = np.zeros(
        len(blocks.spans) + 1
    )  # the last entry for slots outside any block
    step = timedelta(hours=1)
    for number, (start, end) in enumerate(blocks.spans):
        moment, total, count = start, 0.0, 0
        while moment < end:
            price = hours.get(moment)
            if price is None:
                count = 0
                break
            total += price
            count += 1
            moment += step
        if count:
            per_block[number] = total / count
    result: FloatArray = per_block[blocks.number]
    return result


def _committed(
    market: ReserveMarket,
    device_id: str,
    key: str,
    edges: tuple[FloatArray, FloatArray],
) -> FloatArray:
    """Per slot the kW accepted for this device and product (commitments overlapping the slot)."""
    starts, ends = edges
    result = np.zeros(starts.size)
    for c in market.commitments:
        if c.device_id == device_id and c.product == key:
            overlap = (c.start.timestamp() < ends) & (starts < c.end.timestamp())
            result[overlap] += c.kw
    return result


def _holdable(
    blocks: Blocks, rules: BoolArray, hours: FloatArray, closed_until: datetime | None
) -> BoolArray:
    """Slots whose whole block lies in the horizon, open for bids, with every slot able to hold."""
    inside = blocks.number >= 0
    if not blocks.spans:
        return np.zeros(hours.size, dtype=bool)
    number = blocks.number[inside]
    count = len(blocks.spans)
    covered = np.bincount(number, weights=hours[inside], minlength=count)
    blocked = np.bincount(
        number, weights=(~rules[inside]).astype(float), minlength=count
    )
    length = np.array(
        [(end - start).total_seconds() / 3600.0 for start, end in blocks.spans]
    )
    is_open = np.array(
        [closed_until is None or start >= closed_until for start, _ in blocks.spans]
    )
    good = (np.abs(covered - length) < 1e-9) & (blocked == 0) & is_open
    result = np.zeros(hours.size, dtype=bool)
    result[inside] = good[number]
    return result
