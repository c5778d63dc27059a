"""The JSON Schema subsets the providers' structured outputs accept, as the fake checks them.

Each function answers the API's complaint about a schema, or None when the API would take it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# ---- Anthropic: output_config.format and strict tools ----

# The subset the anthropic SDK's transform_schema() keeps (anthropic/lib/_parse/_transform.py:
# it moves every other keyword into the description "so that the model *might* follow them");
# platform.claude.com/docs/en/build-with-claude/structured-outputs ("JSON Schema limitations":
# no numerical or string-length constraints, minItems only 0 or 1). A 400 for the rest:
# BerriAI/litellm#21045 (minItems/maxItems), veryfront/veryfront-code#3918.
ANTHROPIC_KEYWORDS = frozenset(
    {
        "type",
        "anyOf",
        "allOf",
        "enum",
        "const",
        "description",
        "title",
        "$defs",
        "$ref",
        "properties",
        "additionalProperties",
        "required",
        "format",
        "items",
        "minItems",
    }
)
ANTHROPIC_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean", "null"})
ANTHROPIC_FORMATS = frozenset(  # _transform.py SupportedStringFormats
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)


def anthropic_schema_error(schema: dict[str, Any], where: str) -> str | None:
    """Why the Messages API rejects `schema` (at `where` in the request), or None."""
    for node in _nodes(schema):
        error = _anthropic_node_error(node)
        if error:
            return f"{where}: {error}"
    return None


def _anthropic_node_error(node: dict[str, Any]) -> str | None:
    unknown = sorted(set(node) - ANTHROPIC_KEYWORDS)
    if unknown:
        return f"'{unknown[0]}' is not supported in structured output schemas"
    for kind in _types(node):
        if kind not in ANTHROPIC_TYPES:
            return f"type '{kind}' is not supported"
    if _is_object(node) and node.get("additionalProperties") is not False:
        # The API's words: ax-llm/ax#458, BerriAI/litellm#35808.
        return "For 'object' type, 'additionalProperties' must be explicitly set to false"
    if "format" in node and node["format"] not in ANTHROPIC_FORMATS:
        return f"format '{node['format']}' is not supported"
    if node.get("minItems", 0) not in (0, 1):
        return "minItems values other than 0 or 1 are not supported"
    return None


def _types(node: dict[str, Any]) -> list[Any]:
    """The types a node allows: `type` as a list ("type": ["string", "null"] is allowed)."""
    types = node.get("type")
    if types is None:
        return []
    return list(types) if isinstance(types, list) else [types]


def _is_object(node: dict[str, Any]) -> bool:
    return "object" in _types(node)


def _nodes(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every subschema of `schema`, `schema` first."""
    yield schema
    for child in _children(schema):
        yield from _nodes(child[1])


def _children(node: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path step, subschema) for each subschema directly inside `node`."""
    for key in ("properties", "$defs", "definitions"):
        for name, child in (node.get(key) or {}).items():
            if isinstance(child, dict):
                yield (key, name), child
    if isinstance(node.get("items"), dict):
        yield ("items",), node["items"]
    for key in ("anyOf", "allOf", "oneOf"):
        for i, child in enumerate(node.get(key) or []):
            if isinstance(child, dict):
                yield (key, str(i)), child


# ---- OpenAI: strict response_format and strict function parameters ----

# developers.openai.com/api/docs/guides/structured-outputs ("Supported schemas"): composition
# with allOf / not / if-then-else / dependent* is not supported, every property is required,
# additionalProperties is false on every object, at most 5,000 object properties, 10 levels of
# nesting and 1,000 enum values. 'default' too: "In context=('properties', 'placeholder'),
# 'default' is not permitted." (zenn.dev/nicopin/scraps/a8d8f53f5faebb).
OPENAI_FORBIDDEN = (
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "contains",
    "default",
)
MAX_DEPTH, MAX_PROPERTIES, MAX_ENUM_VALUES = 10, 5000, 1000


def openai_schema_error(schema: dict[str, Any]) -> str | None:
    """Why strict mode rejects `schema` (to follow "Invalid schema for ...: "), or None."""
    if schema.get("type") != "object":
        got = schema.get("type") or ("anyOf" if "anyOf" in schema else None)
        return f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{got}\"'."
    walk = _OpenAIWalk(schema)
    return walk.error((), schema, 1, frozenset())


class _OpenAIWalk:
    """One pass over a schema, following $ref, counting properties and enum values."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.properties = 0
        self.enum_values = 0

    def error(
        self, path: tuple[str, ...], node: dict[str, Any], depth: int, seen: frozenset[str]
    ) -> str | None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            target = self._resolve(ref)
            step = tuple(ref[2:].split("/"))
            return self.error(step, target, depth, seen | {ref}) if target else None
        return self._own_error(path, node, depth) or self._children_error(path, node, depth, seen)

    def _resolve(self, ref: str) -> dict[str, Any] | None:
        target: Any = self.root
        for key in ref[2:].split("/"):
            target = target.get(key) if isinstance(target, dict) else None
        return target if isinstance(target, dict) else None

    def _own_error(self, path: tuple[str, ...], node: dict[str, Any], depth: int) -> str | None:
        context = f"In context={path!r}, "
        forbidden = next((k for k in OPENAI_FORBIDDEN if k in node), None)
        if forbidden:
            return f"{context}'{forbidden}' is not permitted."
        self.enum_values += len(node.get("enum") or [])
        if self.enum_values > MAX_ENUM_VALUES:
            return f"{self.enum_values} enum values exceeds limit of {MAX_ENUM_VALUES}."
        if not _is_object(node):
            return None
        if depth > MAX_DEPTH:  # the words of tidyverse/ellmer#671 (limit 5 then)
            return f"{depth} levels of nesting exceeds limit of {MAX_DEPTH}."
        return self._object_error(context, node)

    def _object_error(self, context: str, node: dict[str, Any]) -> str | None:
        # The API's words: moeru-ai/xsai#202 and vercel/ai#6484.
        if node.get("additionalProperties") is not False:
            return f"{context}'additionalProperties' is required to be supplied and to be false."
        properties = node.get("properties") or {}
        missing = [key for key in properties if key not in (node.get("required") or [])]
        if missing:
            return (
                f"{context}'required' is required to be supplied and to be an array including "
                f"every key in properties. Missing '{missing[0]}'."
            )
        self.properties += len(properties)
        if self.properties > MAX_PROPERTIES:
            return f"{self.properties} object properties exceeds limit of {MAX_PROPERTIES}."
        return None

    def _children_error(
        self, path: tuple[str, ...], node: dict[str, Any], depth: int, seen: frozenset[str]
    ) -> str | None:
        deeper = depth + _is_object(node)
        for step, child in _children(node):
            if step[0] in ("$defs", "definitions"):
                continue  # definitions count where a $ref uses them
            error = self.error(path + step, child, deeper, seen)
            if error:
                return error
        return None
