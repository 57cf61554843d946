"""pacs.008.001.10: every message we generate parses with pyiso20022's generated classes, passes its field
constraints, and round-trips through our parser to the same legs and accounts."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyiso20022.pacs.pacs_008_001_10 import Document
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig

from msez.core import NotFoundError, ValidationError
from msez.settlement import (
    PartyAccount,
    SettlementLeg,
    build_pacs008,
    format_amount,
    pacs008_xml,
    parse_pacs008,
)

from .conftest import T0

STRICT = ParserConfig(fail_on_unknown_properties=True, fail_on_unknown_attributes=True, fail_on_converter_warnings=True)


def facet_violations(value: object, path: str = "Document") -> list[str]:
    """The XSD facets pyiso20022 records in field metadata (required, lengths, patterns, digits)."""
    if isinstance(value, list):
        return [v for i, item in enumerate(value) for v in facet_violations(item, f"{path}[{i}]")]
    if not dataclasses.is_dataclass(value):
        return []
    found = []
    for field in dataclasses.fields(value):
        item, meta, where = getattr(value, field.name), field.metadata, f"{path}.{field.metadata.get('name')}"
        if item is None or item == []:
            found += [f"{where} is required"] if meta.get("required") else []
            continue
        if isinstance(item, str):
            found += [f"{where} too long"] if len(item) > meta.get("max_length", len(item)) else []
            found += [f"{where} too short"] if len(item) < meta.get("min_length", 0) else []
            found += [f"{where} pattern"] if "pattern" in meta and not re.fullmatch(meta["pattern"], item) else []
        if isinstance(item, Decimal):
            digits = item.as_tuple()
            found += [f"{where} digits"] if len(digits.digits) > meta.get("total_digits", 99) else []
            found += [f"{where} fraction"] if -int(digits.exponent) > meta.get("fraction_digits", 99) else []
        found += facet_violations(item, where)
    return found


def third_party_parse(xml: bytes) -> Document:
    document = XmlParser(config=STRICT).from_bytes(xml, Document)
    assert facet_violations(document) == []
    return document


def legs_jpy_kwd_usd() -> list[SettlementLeg]:
    return [
        SettlementLeg("JPY:000001", "A", "C", "JPY", 1_500_000),
        SettlementLeg("KWD:000001", "B", "A", "KWD", 12_345),
        SettlementLeg("USD:000001", "C", "B", "USD", 4_000),
    ]


def test_generated_message_parses_with_pyiso20022_and_round_trips(parties: dict[str, PartyAccount]) -> None:
    message = build_pacs008(legs_jpy_kwd_usd(), parties, instructing_agent="deutdeff", created_at=T0)
    xml = pacs008_xml(message)
    document = third_party_parse(xml)
    txs = document.fito_ficstmr_cdt_trf.cdt_trf_tx_inf
    assert [(t.intr_bk_sttlm_amt.ccy, str(t.intr_bk_sttlm_amt.value)) for t in txs] == [
        ("JPY", "1500000"),
        ("KWD", "12.345"),
        ("USD", "40.00"),
    ]
    assert txs[1].dbtr.nm == "Smith & Sons <Holdings> Ltd"
    assert txs[0].cdtr.nm == "Société Générale Ōsaka 株式会社"
    assert b"Smith &amp; Sons &lt;Holdings&gt; Ltd" in xml
    assert parse_pacs008(xml) == message


def test_ids_are_unique_per_message_and_transaction(parties: dict[str, PartyAccount]) -> None:
    first = build_pacs008(legs_jpy_kwd_usd(), parties, instructing_agent="DEUTDEFF", created_at=T0)
    second = build_pacs008(legs_jpy_kwd_usd(), parties, instructing_agent="DEUTDEFF", created_at=T0)
    ids = [first.message_id, second.message_id]
    ids += [t.end_to_end_id for t in first.transfers + second.transfers]
    uetrs = [t.uetr for t in first.transfers + second.transfers]
    assert len(set(ids)) == len(ids)
    assert len(set(uetrs)) == len(uetrs)
    assert all(len(i) <= 35 for i in ids)


NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("&<>\"'"), min_size=1, max_size=60
).filter(lambda s: s.strip() != "" and "\ufffe" not in s and "\uffff" not in s)
AMOUNTS = {"JPY": st.integers(1, 10**15), "KWD": st.integers(1, 10**14), "USD": st.integers(1, 10**15)}


@st.composite
def leg_sets(draw: st.DrawFn) -> tuple[list[SettlementLeg], dict[str, PartyAccount]]:
    names = draw(st.lists(NAME, min_size=2, max_size=4))
    accounts = {
        f"P{i}": PartyAccount(f"P{i}", name, draw(st.sampled_from(["DEUTDEFF", "NBOKKWKW", "MHCBJPJTXXX"])))
        for i, name in enumerate(names)
    }
    legs = []
    for index in range(draw(st.integers(1, 4))):
        payer, payee = draw(st.permutations(sorted(accounts)))[:2]
        currency = draw(st.sampled_from(sorted(AMOUNTS)))
        legs.append(SettlementLeg(f"{currency}:{index:06d}", payer, payee, currency, draw(AMOUNTS[currency])))
    return legs, accounts


@given(leg_sets())
def test_any_generated_message_round_trips(case: tuple[list[SettlementLeg], dict[str, PartyAccount]]) -> None:
    legs, accounts = case
    message = build_pacs008(legs, accounts, instructing_agent="DEUTDEFF", created_at=T0)
    xml = pacs008_xml(message)
    document = third_party_parse(xml)
    assert [t.dbtr.nm for t in document.fito_ficstmr_cdt_trf.cdt_trf_tx_inf] == [
        accounts[leg.from_party].name for leg in legs
    ]
    parsed = parse_pacs008(xml)
    assert list(parsed.legs) == legs
    assert parsed == message


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        pytest.param(1, "JPY", "1", id="jpy-no-decimals"),
        pytest.param(1, "KWD", "0.001", id="kwd-three"),
        pytest.param(123456, "USD", "1234.56", id="usd-two"),
    ],
)
def test_amounts_use_iso4217_minor_units(amount: int, currency: str, text: str) -> None:
    assert format_amount(amount, currency) == text


def test_amount_with_too_many_digits_is_refused() -> None:
    with pytest.raises(ValidationError, match="more than 18 digits"):
        format_amount(10**19, "USD")


def test_missing_party_account_is_named(parties: dict[str, PartyAccount]) -> None:
    with pytest.raises(NotFoundError, match="no account details for party 'Z'"):
        build_pacs008(
            [SettlementLeg("USD:000001", "A", "Z", "USD", 1)], parties, instructing_agent="DEUTDEFF", created_at=T0
        )


def _message_with(replace: tuple[bytes, bytes], parties: dict[str, PartyAccount]) -> bytes:
    legs = [SettlementLeg("JPY:000001", "A", "B", "JPY", 15)]
    xml = pacs008_xml(build_pacs008(legs, parties, instructing_agent="DEUTDEFF", created_at=T0))
    assert replace[0] in xml
    return xml.replace(*replace)


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        pytest.param((b">15<", b">1.5<"), "not representable: JPY has 0 decimal places", id="fractional-yen"),
        pytest.param((b">15<", b">abc<"), "decimal string", id="not-a-number"),
        pytest.param((b"<NbOfTxs>1<", b"<NbOfTxs>2<"), "NbOfTxs says 2", id="count-mismatch"),
        pytest.param((b"DEUTDEFF", b"DEUTZZFF"), "invalid BIC", id="bad-bic"),
        pytest.param((b"pacs.008.001.10", b"pacs.008.001.08"), "expected a pacs.008.001.10", id="other-version"),
        pytest.param((b"<Nm>Acme Trading FZE</Nm>", b""), "missing Dbtr/Nm", id="missing-name"),
    ],
)
def test_bad_messages_are_refused(replace: tuple[bytes, bytes], message: str, parties: dict[str, PartyAccount]) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_pacs008(_message_with(replace, parties))


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>', id="entities"
        ),
        pytest.param(b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://example.invalid/x.dtd"><d/>', id="external-dtd"),
        pytest.param(
            b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            id="external-entity",
        ),
    ],
)
def test_dtds_and_entities_are_refused(xml: bytes) -> None:
    with pytest.raises(ValidationError, match="DOCTYPE is refused"):
        parse_pacs008(xml)


def test_malformed_xml_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="not well-formed XML"):
        parse_pacs008(b"<Document><unclosed></Document>")


def test_the_third_party_check_catches_facet_violations(parties: dict[str, PartyAccount]) -> None:
    xml = _message_with((b"<Nm>Acme Trading FZE</Nm>", b"<Nm>" + b"x" * 141 + b"</Nm>"), parties)
    document = XmlParser(config=STRICT).from_bytes(xml, Document)
    assert facet_violations(document) == ["Document.FIToFICstmrCdtTrf.CdtTrfTxInf[0].Dbtr.Nm too long"]
