"""The schema of the form definition files, checked as they load, naming the file, line and key of any mistake.

An official who holds the annex corrects a label or adds an item by editing YAML by hand. A typo must come back as
"mau_01.v2023.yaml, dòng 42, khóa `type`: «txt» không phải kiểu trường hợp lệ (…)", not as a silently ignored key,
a wrong form or a traceback. libyaml composes each file into nodes (their marks give the lines); one pass turns the
nodes into plain values, records the line of every key and item, and checks them against the rules below. It costs
about as much as `yaml.load` did, so every definition is checked at every start.

The keys (defaults in brackets):

- form file: `form` (id such as mau-01), `version`, `title`, `short_title` [title], `summary_field`, `layout`,
  `sections`, `rules`, `signatures`, `migrates_from` [none].
- section: `id`, `label`, `help`, `printed` [true], `fields`; or `include: blocks/x.yaml` with `require: [ids]`
  (fields of the block made required) and `id`/`label`/`help`/`printed` overriding the block's.
- block file (blocks/*.yaml): `id`, `label`, `help`, `printed`, `fields`.
- field: `id`, `label`, `type` [text], `required` [false], `help`, `choices` (choice, multi_choice), `columns`
  (table; a column is a field without nested tables), `pattern` (a regular expression the whole value matches) and
  `pattern_hint`, `min` / `max` (integer, money, year), `max_length` [by type: text 2,000 characters, long_text
  100,000, email 254 — forms.limits.DEFAULT_MAX_LENGTH], `min_rows` [0] and `max_rows` [2,000] (table),
  `derived: [minuend, subtrahend]` (computed, never typed), `completer` (text, classification: a reference table
  offered while typing, one of COMPLETER_NAMES).
- label: a text, or `{vi: …, en: …}` (`vi` required). Choice: a text, or `{value: …, en: …}`.
- rule: `kind` (not_greater, not_before, citizen_id_consistent), `fields` (its operands), `table` (run on every row:
  operands are columns, or `^field.id` for a field outside the table).
- signature: `role`, `title`, `note`, `name_field`; `repeat_for` (a table: one block per row, roles `<role>_1`,
  `<role>_2`…) with `name_column` (the column printed as the name); `title_field` (its value, upper case, replaces
  `title` when filled) and `prefix_field` (an authority prefix such as KT., printed before the title).
  layout: `number_prefix`, `title`, `subtitle`, `recipient`, `issuer_superior_field`, `issuer_name_field`,
  `place_field`, `date_field`, `number_field` (the document's number, "Số: …" under the issuer).

Unknown keys are errors: they are almost always typos (`lable:`, `requried:`) that would otherwise be ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vista_desktop.errors import VistaError
from vista_desktop.forms.model import FieldType

# libyaml's composer is about ten times faster than the pure-Python one (start-up time).
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class DefinitionError(VistaError, ValueError):
    """A definition file does not describe a valid form. Params: `file`, `line` (0: unknown), `key` ("" when the
    mistake is not one key's) and the code's own; `message()` puts the place first, e.g. "mau_01.v2023.yaml,
    dòng 42, khóa `type`: …"."""

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        file, line, key = self.params.get("file", "?"), self.params.get("line", 0), self.params.get("key", "")
        where_key = "definition.where_key" if key else "definition.where_line" if line else "definition.where_file"
        where = tr(where_key, language, file=file, line=line, key=key)
        return tr("definition.located", language, where=where, reason=tr(self.code, language, **self.params))


FIELD_TYPES = tuple(t.value for t in FieldType)
# Operand count of every cross-field rule kind of forms.validation.RULES.
RULE_OPERANDS: dict[str, int] = {"not_greater": 2, "not_before": 2, "citizen_id_consistent": 3}
_CHOICE_TYPES = frozenset({"choice", "multi_choice"})
_NUMBER_TYPES = frozenset({"integer", "money", "year"})

_FORM_KEYS = (
    "form",
    "version",
    "title",
    "short_title",
    "summary_field",
    "layout",
    "sections",
    "rules",
    "signatures",
    "migrates_from",
)
_SECTION_KEYS = ("id", "label", "help", "printed", "fields")
_INCLUDE_KEYS = ("include", "require", "id", "label", "help", "printed")
_FIELD_KEYS = (
    "id",
    "type",
    "label",
    "required",
    "help",
    "choices",
    "columns",
    "pattern",
    "pattern_hint",
    "min",
    "max",
    "max_length",
    "min_rows",
    "max_rows",
    "derived",
    "completer",
)
# Reference tables a text field may offer while typing (services.reference.COMPLETERS).
COMPLETER_NAMES = ("st_field", "recipient", "province")
_LAYOUT_LABELS = ("title", "subtitle", "recipient")
_LAYOUT_FIELDS = ("issuer_superior_field", "issuer_name_field", "place_field", "date_field", "number_field")
_SIGNATURE_KEYS = ("role", "title", "note", "name_field", "repeat_for", "name_column", "title_field", "prefix_field")
_SIGNATURE_FIELDS = ("name_field", "title_field", "prefix_field")
_LAYOUT_KEYS = ("number_prefix", *_LAYOUT_LABELS, *_LAYOUT_FIELDS)

_FORM_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)
_FIELD_ID_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*", re.ASCII)
_COLUMN_ID_RE = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)


