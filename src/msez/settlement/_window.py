"""Settlement windows: obligations accumulate while a window is open; closing it nets them into one plan.

A window accepts an obligation only at an instant in ``[opens_at, closes_at)`` and checks it on arrival
(reference validation order, then duplicates). :meth:`SettlementWindow.close` nets everything once and moves the
window to ``closed``; obligations deferred by liquidity limits are carried into :meth:`SettlementWindow.next`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from msez.core import StateTransitionError, Timestamp, ValidationError
from msez.settlement._legs import NettingMode
from msez.settlement._limits import PartyLimit
from msez.settlement._netting import NettingResult, net
from msez.settlement._obligation import Obligation, ObligationBook


class SettlementWindow:
    """One netting window, ``open`` until :meth:`close`. Not thread-safe; one owner adds and closes."""

    def __init__(
        self,
        window_id: str,
        *,
        opens_at: Timestamp,
        closes_at: Timestamp,
        carried: Iterable[Obligation] = (),
    ) -> None:
        if not window_id.strip():
            raise ValidationError("a settlement window needs an id")
        if closes_at <= opens_at:
            raise ValidationError(f"window {window_id}: closes_at {closes_at} must be after opens_at {opens_at}")
        self.window_id = window_id
        self.opens_at = opens_at
        self.closes_at = closes_at
        self._book = ObligationBook(carried)
        self._result: NettingResult | None = None

    @property
    def state(self) -> str:
        return "closed" if self._result is not None else "open"

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        return self._book.obligations

    def add(self, obligation: Obligation, *, at: Timestamp) -> None:
        """Accept ``obligation`` received at ``at``.

        Raises:
            StateTransitionError: the window is closed. ValidationError: ``at`` is outside the window.
            ObligationError: a duplicate.
        """
        self._require_open("add")
        if not self.opens_at <= at < self.closes_at:
            raise ValidationError(
                f"window {self.window_id} accepts obligations from {self.opens_at} until {self.closes_at}, got {at}"
            )
        self._book.add(obligation)

    def close(
        self,
        *,
        at: Timestamp,
        mode: NettingMode = NettingMode.GREEDY,
        limits: Iterable[PartyLimit] = (),
    ) -> NettingResult:
        """Net the window's obligations into one result and close the window.

        Raises:
            StateTransitionError: already closed. ValidationError: ``at`` is before ``closes_at``, or the
            window is empty.
        """
        self._require_open("close")
        if at < self.closes_at:
            raise ValidationError(f"window {self.window_id} cannot close before {self.closes_at}, got {at}")
        self._result = net(self._book.obligations, mode=mode, limits=limits)
        return self._result

    def next(self, window_id: str, *, length: timedelta) -> SettlementWindow:
        """The following window, starting at this one's close and carrying its deferred obligations.

        Raises:
            StateTransitionError: this window is still open.
        """
        if self._result is None:
            raise StateTransitionError("close it first", from_state="open", to_state="next", valid_targets=["closed"])
        carried = [d.obligation for d in self._result.deferred]
        return SettlementWindow(window_id, opens_at=self.closes_at, closes_at=self.closes_at + length, carried=carried)

    def _require_open(self, action: str) -> None:
        if self._result is not None:
            raise StateTransitionError(
                f"window {self.window_id} is closed", from_state="closed", to_state=action, valid_targets=[]
            )
