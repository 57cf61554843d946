"""The bundled JSON Schemas and the offline registry (spec X.3 artifact-ref)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from msez.core import ArtifactRef, NotFoundError, SchemaValidationError, ValidationError
from msez.schema import SCHEMA_BASE, SchemaRegistry, default_registry, schema_id, validate

HEX = "43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777"


def test_bundled_schemas_are_registered_under_their_id() -> None:
    registry = default_registry()
    assert "artifact-ref" in registry.names()
    assert schema_id("artifact-ref") == f"{SCHEMA_BASE}artifact-ref.schema.json"
    assert registry.schema("artifact-ref")["$id"] == schema_id("artifact-ref")
    assert schema_id(schema_id("artifact-ref")) == schema_id("artifact-ref")


@pytest.mark.parametrize(
    "instance",
    [
        pytest.param({"artifact_type": "lawpack", "digest_sha256": HEX}, id="minimal"),
        pytest.param(
            {"artifact_type": "vc", "digest_sha256": HEX, "uri": "u", "byte_length": 0, "x-extra": [1]},
            id="hints-and-extras",
        ),
    ],
)
def test_artifact_ref_schema_accepts(instance: dict[str, Any]) -> None:
    validate(instance, "artifact-ref", file="zone.yaml")
    ArtifactRef.coerce(instance)  # the model agrees


@pytest.mark.parametrize(
    ("instance", "path", "message"),
    [
        pytest.param(
            {"artifact_type": "vc", "digest_sha256": HEX.upper()}, "$.digest_sha256", "does not match", id="upper-hex"
        ),
        pytest.param(
            {"artifact_type": "law_pack", "digest_sha256": HEX}, "$.artifact_type", "does not match", id="bad-type"
        ),
        pytest.param({"artifact_type": "vc"}, "$", "'digest_sha256' is a required property", id="missing-digest"),
        pytest.param(
            {"artifact_type": "vc", "digest_sha256": HEX, "byte_length": -1},
            "$.byte_length",
            "less than the minimum",
            id="negative",
        ),
        pytest.param([], "$", "is not of type 'object'", id="not-object"),
    ],
)
def test_artifact_ref_schema_refuses_with_file_and_path(instance: Any, path: str, message: str) -> None:
    with pytest.raises(SchemaValidationError, match=rf"^lock\.json:{re.escape(path)}: .*{message}") as info:
        validate(instance, "artifact-ref", file="lock.json")
    assert (info.value.file, info.value.path) == ("lock.json", path)
    assert isinstance(info.value, ValidationError)


def test_all_errors_are_listed() -> None:
    errors = default_registry().errors({"artifact_type": 5, "digest_sha256": "x"}, "artifact-ref", file="f.json")
    assert sorted(str(e.path) for e in errors) == ["$.artifact_type", "$.digest_sha256"]
    assert all(e.file == "f.json" for e in errors)


def test_unknown_schema() -> None:
    with pytest.raises(NotFoundError, match="no bundled schema named 'nope'"):
        validate({}, "nope")


def test_refs_between_schemas_resolve_offline() -> None:
    bundled = default_registry().schema("artifact-ref")
    holder = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id("holder"),
        "type": "object",
        "properties": {
            "ref": {"$ref": "artifact-ref.schema.json"},
            "either": {"$ref": "artifact-ref.schema.json#/$defs/digest_or_ref"},
        },
    }
    registry = SchemaRegistry({schema_id("artifact-ref"): bundled, schema_id("holder"): holder})
    registry.validate({"ref": {"artifact_type": "vc", "digest_sha256": HEX}, "either": HEX}, "holder")
    with pytest.raises(SchemaValidationError, match=r"^\$\.either: "):
        registry.validate({"either": "nope"}, "holder")


def test_unresolvable_ref_is_reported() -> None:
    broken = {"$id": schema_id("broken"), "$ref": "missing.schema.json"}
    with pytest.raises(NotFoundError, match="schema 'broken' has an unresolvable \\$ref"):
        SchemaRegistry({schema_id("broken"): broken}).validate({}, "broken")
