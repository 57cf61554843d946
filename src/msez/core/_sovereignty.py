"""Data-sovereignty policy: which categories of data may leave a jurisdiction, and to where (ref-impl A 1.7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from msez.core._errors import PolicyError


class DataCategory(StrEnum):
    PII = "pii"
    FINANCIAL = "financial"
    TAX = "tax"
    CORPORATE = "corporate"
    COMPLIANCE = "compliance"
    KEY_MATERIAL = "key_material"
    ANALYTICS = "analytics"
    PUBLIC_REGULATORY = "public_regulatory"


@dataclass(frozen=True)
class SovereigntyDecision:
    allowed: bool
    reason: str


@dataclass(frozen=True)
class SovereigntyPolicy:
    """Home jurisdiction, per-category allowed targets (``*`` = anywhere) and confined categories."""

    jurisdiction_id: str
    allowed_targets: Mapping[DataCategory, frozenset[str]] = field(default_factory=dict)
    confined_categories: frozenset[DataCategory] = frozenset()

    @classmethod
    def deny_all(cls, jurisdiction_id: str) -> SovereigntyPolicy:
        return cls(jurisdiction_id)

    def allow(self, category: DataCategory, targets: str | Iterable[str]) -> SovereigntyPolicy:
        """A copy that also lets ``category`` go to ``targets`` (one jurisdiction, several, or ``*``)."""
        merged = dict(self.allowed_targets)
        added = frozenset((targets,)) if isinstance(targets, str) else frozenset(targets)
        merged[category] = merged.get(category, frozenset()) | added
        return SovereigntyPolicy(self.jurisdiction_id, merged, self.confined_categories)

    def confine(self, category: DataCategory) -> SovereigntyPolicy:
        """A copy in which ``category`` may never leave the home jurisdiction."""
        return SovereigntyPolicy(self.jurisdiction_id, self.allowed_targets, self.confined_categories | {category})

    @classmethod
    def pakistan_govos(cls) -> SovereigntyPolicy:
        """The reference's Pakistan preset: personal, financial, tax, key, corporate and compliance data stay
        in ``pk``; analytics may go to ``ae``, ``sa`` and ``cn``; public regulatory data anywhere."""
        confined = frozenset(
            {
                DataCategory.PII,
                DataCategory.FINANCIAL,
                DataCategory.TAX,
                DataCategory.KEY_MATERIAL,
                DataCategory.CORPORATE,
                DataCategory.COMPLIANCE,
            }
        )
        targets = {
            DataCategory.ANALYTICS: frozenset({"ae", "sa", "cn"}),
            DataCategory.PUBLIC_REGULATORY: frozenset({"*"}),
        }
        return cls("pk", targets, confined)


@dataclass(frozen=True)
class SovereigntyEnforcer:
    policy: SovereigntyPolicy

    def check(self, category: DataCategory, target: str) -> SovereigntyDecision:
        """Decide whether ``category`` data may be transferred to ``target`` (exact, case-sensitive match)."""
        home = self.policy.jurisdiction_id
        if target == home:
            return SovereigntyDecision(True, f"{target} is the home jurisdiction")
        if category in self.policy.confined_categories:
            return SovereigntyDecision(
                False, f"{category} data is confined to {home} and may not be transferred to {target}"
            )
        targets = self.policy.allowed_targets.get(category)
        if targets is not None:
            if "*" in targets or target in targets:
                return SovereigntyDecision(True, f"{category} data may be transferred to {target}")
            return SovereigntyDecision(False, f"{target} is not in the allowed target list for {category} data")
        return SovereigntyDecision(False, f"no sovereignty policy allows {category} data to leave {home}")

    def enforce(self, category: DataCategory, target: str) -> None:
        """Raise :class:`PolicyError` unless the transfer is allowed."""
        decision = self.check(category, target)
        if not decision.allowed:
            raise PolicyError(decision.reason)
