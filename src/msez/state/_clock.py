"""Injectable clocks: every recorded transition and every deadline check asks a clock, never the wall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from msez.core import Timestamp

Clock = Callable[[], Timestamp]
"""A zero-argument callable returning the current :class:`Timestamp`."""


def system_clock() -> Timestamp:
    """The real time (or ``SOURCE_DATE_EPOCH`` when set, see :meth:`Timestamp.now`)."""
    return Timestamp.now()


class ManualClock:
    """A clock that only moves when told to; for tests, simulations and replays."""

    def __init__(self, start: Timestamp | str) -> None:
        self._now = start if isinstance(start, Timestamp) else Timestamp.parse(start)

    def __call__(self) -> Timestamp:
        return self._now

    def advance(self, delta: timedelta) -> Timestamp:
        """Move forward by ``delta`` and return the new time."""
        self._now = self._now + delta
        return self._now

    def set(self, moment: Timestamp | str) -> None:
        """Jump to ``moment`` (may go backwards, e.g. to replay a log)."""
        self._now = moment if isinstance(moment, Timestamp) else Timestamp.parse(moment)
