"""Loading, registering and applying the bundled JSON Schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, Final

from jsonschema import Draft202012Validator
from jsonschema import ValidationError as JsonSchemaError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from msez.core import NotFoundError, SchemaValidationError

SCHEMA_BASE: Final = "https://schemas.momentum-sez.org/msez/"


def schema_id(name: str) -> str:
    """The ``$id`` of a bundled schema: ``artifact-ref`` -> ``https://.../msez/artifact-ref.schema.json``."""
    return name if name.startswith("https://") else f"{SCHEMA_BASE}{name}.schema.json"


class SchemaRegistry:
    """The bundled schemas, by ``$id``, with cached validators."""

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self._schemas = schemas
        self._registry: Registry[Any] = Registry().with_resources(
            (uri, Resource.from_contents(schema, default_specification=DRAFT202012)) for uri, schema in schemas.items()
        )
        self._validators: dict[str, Draft202012Validator] = {}

    @classmethod
    def bundled(cls) -> SchemaRegistry:
        """Every schema shipped in ``msez/schema/schemas``."""
        schemas: dict[str, dict[str, Any]] = {}
        for entry in sorted(resources.files("msez.schema").joinpath("schemas").iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".schema.json"):
                schema = json.loads(entry.read_text(encoding="utf-8"))
                expected = schema_id(entry.name.removesuffix(".schema.json"))
                if schema.get("$id") != expected:
                    raise ValueError(f"schema {entry.name} must have $id {expected}")
                schemas[expected] = schema
        return cls(schemas)

    def names(self) -> list[str]:
        return sorted(uri.removeprefix(SCHEMA_BASE).removesuffix(".schema.json") for uri in self._schemas)

    def schema(self, name: str) -> dict[str, Any]:
        try:
            return self._schemas[schema_id(name)]
        except KeyError:
            raise NotFoundError(f"no bundled schema named {name!r}") from None

    def validator(self, name: str) -> Draft202012Validator:
        uri = schema_id(name)
        if uri not in self._validators:
            self._validators[uri] = Draft202012Validator(
                self.schema(name), registry=self._registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self._validators[uri]

    def errors(self, instance: Any, name: str, *, file: str | None = None) -> list[SchemaValidationError]:
        """Every violation of schema ``name``, each with the file, the JSON path and a message."""
        return [_translate(e, file) for e in self._iter_errors(instance, name)]

    def validate(self, instance: Any, name: str, *, file: str | None = None) -> None:
        """Raise the first (most relevant) violation.

        Raises:
            SchemaValidationError: ``instance`` does not satisfy schema ``name``.
            NotFoundError: no such schema.
        """
        errors = sorted(self._iter_errors(instance, name), key=_relevance)
        if errors:
            raise _translate(errors[0], file)

    def _iter_errors(self, instance: Any, name: str) -> Iterator[JsonSchemaError]:
        try:
            yield from self.validator(name).iter_errors(instance)
        except Unresolvable as e:
            raise NotFoundError(f"schema {name!r} has an unresolvable $ref: {e}") from e


def _relevance(error: JsonSchemaError) -> tuple[int, str]:
    return (-len(error.absolute_path), error.json_path)


def _translate(error: JsonSchemaError, file: str | None) -> SchemaValidationError:
    message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return SchemaValidationError(message, file=file, path=error.json_path)


@cache
def default_registry() -> SchemaRegistry:
    """The process-wide registry of bundled schemas."""
    return SchemaRegistry.bundled()


def validate(instance: Any, name: str, *, file: str | None = None) -> None:
    """Validate ``instance`` against bundled schema ``name``; see :meth:`SchemaRegistry.validate`."""
    default_registry().validate(instance, name, file=file)
