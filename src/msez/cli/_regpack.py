"""``msez regpack build|verify|diff|screen``: regpacks and sanctions screening (spec 96b)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from msez.cli._output import stdout
from msez.cli._packs import (
    StoreOption,
    load_any,
    open_store,
    parse_identifiers,
    print_problems,
    repo_root,
    report_failure,
)
from msez.pack import (
    REGPACK,
    PackIntegrityError,
    ReferenceSanctionsChecker,
    SanctionsScreener,
    build_regpack,
    check_pack,
    diff_regpacks,
    verify_regpack,
    write_pack,
)

app = typer.Typer(help="Regpacks: regulators, sanctions, licence types, compliance calendars.", no_args_is_help=True)

PackArg = Annotated[
    Path, typer.Argument(help="A regpack source directory, <digest>.regpack.json or regpack.lock.json.")
]


@app.command()
def build(
    source_dir: Annotated[Path, typer.Argument(help="Directory with regpack.yaml and its sections.")],
    *,
    previous: Annotated[Path | None, typer.Option("--previous", help="Previous regpack (for delta).")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="CI mode: write nothing, exit 1 if the lock is stale.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Build a regpack into the artifact store and write regpack.lock.json beside the sources."""
    before = load_any(REGPACK, previous, store, build_regpack).document if previous else None
    document = build_regpack(source_dir, previous=before)
    if check:
        problems = check_pack(REGPACK, document, lock_dir=source_dir)
        if problems:
            print_problems(problems)
            raise typer.Exit(1)
        stdout.print(f"up to date: regpack {REGPACK.digest(document).hex} ({document['regpack_id']})")
        return
    root = repo_root(source_dir)
    output = write_pack(REGPACK, document, lock_dir=source_dir, store=open_store(store, root), repo_root=root)
    stdout.print(f"regpack {output.lock['regpack_digest_sha256']} ({document['regpack_id']})")
    stdout.print(f"  artifact {output.artifact_path}")
    stdout.print(f"  lock     {output.lock_path}{'' if output.written else ' (unchanged)'}")


@app.command()
def verify(path: PackArg, store: StoreOption = None) -> None:
    """Check the schema, component digests, the lock's member digests and the regpack digest."""
    loaded = load_any(REGPACK, path, store, build_regpack)
    try:
        result = verify_regpack(loaded.document, expected=loaded.expected, lock=loaded.lock)
    except PackIntegrityError as e:
        report_failure(e)
        return
    stdout.print(f"ok: regpack {result.digest.hex} ({result.tag}) {loaded.document.get('regpack_id')}")


@app.command()
def diff(old: PackArg, new: PackArg, store: StoreOption = None) -> None:
    """Field-level differences between two regpacks (records matched by id)."""
    changes = diff_regpacks(
        load_any(REGPACK, old, store, build_regpack).document, load_any(REGPACK, new, store, build_regpack).document
    )
    for change in changes:
        stdout.print(change.describe(), markup=False)
    stdout.print(f"{len(changes)} change(s)")


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="The name to screen.")],
    *,
    regpack: Annotated[Path, typer.Option("--regpack", "-r", help="Regpack with sanctions entries.")],
    identifier: Annotated[list[str], typer.Option("--identifier", help="TYPE=VALUE, repeatable.")] = [],  # noqa: B006
    threshold: Annotated[float, typer.Option("--threshold", help="Minimum score, in (0, 1].")] = 0.7,
    reference: Annotated[bool, typer.Option("--reference", help="Reference rules only (no folding).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Screen a name (and identifiers) against the sanctions entries; exit 1 when anything matches."""
    document = load_any(REGPACK, regpack, store, build_regpack).document
    pairs = parse_identifiers(identifier)
    screener = SanctionsScreener.from_regpack(document, folding=not reference)
    entries, snapshot_id = screener.entries, screener.snapshot_id
    if reference:
        result = ReferenceSanctionsChecker(entries, snapshot_id=snapshot_id).check_entity(
            name, pairs, threshold=threshold
        )
    else:
        result = screener.screen(name, pairs, threshold=threshold)
    if as_json:
        stdout.print(json.dumps(result.to_json(), ensure_ascii=False, indent=2), markup=False)
    else:
        verdict = f"MATCH (score {result.match_score:.3f})" if result.matched else "no match"
        stdout.print(f"{name!r} against {snapshot_id or 'sanctions'} ({len(entries)} entries): {verdict}", markup=False)
        for match in result.matches:
            stdout.print(
                f"  {match.entry_id} {match.entry.primary_name!r} {match.score:.3f} [{match.field}]", markup=False
            )
            stdout.print(f"    {match.explanation}", markup=False)
    if result.matched:
        raise typer.Exit(1)
