"""The node's side of its corridors: the zone as a corridor party, over the store and ``msez.corridor``.

One :class:`CorridorService` per node process holds the zone's signer (the zone key, ``did:key``), the static
half of each corridor (:class:`Channel`: ids, state-channel policy, genesis root, digest sets; immutable once the
corridor exists, so cached per process), the corridor modules of the zone's library, and the receipt appender.
It turns stored heads into :class:`~msez.corridor.ChainHead` values and answers the finality of a head from the
stored checkpoints and watcher attestations.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from msez.api._corridor_appender import Appender
from msez.api._node import Node
from msez.core import ConflictError, NotFoundError, Timestamp, ValidationError
from msez.corridor import (
    ChainHead,
    CheckpointError,
    CorridorModule,
    FinalityLevel,
    StateChannelPolicy,
    VerifiedCheckpoint,
    WatcherComparison,
    compare_watchers,
    finality_status,
    new_receipt,
    verify_checkpoint,
)
from msez.store import Database, corridor_evidence, corridors
from msez.vc import Signer, add_proof

MODULE_SUFFIXES: Final = (".yaml", ".yml", ".json")
MAX_MODULE_FILES: Final = 64


@dataclass(frozen=True)
class Channel:
    """The static half of one corridor: what building and checking its receipts needs."""

    id: str
    corridor_id: str
    genesis_root: str
    policy: StateChannelPolicy
    lawpacks: tuple[str, ...]
    rulesets: tuple[str, ...]

    @classmethod
    def of(cls, record: corridors.Corridor) -> Channel:
        policy = StateChannelPolicy.from_json(dict(record.policy))
        return cls(
            record.id,
            record.corridor_id,
            record.genesis_root,
            policy,
            tuple(sorted(d.hex for d in policy.lawpack_digest_set)),
            tuple(sorted(d.hex for d in policy.ruleset_digest_set)),
        )


class CorridorService:
    """Per-process corridor state of a node (see the module docstring)."""

    def __init__(self, node: Node) -> None:
        self.zone_id = node.settings.zone_id
        self.db: Database = node.db
        self.signer = Signer.from_key(node.settings.zone_key)
        self.did = str(self.signer.did)
        self.library_root = node.settings.library_root
        self._channels: dict[str, Channel] = {}
        self.appender = Appender(self.db, self.zone_id, self.build_receipt)

    def cached(self, corridor: str) -> Channel | None:
        """The corridor's static half if this process has read it already."""
        return self._channels.get(corridor)

    def channel(self, session: Session, corridor: str) -> Channel:
        """The corridor's static half, read once per process.

        Raises:
            NotFoundError: no such corridor in this zone.
        """
        found = self._channels.get(corridor)
        if found is None:
            found = self._channels[corridor] = Channel.of(corridors.get_corridor(session, self.zone_id, corridor))
        return found

    def build_receipt(
        self, channel: Channel, sequence: int, prev_root: str, transition: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The sealed receipt at ``sequence`` extending ``prev_root``, signed with the zone key.

        ``new_receipt`` has just sealed ``next_root``, so the proof is added directly (``sign_receipt`` would
        recompute the root to check the seal).
        """
        receipt = new_receipt(
            corridor_id=channel.corridor_id,
            sequence=sequence,
            prev_root=prev_root,
            timestamp=Timestamp.now(),
            lawpack_digest_set=channel.lawpacks,
            ruleset_digest_set=channel.rulesets,
            transition=transition,
        )
        return add_proof(receipt, self.signer)

    def library_module(self, corridor_id: str) -> tuple[str, dict[str, bytes]]:
        """The files of the library's corridor module with ``corridor_id`` and its library-relative path.

        Raises:
            NotFoundError: no library configured, or no corridor module there declares ``corridor_id``.
        """
        if self.library_root is None:
            raise NotFoundError("this node has no module library; post the corridor's files instead")
        directory = _library_modules(self.library_root).get(corridor_id)
        if directory is None:
            raise NotFoundError(f"no corridor module in the zone's library declares corridor {corridor_id}")
        return directory.relative_to(self.library_root).as_posix(), module_files(directory)

    def chain_head(self, channel: Channel, head: corridors.Head) -> ChainHead:
        """The stored head as ``msez.corridor`` sees it (every receipt binds the policy's digest sets)."""
        filled = head.receipt_count > 0
        return ChainHead(
            channel.corridor_id,
            channel.genesis_root,
            head.receipt_count,
            head.next_root,
            head.peaks,
            channel.lawpacks if filled else (),
            channel.rulesets if filled else (),
            head.last_timestamp,
        )

    def verified_checkpoint(self, channel: Channel, checkpoint: corridor_evidence.Checkpoint) -> VerifiedCheckpoint:
        """Re-verify a stored checkpoint against the corridor's policy.

        Raises:
            ConflictError: it no longer verifies (e.g. a signer's authorisation changed).
        """
        try:
            return verify_checkpoint(dict(checkpoint.document), channel.policy)
        except CheckpointError as e:
            raise ConflictError(f"stored checkpoint {checkpoint.digest} does not verify: {e.message}") from e

    def watchers(self, session: Session, channel: Channel, now: Timestamp) -> WatcherComparison:
        """``watcher-compare`` over the stored attestations young enough to count."""
        oldest = now + timedelta(seconds=-channel.policy.watcher_quorum.staleness_seconds())
        stored = corridor_evidence.list_watcher_attestations(
            session, self.zone_id, channel.id, since=oldest.datetime, limit=10_000
        )
        return compare_watchers([a.document for a in stored], channel.policy, now=now)

    def finality(self, session: Session, channel: Channel, head: corridors.Head, now: Timestamp) -> dict[str, Any]:
        """The ``corridor.finality-status`` of the stored head: receipts, the latest checkpoint, the watchers."""
        latest = corridor_evidence.latest_checkpoint(session, self.zone_id, channel.id)
        checkpoint = self.verified_checkpoint(channel, latest) if latest is not None else None
        return finality_status(
            self.chain_head(channel, head),
            as_of=now,
            checkpoint=checkpoint,
            watchers=self.watchers(session, channel, now),
        )

    def finality_level(self, session: Session, channel: Channel, head: corridors.Head, now: Timestamp) -> FinalityLevel:
        return FinalityLevel.parse(self.finality(session, channel, head, now)["finality_level"])


_SERVICES: weakref.WeakKeyDictionary[Node, CorridorService] = weakref.WeakKeyDictionary()


def corridor_service(node: Node) -> CorridorService:
    """The node's corridor service (made on first use)."""
    found = _SERVICES.get(node)
    if found is None:
        found = _SERVICES[node] = CorridorService(node)
    return found


async def close_corridor_service(node: Node) -> None:
    """Release the corridor service's database connections, if it was ever used (at shutdown)."""
    found = _SERVICES.pop(node, None)
    if found is not None:
        await found.appender.close()


def module_files(directory: Path) -> dict[str, bytes]:
    """The YAML and JSON files of a corridor module directory, by module-relative path.

    Raises:
        ValidationError: more than :data:`MAX_MODULE_FILES` of them.
    """
    paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in MODULE_SUFFIXES)
    if len(paths) > MAX_MODULE_FILES:
        raise ValidationError(f"{directory}: more than {MAX_MODULE_FILES} module files")
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in paths}


@cache
def _library_modules(root: Path) -> dict[str, Path]:
    """Corridor id -> module directory, for every ``corridor.yaml`` under ``<root>/modules``."""
    found: dict[str, Path] = {}
    for manifest in sorted((root / "modules").rglob("corridor.yaml")):
        corridor_id = CorridorModule.load(manifest.parent).corridor_id
        if corridor_id is not None:
            found.setdefault(corridor_id, manifest.parent)
    return found
