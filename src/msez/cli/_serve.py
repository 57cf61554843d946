"""``msez serve``: run the zone node (uvicorn, one or more worker processes) on a zone manifest.

First start prepares the data directory: the zone signing key (an OKP JWK, mode 0600) unless
``MSEZ_ZONE_KEY_FILE`` names one, the zone-admin token unless ``MSEZ_ADMIN_TOKEN`` is set, and the database
schema (migrations are applied on every start). Workers build their app from the environment prepared here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy.engine import make_url

from msez.api import (
    DEFAULT_DATA_DIR,
    DEFAULT_ZONE,
    default_database_url,
    ensure_admin_token,
    ensure_zone_key,
    log_config,
    read_zone_key,
)
from msez.cli._output import stdout
from msez.store import upgrade_to_head
from msez.zone import read_zone


def serve(
    *,
    zone: Annotated[Path, typer.Option("--zone", help="Zone manifest (zone.yaml or its folder).")] = DEFAULT_ZONE,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default $MSEZ_DATABASE_URL or SQLite in the data dir).")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8080,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Key, token and SQLite folder (default $MSEZ_DATA_DIR or ./var).")
    ] = None,
) -> None:
    """Run the zone node: REST API, OpenAPI at /openapi.json, docs at /docs."""
    folder = data_dir or Path(os.environ.get("MSEZ_DATA_DIR") or DEFAULT_DATA_DIR)
    manifest = read_zone(zone)
    key_file = Path(os.environ.get("MSEZ_ZONE_KEY_FILE") or folder / "zone-key.jwk")
    key, created = (read_zone_key(key_file), False) if "MSEZ_ZONE_KEY_FILE" in os.environ else ensure_zone_key(key_file)
    token = os.environ.get("MSEZ_ADMIN_TOKEN") or ensure_admin_token(folder)[0]
    url = db or os.environ.get("MSEZ_DATABASE_URL") or default_database_url(folder)
    revision = upgrade_to_head(url)
    os.environ.update(
        MSEZ_ZONE=str(manifest.path), MSEZ_DATA_DIR=str(folder), MSEZ_DATABASE_URL=url, MSEZ_ZONE_KEY_FILE=str(key_file)
    )
    if workers > 1:
        _prepare_multiprocess_metrics(folder / "prometheus")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    for line in (
        f"msez node for {manifest.zone_name} ({manifest.zone_id}, {manifest.jurisdiction_id})",
        f"  database     {make_url(url).render_as_string(hide_password=True)} (schema {revision})",
        f"  zone key     {key.verifying_key.did}{' (generated)' if created else ''}",
        f"  admin token  {token}",
        f"  listening    http://{shown}:{port}  (docs: http://{shown}:{port}/docs)",
    ):
        stdout.print(line, markup=False, emoji=False)
    uvicorn.run(
        "msez.api:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(),
        access_log=False,
        server_header=False,
    )


def _prepare_multiprocess_metrics(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
