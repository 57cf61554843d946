"""``msez law ingest`` and ``msez law verify``: lawpacks (spec 96)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from msez.cli._output import stdout
from msez.cli._packs import StoreOption, open_store, print_problems, repo_root, report_failure
from msez.core import parse_date
from msez.pack import (
    STACK_SPEC_VERSION,
    PackIntegrityError,
    build_lawpack,
    check_lawpack,
    existing_tool_version,
    verify_lawpack_path,
    write_lawpack,
)

app = typer.Typer(help="Lawpacks: Akoma Ntoso corpora pinned by digest.", no_args_is_help=True)


@app.command()
def ingest(
    module_dir: Annotated[Path, typer.Argument(help="Module with sources.yaml and src/akn/**/*.xml.")],
    *,
    as_of_date: Annotated[str, typer.Option("--as-of-date", help="YYYY-MM-DD the corpus is valid on.")],
    strict: Annotated[bool, typer.Option("--strict", help="Refuse YAML dates/floats and repeated eIds.")] = False,
    check: Annotated[bool, typer.Option("--check", help="CI mode: strict, write nothing, exit 1 if stale.")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Also copy the zip to DIR/<jid>/<domain>/.")] = None,
    store: StoreOption = None,
) -> None:
    """Build a lawpack: canonical AKN, eId index, digest, zip in the artifact store, lawpack.lock.json."""
    parse_date(as_of_date)
    root = repo_root(module_dir)
    artifacts = open_store(store, root)
    if check:
        version = existing_tool_version(module_dir) or STACK_SPEC_VERSION
        build = build_lawpack(module_dir, as_of_date=as_of_date, strict=True, tool_version=version)
        problems = check_lawpack(build, module_dir=module_dir, store=artifacts, repo_root=root)
        if problems:
            print_problems(problems)
            raise typer.Exit(1)
        stdout.print(f"up to date: lawpack {build.digest.hex} ({build.jurisdiction_id}/{build.domain})")
        return
    build = build_lawpack(module_dir, as_of_date=as_of_date, strict=strict)
    output = write_lawpack(build, module_dir=module_dir, store=artifacts, repo_root=root, copy_dir=out_dir)
    stdout.print(f"lawpack {build.digest.hex} ({build.jurisdiction_id}/{build.domain}, as of {as_of_date})")
    stdout.print(f"  artifact {output.artifact_path}")
    stdout.print(f"  lock     {output.lock_path}{'' if output.written else ' (unchanged)'}")


@app.command()
def verify(
    path: Annotated[Path, typer.Argument(help="A .lawpack.zip or a lawpack.lock.json.")],
    store: StoreOption = None,
) -> None:
    """Recompute everything from the zip; name the member that does not verify."""
    root = repo_root(path)
    try:
        result = verify_lawpack_path(path, store=open_store(store, root), repo_root=root)
    except PackIntegrityError as e:
        report_failure(e)
        return
    documents = sum(1 for name in result.members if name.startswith("akn/"))
    stdout.print(
        f"ok: lawpack {result.digest.hex} ({result.tag}) {result.jurisdiction_id}/{result.domain} "
        f"as of {result.as_of_date}, {documents} AKN document(s)"
    )
