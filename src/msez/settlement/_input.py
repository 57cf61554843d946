"""Reading settlement inputs from JSON/YAML values: obligations, limits, party accounts, corridor edges.

Each reader accepts a list or an object holding the list under its name, and names the JSON path of the first
bad entry. Obligations take integer minor units (``amount`` + ``currency``) or the legacy request shape
(``debtor_party_id``, ``creditor_party_id``, ``amount: {currency, value: "12.34"}``), converted exactly with the
currency's ISO 4217 minor units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from msez.core import ConflictError, MsezError, ValidationError
from msez.settlement._currency import to_minor_units
from msez.settlement._iso_ids import PartyAccount
from msez.settlement._limits import PartyLimit
from msez.settlement._obligation import Obligation
from msez.settlement._routing import CorridorEdge

_T = TypeVar("_T")


def read_obligations(value: Any) -> list[Obligation]:
    """Obligations from a list or ``{"obligations": [...]}``.

    Raises:
        ValidationError: naming the path of the first bad entry (ObligationError for the reference rules).
    """
    return _read_list(value, "obligations", _obligation)


def read_limits(value: Any) -> list[PartyLimit]:
    """Limits from a list or ``{"limits": [...]}`` of ``{party_id, currency, max_net_debit?, max_leg_amount?}``."""
    return _read_list(value, "limits", _limit)


def read_parties(value: Any) -> dict[str, PartyAccount]:
    """Party accounts by id from a list or ``{"parties": [...]}`` of ``{party_id, name, agent_bic, iban?, ...}``."""
    accounts: dict[str, PartyAccount] = {}
    for account in _read_list(value, "parties", _party):
        if account.party_id in accounts:
            raise ConflictError(f"party {account.party_id!r} is listed twice")
        accounts[account.party_id] = account
    return accounts


def read_edges(value: Any) -> list[CorridorEdge]:
    """Corridor edges from a list or ``{"edges": [...]}`` of ``{source, target, corridor_id, fee_bps, ...}``."""
    return _read_list(value, "edges", _edge)


def _read_list(value: Any, name: str, read: Callable[[dict[str, Any]], _T]) -> list[_T]:
    items, base = (value.get(name), f"$.{name}") if isinstance(value, dict) else (value, "$")
    if not isinstance(items, list):
        raise ValidationError(f"expected a list of {name} (or an object with {name!r}), got {type(items).__name__}")
    out = []
    for index, item in enumerate(items):
        path = f"{base}[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(f"expected an object, got {type(item).__name__}", path=path)
        try:
            out.append(read(item))
        except MsezError as e:
            raise ValidationError(str(e), path=path) from e
        except (KeyError, TypeError, AttributeError) as e:
            raise ValidationError(f"missing or malformed field {e}", path=path) from e
    return out


def _text(item: dict[str, Any], *names: str) -> str:
    for name in names:
        value = item.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise ValidationError(f"{name} must be a string, got {type(value).__name__}")
            return value
    raise ValidationError(f"missing field {names[0]!r}")


def _obligation(item: dict[str, Any]) -> Obligation:
    amount = item["amount"]
    if isinstance(amount, dict):
        currency = _text(amount, "currency")
        amount = to_minor_units(_text(amount, "value"), currency)
    else:
        currency = _text(item, "currency")
    return Obligation(
        from_party=_text(item, "from_party", "debtor_party_id"),
        to_party=_text(item, "to_party", "creditor_party_id"),
        amount=amount,
        currency=currency,
        corridor_id=item.get("corridor_id"),
        priority=item.get("priority", 0),
    )


def _limit(item: dict[str, Any]) -> PartyLimit:
    return PartyLimit(
        party_id=item["party_id"],
        currency=item["currency"],
        max_net_debit=item.get("max_net_debit"),
        max_leg_amount=item.get("max_leg_amount"),
    )


def _party(item: dict[str, Any]) -> PartyAccount:
    return PartyAccount(
        party_id=item["party_id"],
        name=item["name"],
        agent_bic=item["agent_bic"],
        iban=item.get("iban"),
        account=item.get("account"),
        lei=item.get("lei"),
    )


def _edge(item: dict[str, Any]) -> CorridorEdge:
    return CorridorEdge(
        source=_text(item, "source", "from"),
        target=_text(item, "target", "to"),
        corridor_id=item["corridor_id"],
        fee_bps=item["fee_bps"],
        settlement_time_secs=item.get("settlement_time_secs", 0),
    )
