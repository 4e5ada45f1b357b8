"""Wide values (float32, uint64), reads that respect object boundaries, and multi-register writes."""

from __future__ import annotations

import struct

import pytest

from custom_components.v2g_home.devices.errors import DeviceProtocolError
from custom_components.v2g_home.devices.register_blocks import read_blocks
from custom_components.v2g_home.devices.registers import (
    Block,
    Register,
    RegisterType,
    WordOrder,
    decode,
    encode,
    plan_blocks,
)

from .conftest import open_transport
from .register_device import RegisterDevice
from .simulator_helpers import serving

F32 = RegisterType.FLOAT32
U64 = RegisterType.UINT64
U16 = RegisterType.UINT16


def float_words(value: float) -> list[int]:
    return list(struct.unpack(">HH", struct.pack(">f", value)))


def test_float32_is_big_endian_and_scaled() -> None:
    """-3500.5 W over two words, high word first; a scale applies like for integers."""
    high, low = float_words(-3500.5)
    registers = {
        "w": Register(address=0, type=F32),
        "kw": Register(address=2, type=F32, scale=0.001),
    }
    values = decode(registers, {0: high, 1: low, 2: high, 3: low})
    assert values == {"w": -3500.5, "kw": pytest.approx(-3.5005)}
    swapped = decode(
        {"w": registers["w"]}, {0: low, 1: high}, word_order=WordOrder.LITTLE
    )
    assert swapped == {"w": -3500.5}


def test_float32_nan_is_no_value_and_infinity_is_garbage() -> None:
    register = {"w": Register(address=0, type=F32)}
    nan = float_words(float("nan"))
    assert decode(register, dict(enumerate(nan))) == {"w": None}
    inf = float_words(float("inf"))
    with pytest.raises(DeviceProtocolError, match="register 0"):
        decode(register, dict(enumerate(inf)))


def test_float32_is_checked_for_plausibility_and_encodes_back() -> None:
    register = Register(address=0, type=F32, plausible=(-11000, 11000))
    with pytest.raises(DeviceProtocolError, match="outside"):
        decode({"w": register}, dict(enumerate(float_words(1e9))))
    assert encode(register, -3500.5) == float_words(-3500.5)
    assert encode(register, 2.0, word_order=WordOrder.LITTLE) == float_words(2.0)[::-1]
    with pytest.raises(ValueError, match="not a number"):
        encode(register, float("inf"))


def test_uint64_spans_four_words() -> None:
    """Bit 39 of an error bitmask arrives as the top bit of the second word."""
    register = {"bits": Register(address=0, type=U64)}
    words = {0: 0, 1: 0x0080, 2: 0, 3: 0x0005}
    assert decode(register, words) == {"bits": (1 << 39) | 5}
    assert register["bits"].words == 4
    assert encode(register["bits"], (1 << 39) | 5) == [0, 0x0080, 0, 0x0005]


def test_sunspec_uint64_all_ones_is_not_implemented() -> None:
    register = {"e": Register(address=0, type=U64)}
    words = dict.fromkeys(range(4), 0xFFFF)
    assert decode(register, words, sunspec=True) == {"e": None}
    assert decode(register, words) == {"e": (1 << 64) - 1}


def test_blocks_never_cross_an_object_boundary() -> None:
    """Objects of 100 registers: 95-99 and 100-104 are two reads even with a wide gap allowed."""
    registers = {
        "end_of_first": Register(address=95, type=U16),
        "last": Register(address=98, type=RegisterType.INT32),
        "start_of_second": Register(address=100, type=U16),
        "later": Register(address=104, type=U16),
    }
    assert plan_blocks(registers, max_gap=50) == [
        Block(
            address=95,
            count=10,
            names=("end_of_first", "last", "start_of_second", "later"),
        )
    ]
    assert plan_blocks(registers, max_gap=50, object_size=100) == [
        Block(address=95, count=5, names=("end_of_first", "last")),
        Block(address=100, count=5, names=("start_of_second", "later")),
    ]


def test_a_register_across_a_boundary_is_refused() -> None:
    with pytest.raises(ValueError, match="straddles"):
        plan_blocks(
            {"bad": Register(address=99, type=RegisterType.INT32)}, object_size=100
        )


async def test_write_registers_is_one_request_and_checks_words() -> None:
    """FC16 writes both words of an int32 together; words out of range never reach the wire."""
    device = RegisterDevice(dict.fromkeys(range(10, 14), 0), writable={10, 11, 12, 13})
    int32 = Register(address=10, type=RegisterType.INT32)
    async with serving(device) as server:
        transport = await open_transport(server)
        try:
            before = server.request_count
            await transport.write_registers(10, encode(int32, -2))
            assert server.request_count - before == 1
            assert device.writes == [(10, 0xFFFF), (11, 0xFFFE)]
            words = await read_blocks(transport, [Block(address=10, count=4, names=())])
            assert words == {10: 0xFFFF, 11: 0xFFFE, 12: 0, 13: 0}
            with pytest.raises(ValueError, match="16-bit"):
                await transport.write_registers(10, [0x10000])
            with pytest.raises(ValueError, match="cannot write"):
                await transport.write_registers(10, [])
        finally:
            await transport.close()
