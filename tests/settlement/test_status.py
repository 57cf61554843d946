"""pacs.002 and camt.054 into leg status updates; the messages are built with pyiso20022's generated classes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pyiso20022.camt import camt_054_001_08 as camt
from pyiso20022.pacs import pacs_002_001_10 as pacs002
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.models.datatype import XmlDateTime

from msez.core import ValidationError
from msez.settlement import LegStatus, LegStatusUpdate, message_kind, parse_camt054, parse_pacs002

CREATED = XmlDateTime.from_string("2026-01-15T12:00:00Z")


def to_xml(document: object) -> bytes:
    return XmlSerializer().render(document).encode("utf-8")


def status_report(*transactions: pacs002.PaymentTransaction110, group: str | None = None) -> bytes:
    report = pacs002.FitoFipaymentStatusReportV10(
        grp_hdr=pacs002.GroupHeader91(msg_id="STS-1", cre_dt_tm=CREATED),
        orgnl_grp_inf_and_sts=[
            pacs002.OriginalGroupHeader17(orgnl_msg_id="M-1", orgnl_msg_nm_id="pacs.008.001.10", grp_sts=group)
        ],
        tx_inf_and_sts=list(transactions),
    )
    return to_xml(pacs002.Document(fito_fipmt_sts_rpt=report))


def test_pacs002_maps_transaction_statuses() -> None:
    rejected = pacs002.PaymentTransaction110(
        orgnl_instr_id="USD:000002",
        orgnl_end_to_end_id="e2e-2",
        tx_sts="RJCT",
        sts_rsn_inf=[pacs002.StatusReasonInformation12(rsn=pacs002.StatusReason6Choice(cd="AC04"))],
    )
    settled = pacs002.PaymentTransaction110(
        orgnl_instr_id="USD:000001",
        orgnl_end_to_end_id="e2e-1",
        orgnl_uetr="8a562c67-ca16-48ba-b074-65581be6f011",
        tx_sts="ACSC",
    )
    xml = status_report(settled, rejected)
    assert message_kind(xml) == "pacs.002"
    assert parse_pacs002(xml) == (
        LegStatusUpdate(
            "pacs.002",
            "STS-1",
            "USD:000001",
            "e2e-1",
            "8a562c67-ca16-48ba-b074-65581be6f011",
            LegStatus.SETTLED,
            "ACSC",
        ),
        LegStatusUpdate("pacs.002", "STS-1", "USD:000002", "e2e-2", None, LegStatus.REJECTED, "RJCT", reason="AC04"),
    )


def test_pacs002_transaction_without_status_takes_the_group_status() -> None:
    xml = status_report(pacs002.PaymentTransaction110(orgnl_end_to_end_id="e2e-9"), group="PDNG")
    (update,) = parse_pacs002(xml)
    assert (update.status, update.iso_code, update.leg_id) == (LegStatus.PENDING, "PDNG", None)


def test_pacs002_unknown_status_code_is_refused() -> None:
    xml = status_report(pacs002.PaymentTransaction110(orgnl_end_to_end_id="e2e-9", tx_sts="ZZZZ"))
    with pytest.raises(ValidationError, match=r"unknown pacs\.002 TxSts code 'ZZZZ'"):
        parse_pacs002(xml)


def notification(status: str, *details: camt.EntryTransaction10) -> bytes:
    entry = camt.ReportEntry10(
        amt=camt.ActiveOrHistoricCurrencyAndAmount(value=Decimal("12.345"), ccy="KWD"),
        cdt_dbt_ind=camt.CreditDebitCode.CRDT,
        sts=camt.EntryStatus1Choice(cd=status),
        bk_tx_cd=camt.BankTransactionCodeStructure4(prtry=camt.ProprietaryBankTransactionCodeStructure1(cd="SETL")),
        ntry_dtls=[camt.EntryDetails9(tx_dtls=list(details))],
    )
    account = camt.CashAccount39(id=camt.AccountIdentification4Choice(iban="DE89370400440532013000"))
    body = camt.BankToCustomerDebitCreditNotificationV08(
        grp_hdr=camt.GroupHeader81(msg_id="NTF-1", cre_dt_tm=CREATED),
        ntfctn=[camt.AccountNotification17(id="N-1", acct=account, ntry=[entry])],
    )
    return to_xml(camt.Document(bk_to_cstmr_dbt_cdt_ntfctn=body))


def test_camt054_booked_entry_settles_its_legs() -> None:
    own_amount = camt.EntryTransaction10(
        refs=camt.TransactionReferences6(instr_id="JPY:000001", end_to_end_id="e2e-1"),
        amt=camt.ActiveOrHistoricCurrencyAndAmount(value=Decimal("1500"), ccy="JPY"),
    )
    entry_amount = camt.EntryTransaction10(refs=camt.TransactionReferences6(end_to_end_id="e2e-2"))
    xml = notification("BOOK", own_amount, entry_amount)
    assert message_kind(xml) == "camt.054"
    updates = parse_camt054(xml)
    assert [(u.leg_id, u.end_to_end_id, u.status, u.amount, u.currency) for u in updates] == [
        ("JPY:000001", "e2e-1", LegStatus.SETTLED, 1500, "JPY"),
        (None, "e2e-2", LegStatus.SETTLED, 12345, "KWD"),
    ]


def test_camt054_pending_entry() -> None:
    xml = notification("PDNG", camt.EntryTransaction10(refs=camt.TransactionReferences6(end_to_end_id="e2e-1")))
    assert parse_camt054(xml)[0].status is LegStatus.PENDING


def test_wrong_message_type_is_refused() -> None:
    xml = notification("BOOK")
    with pytest.raises(ValidationError, match=r"expected a pacs\.002 Document"):
        parse_pacs002(xml)
    with pytest.raises(ValidationError, match="unsupported ISO 20022 message urn:example"):
        message_kind(b'<Document xmlns="urn:example"/>')
