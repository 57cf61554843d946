"""The 20 compliance domains, in the reference's order (reference-impl A 1.3)."""

from __future__ import annotations

from enum import StrEnum

from msez.core._errors import ValidationError


class ComplianceDomain(StrEnum):
    """A regulatory domain; the value is the reference's snake_case name."""

    AML = "aml"
    KYC = "kyc"
    SANCTIONS = "sanctions"
    TAX = "tax"
    SECURITIES = "securities"
    CORPORATE = "corporate"
    CUSTODY = "custody"
    DATA_PRIVACY = "data_privacy"
    LICENSING = "licensing"
    BANKING = "banking"
    PAYMENTS = "payments"
    CLEARING = "clearing"
    SETTLEMENT = "settlement"
    DIGITAL_ASSETS = "digital_assets"
    EMPLOYMENT = "employment"
    IMMIGRATION = "immigration"
    IP = "ip"
    CONSUMER_PROTECTION = "consumer_protection"
    ARBITRATION = "arbitration"
    TRADE = "trade"

    @classmethod
    def parse(cls, text: str) -> ComplianceDomain:
        """Parse a domain name; case, surrounding space and ``-`` for ``_`` are forgiven.

        Raises:
            ValidationError: not one of the 20 domains (the message lists them).
        """
        key = text.strip().lower().replace("-", "_") if isinstance(text, str) else ""
        try:
            return cls(key)
        except ValueError:
            valid = ", ".join(d.value for d in cls)
            raise ValidationError(f"unknown compliance domain {text!r}; expected one of: {valid}") from None
