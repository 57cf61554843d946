"""ISO 20022 status messages into leg status updates: pacs.002 (payment status report) and camt.054
(debit/credit notification).

Each transaction in the message becomes a :class:`LegStatusUpdate` naming the leg (``InstrId``, which our pacs.008
sets to the leg id), its end-to-end id and UETR, and a :class:`LegStatus` mapped from the ISO code. Versions
pacs.002.001.03-15 and camt.054.001.02-12 share the elements read here, so any of them is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lxml import etree

from msez.core import ValidationError
from msez.settlement._currency import to_minor_units
from msez.settlement._pacs008 import PACS008_NS
from msez.settlement._xml import Reader, namespace_of, parse_xml

_PACS002 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:pacs\.002\.001\.(0[3-9]|1[0-5])\Z")
_CAMT054 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.(0[2-9]|1[0-2])\Z")


class LegStatus(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    SETTLED = "settled"
    REJECTED = "rejected"


PACS002_STATUS: Final = {
    "ACCC": LegStatus.SETTLED,
    "ACSC": LegStatus.SETTLED,
    "ACCP": LegStatus.ACCEPTED,
    "ACSP": LegStatus.ACCEPTED,
    "ACTC": LegStatus.ACCEPTED,
    "ACWC": LegStatus.ACCEPTED,
    "ACFC": LegStatus.ACCEPTED,
    "ACIS": LegStatus.ACCEPTED,
    "PART": LegStatus.ACCEPTED,
    "PDNG": LegStatus.PENDING,
    "ACWP": LegStatus.PENDING,
    "RCVD": LegStatus.PENDING,
    "RJCT": LegStatus.REJECTED,
    "BLCK": LegStatus.REJECTED,
    "CANC": LegStatus.REJECTED,
}
"""ExternalPaymentTransactionStatus1Code -> leg status."""

CAMT054_STATUS: Final = {
    "BOOK": LegStatus.SETTLED,
    "PDNG": LegStatus.PENDING,
    "FUTR": LegStatus.PENDING,
    "INFO": LegStatus.ACCEPTED,
}
"""ExternalEntryStatus1Code -> leg status."""


@dataclass(frozen=True, slots=True)
class LegStatusUpdate:
    """What a status message says about one leg; ``amount`` is minor units when the message gives one."""

    source: str
    message_id: str
    leg_id: str | None
    end_to_end_id: str | None
    uetr: str | None
    status: LegStatus
    iso_code: str
    reason: str | None = None
    amount: int | None = None
    currency: str | None = None


def parse_pacs002(data: bytes) -> tuple[LegStatusUpdate, ...]:
    """Leg status updates from a pacs.002 FI-to-FI payment status report.

    A transaction without its own ``TxSts`` takes the group status.

    Raises:
        ValidationError: not a pacs.002, a missing field, or an unknown status code.
    """
    root = parse_xml(data)
    r = _reader(root, _PACS002, "pacs.002")
    report = r.one(root, "FIToFIPmtStsRpt")
    message_id = r.required(report, "GrpHdr/MsgId")
    group_status = r.text(report, "OrgnlGrpInfAndSts/GrpSts")
    updates = []
    for tx in r.findall(report, "TxInfAndSts"):
        code = r.text(tx, "TxSts") or group_status
        if not code:
            raise ValidationError(f"pacs.002 {message_id}: a transaction has no TxSts and there is no GrpSts")
        updates.append(
            LegStatusUpdate(
                source="pacs.002",
                message_id=message_id,
                leg_id=r.text(tx, "OrgnlInstrId"),
                end_to_end_id=r.text(tx, "OrgnlEndToEndId"),
                uetr=r.text(tx, "OrgnlUETR"),
                status=_map(PACS002_STATUS, code, "pacs.002 TxSts"),
                iso_code=code,
                reason=r.text(tx, "StsRsnInf/Rsn/Cd") or r.text(tx, "StsRsnInf/Rsn/Prtry"),
            )
        )
    return tuple(updates)


def parse_camt054(data: bytes) -> tuple[LegStatusUpdate, ...]:
    """Leg status updates from a camt.054 bank-to-customer debit/credit notification (one per TxDtls).

    Raises:
        ValidationError: not a camt.054, a missing field, an unknown entry status, or a bad amount.
    """
    root = parse_xml(data)
    r = _reader(root, _CAMT054, "camt.054")
    notification = r.one(root, "BkToCstmrDbtCdtNtfctn")
    message_id = r.required(notification, "GrpHdr/MsgId")
    updates = []
    for entry in r.findall(notification, "Ntfctn/Ntry"):
        code = r.text(entry, "Sts/Cd") or r.text(entry, "Sts")
        if not code:
            raise ValidationError(f"camt.054 {message_id}: an entry has no status")
        status = _map(CAMT054_STATUS, code, "camt.054 entry status")
        for tx in r.findall(entry, "NtryDtls/TxDtls"):
            amount, currency = _amount(r, tx, entry)
            updates.append(
                LegStatusUpdate(
                    source="camt.054",
                    message_id=message_id,
                    leg_id=r.text(tx, "Refs/InstrId"),
                    end_to_end_id=r.text(tx, "Refs/EndToEndId"),
                    uetr=r.text(tx, "Refs/UETR"),
                    status=status,
                    iso_code=code,
                    reason=r.text(tx, "AddtlTxInf"),
                    amount=amount,
                    currency=currency,
                )
            )
    return tuple(updates)


def message_kind(data: bytes) -> str:
    """``pacs.008``, ``pacs.002`` or ``camt.054``, from the document's namespace.

    Raises:
        ValidationError: not well-formed, or none of those messages.
    """
    namespace = namespace_of(parse_xml(data))
    if namespace == PACS008_NS:
        return "pacs.008"
    if _PACS002.match(namespace):
        return "pacs.002"
    if _CAMT054.match(namespace):
        return "camt.054"
    raise ValidationError(
        f"unsupported ISO 20022 message {namespace or '(no namespace)'}: expected pacs.008.001.10, pacs.002 or camt.054"
    )


def _reader(root: etree._Element, pattern: re.Pattern[str], what: str) -> Reader:
    namespace = namespace_of(root)
    if not pattern.match(namespace) or etree.QName(root).localname != "Document":
        raise ValidationError(f"expected a {what} Document, got {{{namespace}}}{etree.QName(root).localname}")
    return Reader(namespace)


def _map(table: dict[str, LegStatus], code: str, what: str) -> LegStatus:
    try:
        return table[code]
    except KeyError:
        raise ValidationError(f"unknown {what} code {code!r}; expected one of {', '.join(sorted(table))}") from None


def _amount(r: Reader, tx: etree._Element, entry: etree._Element) -> tuple[int | None, str | None]:
    element = None
    for where, path in ((tx, "Amt"), (tx, "AmtDtls/TxAmt/Amt"), (entry, "Amt")):
        element = r.find(where, path)
        if element is not None:
            break
    if element is None or not element.text:
        return None, None
    currency = element.get("Ccy", "")
    return to_minor_units(element.text.strip(), currency), currency
