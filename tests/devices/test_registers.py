"""Register maps as data: block planning, decoding (signs, words, strings, SunSpec) and encoding."""

from __future__ import annotations

import pytest

from custom_components.v2g_home.devices.errors import DeviceProtocolError
from custom_components.v2g_home.devices.registers import (
    Block,
    Register,
    RegisterType,
    WordOrder,
    decode,
    encode,
    plan_blocks,
    words_by_address,
)

U16 = RegisterType.UINT16
I16 = RegisterType.INT16


def test_contiguous_registers_share_one_block_and_gaps_split() -> None:
    """Neighbours merge; a gap larger than max_gap starts a new read."""
    registers = {
        "b": Register(address=11, type=U16),
        "a": Register(address=10, type=U16),
        "c": Register(address=12, type=RegisterType.UINT32),
        "far": Register(address=30, type=U16),
    }
    assert plan_blocks(registers) == [
        Block(address=10, count=4, names=("a", "b", "c")),
        Block(address=30, count=1, names=("far",)),
    ]
    assert plan_blocks(registers, max_gap=16) == [
        Block(address=10, count=21, names=("a", "b", "c", "far"))
    ]


def test_block_size_is_capped() -> None:
    """No read exceeds max_count words; a register bigger than that is refused."""
    registers = {f"r{i}": Register(address=i, type=U16) for i in range(10)}
    assert [b.count for b in plan_blocks(registers, max_count=4)] == [4, 4, 2]
    with pytest.raises(ValueError, match="exceeds"):
        plan_blocks(
            {"s": Register(address=0, type=RegisterType.STRING, count=8)}, max_count=4
        )


def test_int16_is_twos_complement_and_scale_applies() -> None:
    """0xFFF6 is -10; a 0.1 scale gives -1.0; unsigned stays unsigned."""
    registers = {
        "current": Register(address=0, type=I16, scale=0.1),
        "raw": Register(address=1, type=U16),
        "neg": Register(address=2, type=I16),
    }
    assert decode(registers, {0: 0xFFF6, 1: 0xFFF6, 2: 0x8000}) == {
        "current": -1.0,
        "raw": 0xFFF6,
        "neg": -32768,
    }


def test_32_bit_word_order() -> None:
    """Big word order puts the high word first; little the low word first."""
    registers = {"e": Register(address=0, type=RegisterType.INT32)}
    words = {0: 0xFFFF, 1: 0xFFFE}
    assert decode(registers, words) == {"e": -2}
    assert decode(registers, {0: 0x0002, 1: 0x0001}, word_order=WordOrder.LITTLE) == {
        "e": 0x00010002
    }
    assert encode(registers["e"], -2) == [0xFFFF, 0xFFFE]
    assert encode(registers["e"], 0x00010002, word_order=WordOrder.LITTLE) == [
        0x0002,
        0x0001,
    ]


def test_strings_stop_at_nul_and_empty_is_none() -> None:
    """ASCII, two characters per word, trailing NULs and blanks dropped."""
    registers = {"sn": Register(address=0, type=RegisterType.STRING, count=3)}
    assert decode(registers, {0: 0x4142, 1: 0x4300, 2: 0x0000}) == {"sn": "ABC"}
    assert decode(registers, {0: 0, 1: 0, 2: 0}) == {"sn": None}


def test_sunspec_scale_factors_and_not_implemented() -> None:
    """W x 10^W_SF; 0x8000 / 0xFFFF mean "not implemented" only in SunSpec maps."""
    registers = {
        "W": Register(address=0, type=I16, sf="W_SF"),
        "W_SF": Register(address=1, type=RegisterType.SUNSSF),
        "SoC": Register(address=2, type=U16, sf="SoC_SF"),
        "SoC_SF": Register(address=3, type=RegisterType.SUNSSF),
        "ChaSt": Register(address=4, type=RegisterType.ENUM16),
        "NCyc": Register(address=5, type=RegisterType.ACC32),
    }
    words = {0: 0xFF38, 1: 0x0001, 2: 553, 3: 0xFFFF, 4: 0xFFFF, 5: 0, 6: 0}
    assert decode(registers, words, sunspec=True) == {
        "W": -2000.0,
        "W_SF": 1,
        "SoC": 55.3,
        "SoC_SF": -1,
        "ChaSt": None,
        "NCyc": None,
    }
    words[1] = 0x8000
    assert decode(registers, words, sunspec=True)["W"] is None
    assert decode({"x": Register(address=4, type=U16)}, words)["x"] == 0xFFFF


def test_absurd_scale_factor_is_a_protocol_error() -> None:
    """A scale factor outside -10..10 is garbage, whether or not a point uses it."""
    sf = Register(address=1, type=RegisterType.SUNSSF)
    with pytest.raises(DeviceProtocolError, match="scale factor"):
        decode(
            {"W": Register(address=0, type=I16, sf="SF"), "SF": sf},
            {0: 1, 1: 99},
            sunspec=True,
        )
    with pytest.raises(DeviceProtocolError, match="scale factor"):
        decode({"SF": sf}, {1: 99}, sunspec=True)
    with pytest.raises(ValueError, match="needs scale factor"):
        decode({"W": Register(address=0, type=I16, sf="SF")}, {0: 1})


def test_implausible_value_names_register_and_range() -> None:
    """A SoC of 250 % is rejected at the edge."""
    soc = Register(address=538, type=U16, plausible=(0, 100))
    assert decode({"soc": soc}, {538: 100}) == {"soc": 100}
    with pytest.raises(
        DeviceProtocolError, match=r"soc \(register 538\) reads 250, outside 0..100"
    ):
        decode({"soc": soc}, {538: 250})


def test_unread_register_is_a_programming_error() -> None:
    """Decoding a register that no block covered fails loudly."""
    with pytest.raises(ValueError, match="not read"):
        decode({"x": Register(address=5, type=U16)}, {})


def test_words_by_address_checks_reply_lengths_and_word_range() -> None:
    """A short reply or a value that is not a word is the device's fault."""
    block = Block(address=100, count=2, names=("a",))
    assert words_by_address([block], [[1, 2]]) == {100: 1, 101: 2}
    with pytest.raises(DeviceProtocolError, match="returned 1"):
        words_by_address([block], [[1]])
    with pytest.raises(DeviceProtocolError, match="holds 70000"):
        words_by_address([block], [[1, 70000]])


def test_encode_undoes_scale_and_checks_range() -> None:
    """-13 A -> 0xFFF3; 0.1 scale -> x10; values that do not fit are refused."""
    assert encode(Register(address=0, type=I16), -13) == [0xFFF3]
    assert encode(Register(address=0, type=U16, scale=0.1), 55.3) == [553]
    assert encode(Register(address=0, type=I16, sf="SF"), 50.0, sf=-2) == [5000]
    with pytest.raises(ValueError, match="does not fit"):
        encode(Register(address=0, type=U16), -1)
    with pytest.raises(ValueError, match="strings"):
        encode(Register(address=0, type=RegisterType.STRING, count=2), 1)
