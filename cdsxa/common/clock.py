"""Hybrid logical clock (Kulkarni et al. 2014) for the change log.

A clock is (wall_ms, counter, device). It follows real time closely, never goes
backwards on one device, and is later than every clock the device has seen, so
"later clock" means "happened after, or concurrently and wins". Encoded as
fixed-width text that sorts like the clock, so ORDER BY and max() on the column
work in SQLite and PostgreSQL (use COLLATE "C" on PostgreSQL: a locale collation
may sort the dashes and letters differently).

Standard library only: the change-log hook, the PC's sync adapter and the hub use it.
A database stores a clock as one integer, `pack(hlc)` = wall_ms << 16 | counter, with
the device in a column of its own.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

WALL_DIGITS = 13  # milliseconds since 1970 fit 13 digits until the year 2286
COUNTER_DIGITS = 5
MAX_WALL_MS = 10**WALL_DIGITS - 1
COUNTER_BITS = 16  # the packed column's share; 65,535 events per millisecond and device
MAX_COUNTER = (1 << COUNTER_BITS) - 1

# How far ahead of our wall clock a remote clock may be. Wide on purpose: commune
# PCs often run with a wrong time zone and the displayed time set by hand, which
# puts their UTC hours off; a PC dated years ahead is refused (see observe).
DEFAULT_MAX_DRIFT_MS = 24 * 3600 * 1000


def _canonical_uuid(text: str, what: str) -> str:
    try:
        canonical = str(uuid.UUID(text))
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"{what} is not a UUID: {text!r}") from None
    if canonical != text:
        # Text comparison is the ordering (ties, SQL), so one spelling only.
        raise ValueError(f"{what} is not a lowercase canonical UUID: {text!r}")
    return text


@dataclass(frozen=True, order=True)
class Hlc:
    """One clock reading. Compares as (wall_ms, counter, device): a total order."""

    wall_ms: int
    counter: int
    device: str

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise ValueError(f"wall_ms out of range: {self.wall_ms}")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise ValueError(f"counter out of range: {self.counter}")
        _canonical_uuid(self.device, "clock device")

    def encode(self) -> str:
        """Fixed-width text whose sort order is the clock order."""
        return f"{self.wall_ms:0{WALL_DIGITS}d}-{self.counter:0{COUNTER_DIGITS}d}-{self.device}"

    __str__ = encode

    @classmethod
    def parse(cls, text: str) -> Hlc:
        wall, sep1, rest = text.partition("-")
        counter, sep2, device = rest.partition("-")
        if not (sep1 and sep2 and len(wall) == WALL_DIGITS and len(counter) == COUNTER_DIGITS
                and wall.isdigit() and counter.isdigit() and wall.isascii()
                and counter.isascii()):
            raise ValueError(f"not a clock: {text!r}")
        return cls(int(wall), int(counter), device)


class ClockDriftError(ValueError):
    """A remote clock is too far ahead of our wall clock: its device's date is wrong.

    The entry is refused, not applied and not marked seen; the message is meant
    for the user (fix the date on that device).
    """

    def __init__(self, remote: Hlc, wall_ms: int, max_drift_ms: int) -> None:
        self.remote = remote
        self.wall_ms = wall_ms
        self.ahead_ms = remote.wall_ms - wall_ms
        self.max_drift_ms = max_drift_ms
        hours = self.ahead_ms / 3_600_000
        super().__init__(
            f"device {remote.device} has a clock {hours:.1f} hours ahead of this one "
            f"(at most {max_drift_ms / 3_600_000:.1f} allowed): check that device's date "
            f"and time zone, then sync again")


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class HlcClock:
    """One device's clock. Not thread-safe: the caller serialises writes anyway.

    `last` restores the clock after a restart: pass the newest clock this device
    has issued or observed (max of the hlc columns), so it never goes backwards.
    """

    def __init__(self, device: str, now: Callable[[], int] = wall_clock_ms,
                 last: Hlc | None = None, max_drift_ms: int = DEFAULT_MAX_DRIFT_MS) -> None:
        _canonical_uuid(device, "device")
        if max_drift_ms < 0:
            raise ValueError("max_drift_ms must not be negative")
        self.device = device
        self._now = now
        self._max_drift_ms = max_drift_ms
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    @property
    def last(self) -> Hlc:
        return Hlc(self._wall, self._counter, self.device)

    def tick(self) -> Hlc:
        """The clock of a local event (one per change-log entry)."""
        return self._advance(self._wall_now(), -1, -1)

    def observe(self, remote: Hlc) -> Hlc:
        """Take in a received clock (HLC receive rule); returns the receipt's clock.

        Raises ClockDriftError, changing nothing, when `remote` is more than the
        allowed drift ahead of our wall clock: accepting it would drag this clock,
        and every clock that later learns from us, to that date, and its entry
        would win every edit until then.
        """
        wall = self._wall_now()
        if remote.wall_ms > wall + self._max_drift_ms:
            raise ClockDriftError(remote, wall, self._max_drift_ms)
        return self._advance(wall, remote.wall_ms, remote.counter)

    def _wall_now(self) -> int:
        wall = self._now()
        if not 0 <= wall <= MAX_WALL_MS:
            raise ValueError(f"wall clock out of range: {wall}")
        return wall

    def _advance(self, wall: int, remote_wall: int, remote_counter: int) -> Hlc:
        new_wall = max(self._wall, remote_wall, wall)
        if new_wall == self._wall == remote_wall:
            counter = max(self._counter, remote_counter) + 1
        elif new_wall == self._wall:
            counter = self._counter + 1
        elif new_wall == remote_wall:
            counter = remote_counter + 1
        else:
            counter = 0
        if counter > MAX_COUNTER:
            # Borrow a millisecond rather than wrap: order is kept, and the clock is
            # ahead of real time by at most one millisecond per 100,000 events.
            new_wall, counter = new_wall + 1, 0
        self._wall, self._counter = new_wall, counter
        return self.last


def pack(clock: Hlc) -> int:
    """The clock as a database stores it (the device goes in its own column)."""
    return clock.wall_ms << COUNTER_BITS | clock.counter


def unpack(packed: int, device: uuid.UUID | str) -> Hlc:
    return Hlc(packed >> COUNTER_BITS, packed & MAX_COUNTER, str(device))

