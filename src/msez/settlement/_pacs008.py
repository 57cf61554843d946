"""ISO 20022 pacs.008.001.10 (FI-to-FI customer credit transfer): settlement legs to XML and back.

The layout follows reference-impl A §5.6 (settlement method ``INDA``, the instructing agent's BIC, one
``CdtTrfTxInf`` per leg, remittance ``SEZ Settlement`` by default) with the reference's defects fixed: values are
XML-escaped (lxml builds the tree), amounts carry the currency's ISO 4217 minor units instead of always two
decimals, each transaction has its own end-to-end id and UETR, and BIC, IBAN and LEI are validated.

The leg id travels in ``PmtId/InstrId`` and each party's msez id in ``Id/OrgId/Othr`` with scheme ``MSEZ``, so a
message parses back into the same legs.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from lxml import etree

from msez.core import NotFoundError, Timestamp, ValidationError
from msez.settlement._currency import MAX_ISO_DIGITS, format_minor_units, to_minor_units
from msez.settlement._iso_ids import PartyAccount, validate_bic, validate_text
from msez.settlement._legs import SettlementLeg
from msez.settlement._xml import Reader, Subtree, namespace_of, parse_xml

PACS008_NS: Final = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10"
PARTY_SCHEME: Final = "MSEZ"
DEFAULT_REMITTANCE: Final = "SEZ Settlement"
_R = Reader(PACS008_NS)


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One leg as a credit transfer between two accounts."""

    leg: SettlementLeg
    debtor: PartyAccount
    creditor: PartyAccount
    end_to_end_id: str
    uetr: str
    remittance: str = DEFAULT_REMITTANCE


@dataclass(frozen=True, slots=True)
class Pacs008Message:
    message_id: str
    created_at: Timestamp
    instructing_agent: str
    transfers: tuple[CreditTransfer, ...]

    @property
    def legs(self) -> tuple[SettlementLeg, ...]:
        return tuple(t.leg for t in self.transfers)


def new_message_id() -> str:
    """A fresh 32-character id (fits ISO 20022 Max35Text)."""
    return uuid.uuid4().hex


def new_uetr() -> str:
    """A fresh UETR (UUID version 4, lowercase, hyphenated)."""
    return str(uuid.uuid4())


def build_pacs008(
    legs: Iterable[SettlementLeg],
    parties: Mapping[str, PartyAccount],
    *,
    instructing_agent: str,
    created_at: Timestamp,
    remittance: str = DEFAULT_REMITTANCE,
    new_id: Callable[[], str] = new_message_id,
) -> Pacs008Message:
    """A message paying ``legs``, each party's account looked up in ``parties``.

    Raises:
        NotFoundError: a party has no account. ValidationError: no legs, a bad BIC, or an amount the currency
        cannot express.
    """
    remittance = validate_text(remittance, what="remittance information", max_length=140)
    transfers = []
    for leg in legs:
        for party in (leg.from_party, leg.to_party):
            if party not in parties:
                raise NotFoundError(f"leg {leg.leg_id}: no account details for party {party!r}")
        format_amount(leg.amount, leg.currency)
        transfers.append(
            CreditTransfer(leg, parties[leg.from_party], parties[leg.to_party], new_id(), new_uetr(), remittance)
        )
    if not transfers:
        raise ValidationError("a pacs.008 message needs at least one leg")
    return Pacs008Message(new_id(), created_at, validate_bic(instructing_agent), tuple(transfers))


def format_amount(amount: int, currency: str) -> str:
    """An ISO 20022 amount: the currency's minor units, at most 18 digits.

    Raises:
        ValidationError: unknown currency, or too many digits.
    """
    text = format_minor_units(amount, currency)
    if sum(c.isdigit() for c in text) > MAX_ISO_DIGITS:
        raise ValidationError(f"amount {text} {currency} has more than {MAX_ISO_DIGITS} digits")
    return text


