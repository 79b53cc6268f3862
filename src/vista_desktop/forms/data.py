"""Nested draft data addressed by dotted field ids (`task.budget.total_vnd`)."""

from __future__ import annotations

from typing import Any

from vista_desktop.forms.limits import MAX_NESTING, InputLimitError
from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.values import coerce_stored, normalise_tree

Data = dict[str, Any]


def check_depth(value: Any, limit: int = MAX_NESTING) -> None:
    """Refuse JSON-like data nested deeper than `limit` (`InputLimitError`, key forms.too_deep).

    Call it on what `json.loads` returned, before anything recursive (normalising, copying, saving) walks it:
    a file nested 500 levels deep would otherwise end in RecursionError. Iterative, linear in the size.
    """
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise InputLimitError("forms.too_deep", limit=limit)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def get_path(data: Data, field_id: str) -> Any:
    node: Any = data
    for part in field_id.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(data: Data, field_id: str, value: Any) -> None:
    """Set a value, creating intermediate objects; None removes the key, and emptied objects with it."""
    parts = field_id.split(".")
    node = data
    trail: list[tuple[Data, str]] = []
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        trail.append((node, part))
        node = child
    if value is None:
        node.pop(parts[-1], None)
        for parent, key in reversed(trail):
            if parent[key]:
                break
            del parent[key]
    else:
        node[parts[-1]] = value


def normalise_data(definition: FormDefinition, data: Data) -> Data:
    """Clean all text (NFC, no control characters) and bring each known field to its stored type. Unknown keys and
    values of the wrong kind are kept, for validation to report. Raises `InputLimitError` for data that is not an
    object or is nested too deep."""
    if not isinstance(data, dict):
        raise InputLimitError("forms.not_an_object")
    check_depth(data)
    result: Data = normalise_tree(data)  # builds new containers all the way down: no copy needed
    for field in definition.all_fields():
        value = get_path(result, field.id)
        if field.derived is not None:
            set_path(result, field.id, None)
        elif field.is_table and isinstance(value, list):
            # A row that is not an object is kept: validation reports it by its number.
            rows = [_normalise_row(field.columns, row) if isinstance(row, dict) else row for row in value]
            set_path(result, field.id, rows or None)
        elif value is not None:
            set_path(result, field.id, coerce_stored(field, value))
    return result


def _normalise_row(columns: tuple[Any, ...], row: Data) -> Data:
    out = dict(row)
    for col in columns:
        if col.id in out:
            coerced = coerce_stored(col, out[col.id])
            if coerced is None:
                del out[col.id]
            else:
                out[col.id] = coerced
    return out


def derived_value(definition: FormDefinition, data: Data, field_id: str) -> int | None:
    field = definition.field(field_id)
    if field.derived is None:
        return None
    a = get_path(data, field.derived.minuend)
    b = get_path(data, field.derived.subtrahend)
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return None


def value_of(definition: FormDefinition, data: Data, field_id: str) -> Any:
    """The value to show for a field, derived ones computed."""
    if definition.field(field_id).derived is not None:
        return derived_value(definition, data, field_id)
    return get_path(data, field_id)
