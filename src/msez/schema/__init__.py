"""msez.schema: the JSON Schemas (draft 2020-12) shipped with msez and an offline registry that resolves them.

Every ``*.schema.json`` file in ``msez/schema/schemas/`` is registered under its ``$id``
(``https://schemas.momentum-sez.org/msez/<name>.schema.json``); ``$ref`` between them resolves without network.
"""

from msez.schema._registry import SCHEMA_BASE, SchemaRegistry, default_registry, schema_id, validate

__all__ = ["SCHEMA_BASE", "SchemaRegistry", "default_registry", "schema_id", "validate"]
