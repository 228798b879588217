"""Provisional HLC packing used by the change-log hook (reconciled with cdsxa.sync.clock)."""

import time
import uuid
from dataclasses import dataclass

COUNTER_BITS = 16


@dataclass(frozen=True, order=True)
class Stamp:
    """A hybrid logical clock reading: packed (wall ms, counter), then the device."""

    packed: int
    device: uuid.UUID

    @property
    def wall_ms(self) -> int:
        return self.packed >> COUNTER_BITS

    @property
    def counter(self) -> int:
        return self.packed & ((1 << COUNTER_BITS) - 1)


def pack(wall_ms: int, counter: int) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def next_packed(last: int, now_ms: int | None = None) -> int:
    """The next local reading after `last` (HLC send/local rule)."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if now > last >> COUNTER_BITS:
        return pack(now, 0)
    return last + 1
