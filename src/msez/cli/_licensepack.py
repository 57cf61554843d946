"""``msez licensepack build|verify|check|diff``: licence registries (spec 98)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from msez.cli._output import stdout
from msez.cli._packs import StoreOption, load_any, open_store, print_problems, repo_root, report_failure
from msez.core import parse_date
from msez.pack import (
    LICENSEPACK,
    Licensepack,
    PackIntegrityError,
    build_licensepack,
    check_pack,
    diff_documents,
    evaluate_compliance,
    licensepack_delta,
    verify_licensepack,
    write_pack,
)

app = typer.Typer(help="Licensepacks: live licence registries.", no_args_is_help=True)

PackArg = Annotated[
    Path, typer.Argument(help="A licensepack source directory, <digest>.licensepack.json or licensepack.lock.json.")
]


@app.command()
def build(
    source_dir: Annotated[Path, typer.Argument(help="Directory with licensepack.yaml and its records.")],
    *,
    previous: Annotated[Path | None, typer.Option("--previous", help="Previous licensepack (for delta).")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="CI mode: write nothing, exit 1 if the lock is stale.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Build a licensepack into the artifact store and write licensepack.lock.json beside the sources."""
    before = load_any(LICENSEPACK, previous, store, build_licensepack).document if previous else None
    document = build_licensepack(source_dir, previous=before)
    if check:
        problems = check_pack(LICENSEPACK, document, lock_dir=source_dir)
        if problems:
            print_problems(problems)
            raise typer.Exit(1)
        stdout.print(f"up to date: licensepack {LICENSEPACK.digest(document).hex}")
        return
    root = repo_root(source_dir)
    output = write_pack(LICENSEPACK, document, lock_dir=source_dir, store=open_store(store, root), repo_root=root)
    stdout.print(f"licensepack {output.lock['licensepack_digest_sha256']} ({document['licensepack_id']})")
    stdout.print(f"  artifact {output.artifact_path}")
    stdout.print(f"  lock     {output.lock_path}{'' if output.written else ' (unchanged)'}")


@app.command()
def verify(path: PackArg, store: StoreOption = None) -> None:
    """Check the schema, the lock's member digests and the licensepack digest."""
    loaded = load_any(LICENSEPACK, path, store, build_licensepack)
    try:
        result = verify_licensepack(loaded.document, expected=loaded.expected, lock=loaded.lock)
    except PackIntegrityError as e:
        report_failure(e)
        return
    stdout.print(f"ok: licensepack {result.digest.hex} ({result.tag}) {loaded.document.get('licensepack_id')}")


@app.command()
def check(
    holder: Annotated[str, typer.Argument(help="Holder DID.")],
    activity: Annotated[str, typer.Argument(help="Activity, e.g. lease_finance.")],
    *,
    licensepack: Annotated[Path, typer.Option("--licensepack", "-l", help="The licensepack to consult.")],
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: the pack's as_of_date).")] = None,
    store: StoreOption = None,
) -> None:
    """Is HOLDER licensed for ACTIVITY on the date? Exit 1 when not."""
    pack = Licensepack(load_any(LICENSEPACK, licensepack, store, build_licensepack).document)
    day = parse_date(on or str(pack.document.get("as_of_date", date.today().isoformat())))
    result = pack.verify_license(holder, activity, day)
    stdout.print(f"{'valid' if result.valid else 'NOT valid'}: {result.state} {result.license_id or ''}".rstrip())
    for license in pack.licenses_of(holder):
        stdout.print(f"  {evaluate_compliance(license, activity, day).reason}", markup=False)
    if not result.valid:
        raise typer.Exit(1)


@app.command()
def diff(old: PackArg, new: PackArg, store: StoreOption = None) -> None:
    """Licences granted, revoked, suspended and reinstated, then every field-level difference."""
    before = load_any(LICENSEPACK, old, store, build_licensepack).document
    after = load_any(LICENSEPACK, new, store, build_licensepack).document
    delta = licensepack_delta(before, after)
    for kind in ("granted", "revoked", "suspended", "reinstated"):
        ids = getattr(delta, kind)
        stdout.print(f"{kind}: {len(ids)}{' ' + ', '.join(ids) if ids else ''}", markup=False)
    changes = diff_documents(before, after)
    for change in changes:
        stdout.print(change.describe(), markup=False)
    stdout.print(f"{len(changes)} change(s)")
