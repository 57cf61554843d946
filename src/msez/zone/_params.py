"""Module parameters: type checks and the resolved parameter context (spec §22).

The context is built in spec order, later entries overriding earlier ones: the zone context (``jurisdiction_id``,
``zone_id``, ``zone_name``), module defaults, profile ``modules[].params``, zone ``params_overrides[module_id]``;
then every key is also exposed in UPPERCASE. Numbers must be integers or decimal strings: floats never reach a
hashed document (the lockfile records resolved parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from msez.zone._manifest import ModuleManifest, Parameter

_DECIMAL = re.compile(r"-?\d+(\.\d+)?\Z")
_DURATION = re.compile(r"(\d+[smhd]|P(?!\Z)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)\Z", re.IGNORECASE)
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_JURISDICTION = re.compile(r"[a-z]{2}(-[a-z0-9]+)*\Z")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_money(v: Any) -> bool:
    if isinstance(v, dict):
        return (
            set(v) == {"amount", "currency"} and _is_decimal(v["amount"]) and bool(_CURRENCY.match(str(v["currency"])))
        )
    return _is_decimal(v)


def _is_decimal(v: Any) -> bool:
    return _is_int(v) or (isinstance(v, str) and _DECIMAL.match(v) is not None)


_CHECKS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (_is_int, "an integer"),
    "number": (_is_decimal, "an integer or a decimal string (floats are not allowed in hashed documents)"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "array": (lambda v: isinstance(v, list), "an array"),
    "duration": (lambda v: _is_int(v) or (isinstance(v, str) and _DURATION.match(v)), "a duration like 24h or P1D"),
    "money": (_is_money, "a decimal amount or {amount, currency}"),
    "jurisdiction_ref": (lambda v: isinstance(v, str) and _JURISDICTION.match(v), "a jurisdiction id like pk-rsez"),
    "enum": (lambda v: True, "one of the declared values"),
}


def check_value(parameter: Parameter, value: Any) -> str | None:
    """What is wrong with ``value`` for ``parameter``, or None when it fits the declared type and constraints."""
    check, expected = _CHECKS[parameter.type]
    if not check(value):
        return f"parameter {parameter.name} is {parameter.type}: expected {expected}, got {_show(value)}"
    if parameter.values is not None and value not in parameter.values:
        return f"parameter {parameter.name} must be one of {list(parameter.values)}, got {_show(value)}"
    return _check_constraints(parameter, value)


def _check_constraints(parameter: Parameter, value: Any) -> str | None:
    c = parameter.constraints
    if _is_int(value) and "minimum" in c and value < c["minimum"]:
        return f"parameter {parameter.name} must be >= {c['minimum']}, got {value}"
    if _is_int(value) and "maximum" in c and value > c["maximum"]:
        return f"parameter {parameter.name} must be <= {c['maximum']}, got {value}"
    if isinstance(value, str) and "pattern" in c and not re.search(str(c["pattern"]), value):
        return f"parameter {parameter.name} must match {c['pattern']!r}, got {value!r}"
    return None


def param_problems(module: ModuleManifest, values: Mapping[str, Any]) -> dict[str, str]:
    """Problems by parameter name: names the module does not declare and values of the wrong type."""
    problems: dict[str, str] = {}
    for name, value in values.items():
        parameter = module.parameters.get(name)
        if parameter is None:
            declared = ", ".join(sorted(module.parameters)) or "none"
            problems[name] = f"{module.module_id} declares no parameter {name!r} (declared: {declared})"
        elif (problem := check_value(parameter, value)) is not None:
            problems[name] = problem
    return problems


def resolve_params(
    module: ModuleManifest, profile_params: Mapping[str, Any], zone_overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """Module defaults, then profile params, then zone overrides (no zone context, no aliases)."""
    resolved = {name: p.default for name, p in module.parameters.items() if p.has_default}
    resolved.update(profile_params)
    resolved.update(zone_overrides)
    return dict(sorted(resolved.items()))


def missing_required(module: ModuleManifest, resolved: Mapping[str, Any]) -> list[str]:
    """Required parameters that have no value after resolution."""
    return [name for name, p in module.parameters.items() if p.required and name not in resolved]


def render_context(zone_context: Mapping[str, Any], resolved: Mapping[str, Any]) -> dict[str, Any]:
    """The rendering context: zone context, then resolved module params, then UPPERCASE aliases of every key."""
    context = {**zone_context, **resolved}
    return {**{key.upper(): value for key, value in context.items()}, **context}


def _show(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"
