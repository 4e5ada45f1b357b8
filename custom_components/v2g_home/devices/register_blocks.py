"""Contiguous read blocks over a register map: planning them, and spreading their replies over addresses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import DeviceProtocolError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .registers import Register
    from .transport import ModbusTransport

MODBUS_MAX_READ = 125


@dataclass(frozen=True, kw_only=True)
class Block:
    """A contiguous range of registers fetched with one read request."""

    address: int
    count: int
    names: tuple[str, ...]


def plan_blocks(
    registers: Mapping[str, Register],
    max_gap: int = 0,
    max_count: int = MODBUS_MAX_READ,
    *,
    object_size: int = 0,
) -> list[Block]:
    """Group registers into as few contiguous reads as the limits allow.

    With `object_size` > 0 the address space is made of objects of that many registers (one at
    each multiple), and no read crosses from one object into the next.
    """
    ordered = sorted(registers.items(), key=lambda item: (item[1].address, item[0]))
    blocks: list[Block] = []
    start = end = 0
    names: list[str] = []
    for name, register in ordered:
        if register.words > max_count:
            raise ValueError(
                f"{name} ({register.words} words) exceeds a {max_count}-word read"
            )
        reg_end = register.address + register.words
        if object_size and _object(register.address, object_size) != _object(
            reg_end - 1, object_size
        ):
            raise ValueError(f"{name} straddles an object boundary")
        if (
            names
            and register.address - end <= max_gap
            and max(end, reg_end) - start <= max_count
            and (
                not object_size
                or _object(start, object_size) == _object(reg_end - 1, object_size)
            )
        ):
            end = max(end, reg_end)
            names.append(name)
            continue
        if names:
            blocks.append(Block(address=start, count=end - start, names=tuple(names)))
        start, end, names = register.address, reg_end, [name]
    if names:
        blocks.append(Block(address=start, count=end - start, names=tuple(names)))
    return blocks


def _object(address: int, object_size: int) -> int:
    return address // object_size


def words_by_address(
    blocks: Sequence[Block], replies: Sequence[Sequence[int]]
) -> dict[int, int]:
    """Spread the replies of a list of block reads over their addresses."""
    words: dict[int, int] = {}
    for block, reply in zip(blocks, replies, strict=True):
        if len(reply) != block.count:
            raise DeviceProtocolError(
                f"read of {block.count} registers at {block.address} returned {len(reply)}"
            )
        for offset, word in enumerate(reply):
            if not 0 <= word <= 0xFFFF:
                raise DeviceProtocolError(
                    f"register {block.address + offset} holds {word}"
                )
            words[block.address + offset] = word
    return words


async def read_blocks(
    transport: ModbusTransport, blocks: Sequence[Block]
) -> dict[int, int]:
    """Read every block in turn and return the words by address."""
    replies = [
        await transport.read_holding(block.address, block.count) for block in blocks
    ]
    return words_by_address(blocks, replies)