def _show(value: Any) -> str:
    """A value as the official wrote it, shortened for a message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, dict):
        text = "{" + ", ".join(map(str, value)) + "}"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class Lines:
    """Plain values composed from YAML, with the file and line of every mapping, key and list item."""

    def __init__(self) -> None:
        self._start: dict[int, tuple[str, int]] = {}
        self._keys: dict[int, dict[str, int]] = {}
        self._items: dict[int, list[int]] = {}
        self._keep: list[object] = []  # ids are only unique while their objects live

    def compose(self, text: str, file: str) -> Any:
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            raise DefinitionError("definition.yaml_syntax", file=file, line=line, key="", reason=exc.problem) from exc
        except yaml.YAMLError as exc:
            raise DefinitionError("definition.yaml_syntax", file=file, line=1, key="", reason=str(exc)) from exc
        if node is None:
            raise DefinitionError("definition.empty_file", file=file, line=1, key="")
        return self._value(node, file, yaml.constructor.SafeConstructor())

    def _value(self, node: yaml.Node, file: str, constructor: yaml.constructor.SafeConstructor) -> Any:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = self._value(key_node, file, constructor)
                key_line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    raise DefinitionError("definition.bad_key", file=file, line=key_line, key=_show(key))
                if key in mapping:
                    raise DefinitionError("definition.duplicate_key", file=file, line=key_line, key=key)
                mapping[key] = self._value(value_node, file, constructor)
                keys[key] = key_line
            self._record(mapping, file, line)
            self._keys[id(mapping)] = keys
            return mapping
        if isinstance(node, yaml.SequenceNode):
            items = [self._value(item, file, constructor) for item in node.value]
            self._record(items, file, line)
            self._items[id(items)] = [item.start_mark.line + 1 for item in node.value]
            return items
        if node.tag == _STR_TAG:
            return node.value
        try:
            return constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise DefinitionError("definition.yaml_syntax", file=file, line=line, key="", reason=str(exc)) from exc

    def _record(self, container: object, file: str, line: int) -> None:
        self._start[id(container)] = (file, line)
        self._keep.append(container)

    def copy(self, new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
        """Give `new` (built from `old`) the lines of `old`."""
        self._record(new, *self._start[id(old)])
        self._keys[id(new)] = self._keys.get(id(old), {})
        return new

    def where(self, container: object, key: str | int | None = None) -> tuple[str, int]:
        file, line = self._start.get(id(container), ("?", 0))
        if isinstance(key, str):
            line = self._keys.get(id(container), {}).get(key, line)
        elif isinstance(key, int):
            items = self._items.get(id(container), [])
            line = items[key] if 0 <= key < len(items) else line
        return file, line


class _Checker:
    """Checks one form file and the blocks it includes; `fail` raises with the place of the mistake."""

    def __init__(self, path: Path, display_name: str, base: Path) -> None:
        self.path = path
        self.display_name = display_name
        self.base = base
        self.lines = Lines()

    # --- reporting ------------------------------------------------------------------------------------------

    def fail(self, container: object, key: str | int | None, code: str, **params: object) -> DefinitionError:
        file, line = self.lines.where(container, key)
        name = key if isinstance(key, str) else ""
        return DefinitionError(code, file=file, line=line, key=name, **params)

    # --- kinds of value -------------------------------------------------------------------------------------

    def mapping(self, raw: Any, parent: object, key: str | int, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(parent, key, "definition.not_mapping", value=_show(raw))
        for name in raw:
            if name not in allowed:
                raise self.fail(raw, name, "definition.unknown_key", allowed=", ".join(allowed))
        return raw

    def require(self, raw: dict[str, Any], *keys: str) -> None:
        for name in keys:
            if name not in raw:
                file, line = self.lines.where(raw)
                raise DefinitionError("definition.missing_key", file=file, line=line, key=name)

    def text(self, raw: dict[str, Any], key: str, *, required: bool = False) -> str | None:
        if key not in raw:
            if required:
                self.require(raw, key)
            return None
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(raw, key, "definition.not_text", value=_show(value))
        return value

    def boolean(self, raw: dict[str, Any], key: str) -> None:
        if key in raw and not isinstance(raw[key], bool):
            raise self.fail(raw, key, "definition.not_bool", value=_show(raw[key]))

    def integer(self, raw: dict[str, Any], key: str, minimum: int | None = None) -> int | None:
        value = raw.get(key)
        if key not in raw:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(raw, key, "definition.not_integer", value=_show(value))
        if minimum is not None and value < minimum:
            raise self.fail(raw, key, "definition.too_small", value=value, min=minimum)
        return value

    def listing(self, raw: dict[str, Any], key: str, *, non_empty: bool = False) -> list[Any]:
        if key not in raw:
            return []
        value = raw[key]
        if not isinstance(value, list):
            raise self.fail(raw, key, "definition.not_list", value=_show(value))
        if non_empty and not value:
            raise self.fail(raw, key, "definition.empty_list")
        return value

    def label(self, raw: dict[str, Any], key: str, *, required: bool = False) -> None:
        if key not in raw:
            if required:
                self.require(raw, key)
            return
        value = raw[key]
        if isinstance(value, str) and value.strip():
            return
        if isinstance(value, dict):
            self.mapping(value, raw, key, ("vi", "en"))
            self.text(value, "vi", required=True)
            if "en" in value and not isinstance(value["en"], str):
                raise self.fail(value, "en", "definition.not_text", value=_show(value["en"]))
            return
        raise self.fail(raw, key, "definition.not_label", value=_show(value))

    def ident(self, raw: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str:
        value = self.text(raw, key, required=True)
        assert value is not None
        if not pattern.fullmatch(value):
            raise self.fail(raw, key, "definition.bad_id", value=_show(value))
        return value

    # --- the parts of a form --------------------------------------------------------------------------------

    def form(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DefinitionError(
                "definition.unreadable", file=self.display_name, line=0, key="", reason=str(exc)
            ) from exc
        raw = self.lines.compose(text, self.display_name)
        if not isinstance(raw, dict):
            raise DefinitionError("definition.not_mapping", file=self.display_name, line=1, key="", value=_show(raw))
        self.mapping(raw, raw, "", _FORM_KEYS)
        self.require(raw, "form", "version", "title", "sections")
        self.ident(raw, "form", _FORM_ID_RE)
        self.version(raw, "version")
        self.label(raw, "title", required=True)
        self.label(raw, "short_title")
        self.text(raw, "summary_field")
        sections = self.listing(raw, "sections", non_empty=True)
        raw["sections"] = [self.section(s, sections, i) for i, s in enumerate(sections)]
        for i, rule in enumerate(self.listing(raw, "rules")):
            self.rule(rule, raw["rules"], i)
        for i, signature in enumerate(self.listing(raw, "signatures")):
            self.signature(signature, raw["signatures"], i)
        if "layout" in raw:
            self.layout(raw["layout"], raw)
        migrates = self.listing(raw, "migrates_from")
        for i, version in enumerate(migrates):
            if not isinstance(version, str | int) or isinstance(version, bool):
                raise self.fail(migrates, i, "definition.not_text", value=_show(version))
        self.references(raw)
        return raw

    def version(self, raw: dict[str, Any], key: str) -> None:
        value = raw[key]
        # `version: 2023` unquoted is an integer in YAML; it means the same as "2023".
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            raise self.fail(raw, key, "definition.not_text", value=_show(value))

    def section(self, raw: Any, parent: list[Any], index: int) -> dict[str, Any]:
        if isinstance(raw, dict) and "include" in raw:
            return self.include(raw, parent, index)
        section = self.mapping(raw, parent, index, _SECTION_KEYS)
        self.block_body(section)
        return section

    def block_body(self, raw: dict[str, Any]) -> None:
        self.require(raw, "id", "label", "fields")
        self.ident(raw, "id", _FIELD_ID_RE)
        self.label(raw, "label", required=True)
        self.label(raw, "help")
        self.boolean(raw, "printed")
        fields = self.listing(raw, "fields", non_empty=True)
        for i, f in enumerate(fields):
            self.field(f, fields, i, _FIELD_ID_RE, in_table=False)

    def include(self, raw: dict[str, Any], parent: list[Any], index: int) -> dict[str, Any]:
        self.mapping(raw, parent, index, _INCLUDE_KEYS)
        name = self.text(raw, "include", required=True)
        assert name is not None
        path = (self.base / name).resolve()
        if not path.is_file() or self.base.resolve() not in path.parents:
            raise self.fail(raw, "include", "definition.include_missing", value=name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DefinitionError("definition.unreadable", file=name, line=0, key="", reason=str(exc)) from exc
        block = self.lines.compose(text, name)
        block = self.mapping(block, raw, "include", _SECTION_KEYS)
        self.block_body(block)
        field_ids = {f["id"] for f in block["fields"]}
        required = self.listing(raw, "require")
        for i, fid in enumerate(required):
            if fid not in field_ids:
                raise self.fail(required, i, "definition.not_in_block", value=_show(fid), block=name)
        self.text(raw, "id")
        self.label(raw, "label")
        self.label(raw, "help")
        self.boolean(raw, "printed")
        overrides = {k: v for k, v in raw.items() if k not in ("include", "require")}
        fields = [self.lines.copy({**f, "required": True}, f) if f["id"] in required else f for f in block["fields"]]
        return self.lines.copy({**block, **overrides, "fields": fields}, block)

    def field(self, raw: Any, parent: list[Any], index: int, id_pattern: re.Pattern[str], *, in_table: bool) -> None:
        raw = self.mapping(raw, parent, index, _FIELD_KEYS)
        self.require(raw, "id", "label")
        self.ident(raw, "id", id_pattern)
        ftype = raw.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise self.fail(raw, "type", "definition.bad_type", value=_show(ftype), allowed=", ".join(FIELD_TYPES))
        self.label(raw, "label", required=True)
        self.label(raw, "help")
        self.label(raw, "pattern_hint")
        self.boolean(raw, "required")
        self.only_for(raw, ftype, "choices", _CHOICE_TYPES)
        self.only_for(raw, ftype, "columns", {"table"})
        self.only_for(raw, ftype, ("min_rows", "max_rows"), {"table"})
        self.only_for(raw, ftype, ("min", "max"), _NUMBER_TYPES)
        self.only_for(
            raw, ftype, ("max_length", "pattern", "pattern_hint"), set(FIELD_TYPES) - _NUMBER_TYPES - {"table"}
        )
        low, high = self.integer(raw, "min"), self.integer(raw, "max")
        if low is not None and high is not None and low > high:
            raise self.fail(raw, "min", "definition.min_above_max", min=low, max=high)
        self.integer(raw, "max_length", minimum=1)
        min_rows, max_rows = self.integer(raw, "min_rows", minimum=0), self.integer(raw, "max_rows", minimum=1)
        if min_rows is not None and max_rows is not None and min_rows > max_rows:
            raise self.fail(raw, "min_rows", "definition.min_above_max", min=min_rows, max=max_rows)
        pattern = self.text(raw, "pattern")
        if pattern is not None:
            try:
                re.compile(pattern, re.ASCII)  # as validation compiles it
            except re.error as exc:
                raise self.fail(
                    raw, "pattern", "definition.bad_pattern", value=_show(pattern), reason=str(exc)
                ) from exc
        if ftype in _CHOICE_TYPES:
            self.choices(raw)
        if ftype == "table":
            if in_table:
                raise self.fail(raw, "type", "definition.nested_table")
            columns = self.listing(raw, "columns", non_empty=True)
            if not columns:
                raise self.fail(raw, "type", "definition.columns_missing")
            for i, column in enumerate(columns):
                self.field(column, columns, i, _COLUMN_ID_RE, in_table=True)
            self.unique([c["id"] for c in columns], columns)
        self.only_for(raw, ftype, "completer", {"text", "classification"})
        completer = self.text(raw, "completer")
        if completer is not None and completer not in COMPLETER_NAMES:
            allowed = ", ".join(COMPLETER_NAMES)
            raise self.fail(raw, "completer", "definition.bad_completer", value=_show(completer), allowed=allowed)
        if "derived" in raw:
            derived = raw["derived"]
            if not (isinstance(derived, list) and len(derived) == 2 and all(isinstance(d, str) for d in derived)):
                raise self.fail(raw, "derived", "definition.bad_derived", value=_show(derived))

    def only_for(
        self, raw: dict[str, Any], ftype: str, keys: str | tuple[str, ...], types: set[str] | frozenset[str]
    ) -> None:
        for key in (keys,) if isinstance(keys, str) else keys:
            if key in raw and ftype not in types:
                raise self.fail(raw, key, "definition.not_for_type", type=ftype, types=", ".join(sorted(types)))

    def choices(self, raw: dict[str, Any]) -> None:
        choices = self.listing(raw, "choices", non_empty=True)
        if not choices:
            raise self.fail(raw, "type", "definition.choices_missing", type=raw["type"])
        values: list[str | None] = []
        for i, choice in enumerate(choices):
            if isinstance(choice, str) and choice.strip():
                values.append(choice)
                continue
            choice = self.mapping(choice, choices, i, ("value", "en"))
            values.append(self.text(choice, "value", required=True))
            self.text(choice, "en")
        self.unique(values, choices)

    def unique(self, values: list[Any], items: list[Any]) -> None:
        seen: set[Any] = set()
        for i, value in enumerate(values):
            if value in seen:
                raise self.fail(items, i, "definition.duplicate_value", value=_show(value))
            seen.add(value)

    def rule(self, raw: Any, parent: list[Any], index: int) -> None:
        raw = self.mapping(raw, parent, index, ("kind", "fields", "table"))
        self.require(raw, "kind", "fields")
        kind = raw["kind"]
        if kind not in RULE_OPERANDS:
            raise self.fail(raw, "kind", "definition.bad_rule", value=_show(kind), allowed=", ".join(RULE_OPERANDS))
        operands = self.listing(raw, "fields")
        for i, operand in enumerate(operands):
            if not isinstance(operand, str):
                raise self.fail(operands, i, "definition.not_text", value=_show(operand))
        if len(operands) != RULE_OPERANDS[kind]:
            raise self.fail(
                raw, "fields", "definition.rule_arity", kind=kind, count=RULE_OPERANDS[kind], found=len(operands)
            )
        self.text(raw, "table")

    def signature(self, raw: Any, parent: list[Any], index: int) -> None:
        raw = self.mapping(raw, parent, index, _SIGNATURE_KEYS)
        self.require(raw, "role", "title")
        self.text(raw, "role")
        self.label(raw, "title", required=True)
        self.label(raw, "note")
        for key in (*_SIGNATURE_FIELDS, "repeat_for", "name_column"):
            self.text(raw, key)
        if "repeat_for" in raw:
            self.require(raw, "name_column")
            if "name_field" in raw:
                raise self.fail(raw, "name_field", "definition.not_with_repeat")
        elif "name_column" in raw:
            self.require(raw, "repeat_for")

    def layout(self, raw: Any, parent: dict[str, Any]) -> None:
        raw = self.mapping(raw, parent, "layout", _LAYOUT_KEYS)
        if "number_prefix" in raw and not isinstance(raw["number_prefix"], str):
            raise self.fail(raw, "number_prefix", "definition.not_text", value=_show(raw["number_prefix"]))
        for key in _LAYOUT_LABELS:
            self.label(raw, key)
        for key in _LAYOUT_FIELDS:
            self.text(raw, key)

    # --- references between parts ---------------------------------------------------------------------------

    def references(self, raw: dict[str, Any]) -> None:
        """Ids unique; rules, derived values, signatures and the layout name fields that exist."""
        fields: dict[str, dict[str, Any]] = {}
        for section in raw["sections"]:
            for f in section["fields"]:
                if f["id"] in fields:
                    file, line = self.lines.where(fields[f["id"]], "id")
                    raise self.fail(f, "id", "definition.duplicate_id", value=f["id"], other_file=file, other_line=line)
                fields[f["id"]] = f
        for f in fields.values():
            for operand in f.get("derived", ()):
                if operand not in fields:
                    raise self.fail(f, "derived", "definition.unknown_field", value=operand)
        for rule in raw.get("rules", ()):
            self.rule_references(rule, fields)
        for signature in raw.get("signatures", ()):
            for key in _SIGNATURE_FIELDS:
                if key in signature and signature[key] not in fields:
                    raise self.fail(signature, key, "definition.unknown_field", value=signature[key])
            if "repeat_for" in signature:
                self.repeat_references(signature, fields)
        if "summary_field" in raw and raw["summary_field"] not in fields:
            raise self.fail(raw, "summary_field", "definition.unknown_field", value=raw["summary_field"])
        layout = raw.get("layout", {})
        for key in _LAYOUT_FIELDS:
            if key in layout and layout[key] not in fields:
                raise self.fail(layout, key, "definition.unknown_field", value=layout[key])

    def repeat_references(self, signature: dict[str, Any], fields: dict[str, dict[str, Any]]) -> None:
        table_id = signature["repeat_for"]
        table = fields.get(table_id)
        if table is None or table.get("type") != "table":
            raise self.fail(signature, "repeat_for", "definition.not_a_table", value=table_id)
        if signature["name_column"] not in {c["id"] for c in table["columns"]}:
            raise self.fail(
                signature, "name_column", "definition.unknown_column", value=signature["name_column"], table=table_id
            )

    def rule_references(self, rule: dict[str, Any], fields: dict[str, dict[str, Any]]) -> None:
        table_id = rule.get("table")
        if table_id is None:
            for operand in rule["fields"]:
                if operand not in fields:
                    raise self.fail(rule, "fields", "definition.unknown_field", value=operand)
            return
        table = fields.get(table_id)
        if table is None or table.get("type") != "table":
            raise self.fail(rule, "table", "definition.not_a_table", value=table_id)
        columns = {c["id"] for c in table["columns"]}
        for operand in rule["fields"]:
            known = operand[1:] in fields if operand.startswith("^") else operand in columns
            if not known:
                raise self.fail(rule, "fields", "definition.unknown_column", value=operand, table=table_id)


def read_definition(path: Path, base: Path | None = None) -> dict[str, Any]:
    """The checked content of a form file, includes resolved (plain values); raises `DefinitionError`."""
    folder = base or path.parent
    try:
        display_name = path.relative_to(folder).as_posix()
    except ValueError:
        display_name = path.name
    return _Checker(path, display_name, folder).form()
