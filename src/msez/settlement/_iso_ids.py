"""Financial identifiers for ISO 20022 messages: BIC (ISO 9362), IBAN (ISO 13616) and LEI (ISO 17442).

BIC and IBAN checks use ``schwifty`` (structure, country and IBAN check digits). The LEI check is ours because
it is five lines of ISO 7064 MOD 97-10 and no maintained package we use provides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from msez.core import ValidationError

_LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}\Z")
_ISO_BIC = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?\Z")
_NOT_XML_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MAX_NAME = 140
MAX_ACCOUNT = 34


def validate_text(text: str, *, what: str, max_length: int) -> str:
    """``text`` without surrounding space, if it is 1..``max_length`` characters of printable XML text.

    Raises:
        ValidationError: empty, too long, or containing control characters.
    """
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned or len(cleaned) > max_length:
        raise ValidationError(f"{what} must be 1-{max_length} characters, got {text!r}")
    if _NOT_XML_TEXT.search(cleaned):
        raise ValidationError(f"{what} contains control characters: {text!r}")
    return cleaned


def validate_bic(text: str) -> str:
    """The BIC in upper case (8 or 11 characters).

    Raises:
        ValidationError: wrong length, characters or country code.
    """
    cleaned = text.strip().upper() if isinstance(text, str) else ""
    try:
        bic = str(BIC(cleaned))
    except SchwiftyException as e:
        raise ValidationError(f"invalid BIC {text!r}: {e}") from e
    if not _ISO_BIC.match(bic):
        raise ValidationError(f"invalid BIC {text!r}: expected 4 letters/digits, country, location, optional branch")
    return bic


def validate_iban(text: str) -> str:
    """The IBAN in compact upper-case form.

    Raises:
        ValidationError: wrong country format, length or check digits.
    """
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as e:
        raise ValidationError(f"invalid IBAN {text!r}: {e}") from e


def validate_lei(text: str) -> str:
    """The LEI (20 characters, ISO 7064 MOD 97-10 check digits).

    Raises:
        ValidationError: wrong shape or check digits.
    """
    cleaned = text.strip().upper() if isinstance(text, str) else ""
    if not _LEI.match(cleaned):
        raise ValidationError(f"invalid LEI {text!r}: expected 18 letters/digits and 2 check digits")
    if int("".join(str(int(c, 36)) for c in cleaned)) % 97 != 1:
        raise ValidationError(f"invalid LEI {text!r}: check digits do not match")
    return cleaned


@dataclass(frozen=True, slots=True)
class PartyAccount:
    """How a party is paid: its name, its bank (agent BIC), an IBAN or other account id, and optionally an LEI.

    Identifiers are validated and normalised on construction (name and account trimmed, BIC upper case).
    """

    party_id: str
    name: str
    agent_bic: str
    iban: str | None = None
    account: str | None = None
    lei: str | None = None

    def __post_init__(self) -> None:
        if validate_text(self.party_id, what="party id", max_length=35) != self.party_id:
            raise ValidationError(f"party id {self.party_id!r} must not have surrounding space")
        object.__setattr__(
            self, "name", validate_text(self.name, what=f"party {self.party_id}: name", max_length=MAX_NAME)
        )
        object.__setattr__(self, "agent_bic", validate_bic(self.agent_bic))
        if self.iban is not None:
            object.__setattr__(self, "iban", validate_iban(self.iban))
        if self.account is not None:
            account = validate_text(self.account, what=f"party {self.party_id}: account id", max_length=MAX_ACCOUNT)
            object.__setattr__(self, "account", account)
        if self.lei is not None:
            object.__setattr__(self, "lei", validate_lei(self.lei))
