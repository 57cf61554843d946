"""schemathesis against /openapi.json with an admin token: no 5xx, every status documented, every response body
matching its schema (a bounded number of examples per operation; a SQLite file of its own). `make test` runs this
file in a pytest invocation of its own: collected beside other files under pytest-xdist, schemathesis 4 yields a
single test that exercises one operation."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from msez.api import create_app
from msez.store import Database, upgrade_to_head
from tests.api.conftest import ADMIN_SECRET, node_settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


_FOLDER = Path(tempfile.mkdtemp(prefix="msez-schemathesis-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_URL = f"sqlite:///{_FOLDER / 'msez.db'}"
upgrade_to_head(_URL)
_APP = create_app(node_settings(Database(_URL), "schemathesis-zone", str(uuid.uuid4()), str(uuid.uuid4())))
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN_SECRET}"}, checks=CHECKS)
