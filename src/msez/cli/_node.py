"""``msez node``: call a running zone node for the main operations (register an entity, open a corridor, append
a receipt, query as regulator).

Every command prints the node's JSON answer on stdout. A refusal prints the error envelope on stdout, one line
``error: node answered <status> <code>: <message>`` on stderr, and exits 1; an unreachable node or bad input exits 2.
The token is ``--token`` / ``MSEZ_TOKEN``, else the admin token in the data directory (``var/admin-token``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.api import DEFAULT_DATA_DIR, read_admin_token
from msez.cli._node_http import NodeClient, NodeRefusedError
from msez.cli._output import err, stdout
from msez.core import ValidationError, load_document

DEFAULT_URL = "http://127.0.0.1:8080"

app = typer.Typer(help="Call a running zone node (msez serve).", no_args_is_help=True)
entity_app = typer.Typer(help="Entities: register, read, list, lifecycle transitions.", no_args_is_help=True)
corridor_app = typer.Typer(
    help="Corridors: open, read, list, transitions, receipts, checkpoints.", no_args_is_help=True
)
regulator_app = typer.Typer(help="The regulator console (read-only; use a regulator token).", no_args_is_help=True)
app.add_typer(entity_app, name="entity")
app.add_typer(corridor_app, name="corridor")
app.add_typer(regulator_app, name="regulator")

BodyOpt = Annotated[
    Path | None, typer.Option("--body", help="Request body from a JSON/YAML file; options given override its fields.")
]
Limit = Annotated[int, typer.Option("--limit", min=1, max=1000, help="Page size.")]
Offset = Annotated[int, typer.Option("--offset", min=0, help="Records to skip.")]
StateOpt = Annotated[str | None, typer.Option("--state", help="Only records in this lifecycle state.")]
CorridorId = Annotated[str, typer.Argument(help="Corridor id.")]


@app.callback()
def connect(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", envvar="MSEZ_NODE_URL", help="The node's base URL.")] = DEFAULT_URL,
    token: Annotated[
        str | None, typer.Option("--token", envvar="MSEZ_TOKEN", help="Bearer token (default: the admin token).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where to find admin-token (default $MSEZ_DATA_DIR or ./var).")
    ] = None,
) -> None:
    """Pick the node and the token every subcommand uses."""
    if not url.startswith(("http://", "https://")):
        raise ValidationError(f"--url must be an http:// or https:// URL, got {url!r}")
    ctx.obj = (url, token, data_dir)


def _client(ctx: typer.Context) -> NodeClient:
    """The client for the chosen node, with the token resolved only when a request is sent (so --help needs none)."""
    url, token, data_dir = ctx.obj
    folder = data_dir or Path(os.environ.get("MSEZ_DATA_DIR") or DEFAULT_DATA_DIR)
    chosen = token or read_admin_token(folder)
    if not chosen:
        raise ValidationError(f"no token: pass --token, set MSEZ_TOKEN, or point --data-dir at the node's {folder}")
    return NodeClient(url, chosen)


def _send(ctx: typer.Context, method: str, path: str, body: Any = None, **query: Any) -> None:
    try:
        answer = _client(ctx).call(method, path, body, query)
    except NodeRefusedError as e:
        _show(e.body)
        err(f"error: {e}")
        raise typer.Exit(1) from None
    _show(answer)


def _show(value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    stdout.print(text, markup=False, emoji=False)


def _body(path: Path | None, **fields: Any) -> dict[str, Any]:
    base = load_document(path) if path is not None else {}
    if not isinstance(base, dict):
        raise ValidationError(f"{path}: the request body must be a JSON/YAML object")
    return {**base, **{k: v for k, v in fields.items() if v is not None and v != []}}


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise ValidationError(f"{option} takes KEY=VALUE, got {value!r}")
        pairs[key] = text
    return pairs


def _add_reads(group: typer.Typer, collection: str, one: str, many: str) -> None:
    """``get ID`` and ``list [--state] [--limit] [--offset]`` on a collection route."""

    def get(ctx: typer.Context, record_id: Annotated[str, typer.Argument(help="Record id.")]) -> None:
        _send(ctx, "GET", f"{collection}/{_segment(record_id)}")

    def list_(ctx: typer.Context, state: StateOpt = None, limit: Limit = 100, offset: Offset = 0) -> None:
        _send(ctx, "GET", collection, state=state, limit=limit, offset=offset)

    group.command("get", help=one)(get)
    group.command("list", help=many)(list_)


_add_reads(entity_app, "/v1/entities", "One entity with its beneficial owners.", "Entities, oldest first.")
_add_reads(corridor_app, "/v1/corridors", "A corridor: state, head, policy and lifecycle history.", "Corridors.")


@app.command("health")
def health(ctx: typer.Context) -> None:
    """Readiness: the node is up and its database answers."""
    _send(ctx, "GET", "/health/readiness")


@entity_app.command("create")
def entity_create(
    ctx: typer.Context,
    *,
    legal_name: Annotated[str | None, typer.Option("--name", help="Legal name.")] = None,
    entity_type: Annotated[str | None, typer.Option("--type", help="company, partnership, trust, ...")] = None,
    ntn: Annotated[str | None, typer.Option("--ntn", help="National tax number (7 digits).")] = None,
    owners: Annotated[
        list[str] | None,
        typer.Option("--owner", help="Beneficial owner NAME=PERCENT (repeatable), e.g. 'Ayesha Noor=60'."),
    ] = None,
    body: BodyOpt = None,
) -> None:
    """Register an entity (compliance-checked; answers with the formation credential)."""
    beneficial = [{"name": k, "ownership_percentage": v} for k, v in _pairs(owners or [], "--owner").items()]
    payload = _body(body, legal_name=legal_name, entity_type=entity_type, ntn=ntn, beneficial_owners=beneficial)
    _send(ctx, "POST", "/v1/entities", payload)


@entity_app.command("transition")
def entity_transition(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Entity id.")],
    transition: Annotated[str, typer.Argument(help="approve, reject, suspend, reinstate, ...")],
    evidence: Annotated[list[str] | None, typer.Option("--evidence", help="Evidence TYPE=SHA256 (repeatable).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
) -> None:
    """Apply a lifecycle transition with evidence (zone admin)."""
    items = [{"type": k, "digest": v} for k, v in _pairs(evidence or [], "--evidence").items()]
    _send(
        ctx,
        "POST",
        f"/v1/entities/{_segment(entity_id)}/transitions",
        _body(None, transition=transition, evidence=items, reason=reason),
    )


@corridor_app.command("open")
def corridor_open(
    ctx: typer.Context,
    counterparty: Annotated[str, typer.Option("--counterparty", help="The other side's jurisdiction id.")],
    module: Annotated[str | None, typer.Option("--module", help="A corridor id from the zone's library.")] = None,
    files: Annotated[
        Path | None, typer.Option("--files", help="A corridor module folder to post instead.", file_okay=False)
    ] = None,
) -> None:
    """Open a corridor (DRAFT) from a library module or a posted module folder."""
    if (module is None) == (files is None):
        raise ValidationError("give exactly one of --module and --files")
    payload: dict[str, Any] = {"jurisdiction_b": counterparty}
    if module is not None:
        payload["corridor_id"] = module
    else:
        payload["files"] = _module_files(files)  # type: ignore[arg-type]
    _send(ctx, "POST", "/v1/corridors", payload)


@corridor_app.command("transition")
def corridor_transition(
    ctx: typer.Context,
    corridor: CorridorId,
    to_state: Annotated[str, typer.Argument(help="PENDING, ACTIVE, HALTED, SUSPENDED, DEPRECATED.")],
    *,
    module_credentials: Annotated[
        bool, typer.Option("--module-credentials", help="Offer the module's definition and agreement VCs.")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    body: BodyOpt = None,
) -> None:
    """Move the corridor through its lifecycle (evidence from --body or the module's credentials)."""
    payload = _body(body, to_state=to_state, reason=reason)
    if module_credentials:
        payload["include_module_credentials"] = True
    _send(ctx, "POST", f"/v1/corridors/{_segment(corridor)}/transitions", payload)


@corridor_app.command("append")
def corridor_append(
    ctx: typer.Context,
    corridor: CorridorId,
    kind: Annotated[str | None, typer.Option("--kind", help="Transition kind (default: noop).")] = None,
    fields: Annotated[
        list[str] | None, typer.Option("--set", help="Payload field KEY=VALUE, a string (repeatable).")
    ] = None,
    body: BodyOpt = None,
) -> None:
    """Build, sign and append the corridor's next receipt."""
    payload = _body(body)
    if kind is not None or fields:
        transition = {**payload.get("transition", {}), **_pairs(fields or [], "--set")}
        if kind is not None:
            transition["kind"] = kind
        payload["transition"] = transition
    _send(ctx, "POST", f"/v1/corridors/{_segment(corridor)}/receipts", payload)


@corridor_app.command("receipts")
def corridor_receipts(
    ctx: typer.Context,
    corridor: CorridorId,
    start: Annotated[int, typer.Option("--from", min=0, help="First sequence.")] = 0,
    limit: Limit = 100,
) -> None:
    """Signed receipts in sequence order."""
    _send(ctx, "GET", f"/v1/corridors/{_segment(corridor)}/receipts", **{"from": start, "limit": limit})


@corridor_app.command("checkpoint")
def corridor_checkpoint(ctx: typer.Context, corridor: CorridorId) -> None:
    """Checkpoint the head: build, sign and store."""
    _send(ctx, "POST", f"/v1/corridors/{_segment(corridor)}/checkpoints")


@regulator_app.command("attestations")
def regulator_attestations(
    ctx: typer.Context,
    *,
    entity_id: Annotated[str | None, typer.Option("--entity", help="Only this entity's attestations.")] = None,
    attestation_type: Annotated[str | None, typer.Option("--type", help="Attestation type.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="ACTIVE, REVOKED, ...")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> None:
    """Query attestations."""
    payload = _body(None, entity_id=entity_id, attestation_type=attestation_type, status=status)
    _send(ctx, "POST", "/v1/regulator/query/attestations", {**payload, "limit": limit, "offset": offset})


@regulator_app.command("summary")
def regulator_summary(ctx: typer.Context) -> None:
    """Counts of the zone's registry."""
    _send(ctx, "GET", "/v1/regulator/summary")


@regulator_app.command("dashboard")
def regulator_dashboard(ctx: typer.Context) -> None:
    """The zone at a glance: packs, compliance, credentials, activity, health."""
    _send(ctx, "GET", "/v1/regulator/dashboard")


def _segment(text: str) -> str:
    if not text or "/" in text or text in (".", ".."):
        raise ValidationError(f"not an id: {text!r}")
    return text


def _module_files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        raise ValidationError(f"{folder}: not a folder")
    files: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            files[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{path}: module files must be UTF-8 text") from None
    if not files:
        raise ValidationError(f"{folder}: no files")
    return files