def pacs008_xml(message: Pacs008Message) -> bytes:
    """The message as UTF-8 XML with a declaration."""
    _check_unique_ids(message)
    root = etree.Element(f"{{{PACS008_NS}}}Document", nsmap={None: PACS008_NS})
    body = _sub(root, "FIToFICstmrCdtTrf")
    header = _sub(body, "GrpHdr")
    _sub(header, "MsgId", message.message_id)
    _sub(header, "CreDtTm", str(message.created_at))
    _sub(header, "NbOfTxs", str(len(message.transfers)))
    _sub(_sub(header, "SttlmInf"), "SttlmMtd", "INDA")
    _agent(header, "InstgAgt", message.instructing_agent)
    for transfer in message.transfers:
        _transaction(_sub(body, "CdtTrfTxInf"), transfer)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _transaction(tx: etree._Element, t: CreditTransfer) -> None:
    ids = _sub(tx, "PmtId")
    _sub(ids, "InstrId", t.leg.leg_id)
    _sub(ids, "EndToEndId", t.end_to_end_id)
    _sub(ids, "UETR", t.uetr)
    amount = _sub(tx, "IntrBkSttlmAmt", format_amount(t.leg.amount, t.leg.currency))
    amount.set("Ccy", t.leg.currency)
    _sub(tx, "ChrgBr", "SLEV")
    _party(tx, "Dbtr", t.debtor)
    _account(tx, "DbtrAcct", t.debtor)
    _agent(tx, "DbtrAgt", t.debtor.agent_bic)
    _agent(tx, "CdtrAgt", t.creditor.agent_bic)
    _party(tx, "Cdtr", t.creditor)
    _account(tx, "CdtrAcct", t.creditor)
    _sub(_sub(tx, "RmtInf"), "Ustrd", t.remittance)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element: etree._Element = etree.SubElement(parent, f"{{{PACS008_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _agent(parent: etree._Element, tag: str, bic: str) -> None:
    _sub(_sub(_sub(parent, tag), "FinInstnId"), "BICFI", bic)


def _party(parent: etree._Element, tag: str, party: PartyAccount) -> None:
    element = _sub(parent, tag)
    _sub(element, "Nm", party.name)
    org = _sub(_sub(element, "Id"), "OrgId")
    if party.lei is not None:
        _sub(org, "LEI", party.lei)
    other = _sub(org, "Othr")
    _sub(other, "Id", party.party_id)
    _sub(_sub(other, "SchmeNm"), "Prtry", PARTY_SCHEME)


def _account(parent: etree._Element, tag: str, party: PartyAccount) -> None:
    if party.iban is None and party.account is None:
        return
    ident = _sub(_sub(parent, tag), "Id")
    if party.iban is not None:
        _sub(ident, "IBAN", party.iban)
    else:
        _sub(_sub(ident, "Othr"), "Id", party.account)


def _check_unique_ids(message: Pacs008Message) -> None:
    counts = Counter(t.end_to_end_id for t in message.transfers)
    repeated = sorted(i for i, n in counts.items() if n > 1)
    if repeated:
        raise ValidationError(f"pacs.008 {message.message_id}: end-to-end id {repeated[0]} is used more than once")


def parse_pacs008(data: bytes) -> Pacs008Message:
    """Parse a pacs.008.001.10 message (untrusted XML) back into legs and accounts.

    Raises:
        ValidationError: not well-formed, not pacs.008.001.10, a missing field, an invalid identifier, or an
        amount not representable in its currency.
    """
    root = parse_xml(data)
    if namespace_of(root) != PACS008_NS or etree.QName(root).localname != "Document":
        raise ValidationError(f"expected a pacs.008.001.10 Document, got {etree.QName(root).text}")
    body = _R.one(root, "FIToFICstmrCdtTrf")
    header = _R.one(body, "GrpHdr")
    transactions = _R.findall(body, "CdtTrfTxInf")
    declared = _R.required(header, "NbOfTxs")
    if declared != str(len(transactions)):
        raise ValidationError(f"NbOfTxs says {declared} but the message has {len(transactions)} transactions")
    message = Pacs008Message(
        message_id=_R.required(header, "MsgId"),
        created_at=Timestamp.parse(_R.required(header, "CreDtTm")),
        instructing_agent=validate_bic(_R.required(header, "InstgAgt/FinInstnId/BICFI")),
        transfers=tuple(_parse_transaction(tx) for tx in transactions),
    )
    _check_unique_ids(message)
    return message


def _parse_transaction(element: etree._Element) -> CreditTransfer:
    tx = _R.subtree(element)
    end_to_end = tx.required("PmtId/EndToEndId")
    amounts = tx.findall("IntrBkSttlmAmt")
    if not amounts or not amounts[0].text:
        raise ValidationError(f"transaction {end_to_end}: missing IntrBkSttlmAmt")
    currency = amounts[0].get("Ccy", "")
    debtor = _parse_party(tx, "Dbtr", "DbtrAcct", "DbtrAgt")
    creditor = _parse_party(tx, "Cdtr", "CdtrAcct", "CdtrAgt")
    leg = SettlementLeg(
        leg_id=tx.text("PmtId/InstrId") or end_to_end,
        from_party=debtor.party_id,
        to_party=creditor.party_id,
        currency=currency,
        amount=to_minor_units(amounts[0].text.strip(), currency),
    )
    return CreditTransfer(
        leg=leg,
        debtor=debtor,
        creditor=creditor,
        end_to_end_id=end_to_end,
        uetr=tx.required("PmtId/UETR"),
        remittance=tx.text("RmtInf/Ustrd") or "",
    )


def _parse_party(tx: Subtree, tag: str, account_tag: str, agent_tag: str) -> PartyAccount:
    name = tx.required(f"{tag}/Nm")
    iban = tx.text(f"{account_tag}/Id/IBAN")
    account = tx.text(f"{account_tag}/Id/Othr/Id")
    return PartyAccount(
        party_id=_party_id(tx, tag) or iban or account or name,
        name=name,
        agent_bic=tx.required(f"{agent_tag}/FinInstnId/BICFI"),
        iban=iban,
        account=account,
        lei=tx.text(f"{tag}/Id/OrgId/LEI"),
    )


def _party_id(tx: Subtree, tag: str) -> str | None:
    for other in tx.findall(f"{tag}/Id/OrgId/Othr"):
        if _R.text(other, "SchmeNm/Prtry") == PARTY_SCHEME:
            return _R.text(other, "Id")
    return None
