"""Load YAML form definitions into frozen model objects, and the registry of every form and version.

A definition file is `definitions/<form>.v<version>.yaml`. A section may be `{include: blocks/x.yaml}`, so the
common blocks of forms.md (host_org, pi, task…) are written once and shared by the forms that use them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from vista_desktop.forms.model import (
    Choice,
    Derived,
    DocumentLayout,
    Field,
    FieldType,
    FormDefinition,
    Label,
    Rule,
    Section,
    SignatureBlock,
)

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
# libyaml's loader parses the definitions about ten times faster than the pure-Python one (start-up time).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DefinitionError(ValueError):
    """A definition file does not describe a valid form."""


def _label(raw: Any, where: str) -> Label:
    if isinstance(raw, str):
        return Label(raw, raw)
    if isinstance(raw, dict) and "vi" in raw:
        return Label(str(raw["vi"]), str(raw.get("en", raw["vi"])))
    raise DefinitionError(f"{where}: a label needs at least 'vi'")


def _opt_label(raw: Any, where: str) -> Label | None:
    return None if raw is None else _label(raw, where)


def _choice(raw: Any, where: str) -> Choice:
    if isinstance(raw, str):
        return Choice(raw, Label(raw, raw))
    value = str(raw["value"])
    return Choice(value, Label(value, str(raw.get("en", value))))


def _field(raw: dict[str, Any], where: str) -> Field:
    fid = raw.get("id")
    if not fid:
        raise DefinitionError(f"{where}: field without id")
    where = f"{where}/{fid}"
    try:
        ftype = FieldType(raw.get("type", "text"))
    except ValueError as exc:
        raise DefinitionError(f"{where}: unknown type {raw.get('type')!r}") from exc
    derived = raw.get("derived")
    field = Field(
        id=str(fid),
        type=ftype,
        label=_label(raw.get("label"), where),
        required=bool(raw.get("required", False)),
        help=_opt_label(raw.get("help"), where),
        choices=tuple(_choice(c, where) for c in raw.get("choices", ())),
        columns=tuple(_field(c, where) for c in raw.get("columns", ())),
        pattern=raw.get("pattern"),
        pattern_hint=_opt_label(raw.get("pattern_hint"), where),
        min_value=raw.get("min"),
        max_value=raw.get("max"),
        max_length=raw.get("max_length"),
        min_rows=int(raw.get("min_rows", 0)),
        derived=Derived(derived[0], derived[1]) if derived else None,
    )
    if ftype in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not field.choices:
        raise DefinitionError(f"{where}: a choice field needs choices")
    if ftype is FieldType.TABLE and not field.columns:
        raise DefinitionError(f"{where}: a table needs columns")
    return field


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path.name}: {exc}") from exc


def _section(raw: dict[str, Any], base: Path) -> Section:
    if "include" in raw:
        included = _read_yaml(base / raw["include"])
        overrides = {k: v for k, v in raw.items() if k not in ("include", "require")}
        required = set(raw.get("require", ()))
        raw = {**included, **overrides}
        raw["fields"] = [{**f, "required": True} if f["id"] in required else f for f in raw.get("fields", ())]
    sid = str(raw.get("id", ""))
    return Section(
        id=sid,
        label=_label(raw.get("label"), sid),
        fields=tuple(_field(f, sid) for f in raw.get("fields", ())),
        help=_opt_label(raw.get("help"), sid),
        printed=bool(raw.get("printed", True)),
    )


def _rule(raw: dict[str, Any]) -> Rule:
    return Rule(kind=str(raw["kind"]), fields=tuple(raw["fields"]), table=raw.get("table"))


def _signature(raw: dict[str, Any]) -> SignatureBlock:
    role = str(raw["role"])
    return SignatureBlock(
        role=role,
        title=_label(raw["title"], role),
        note=_opt_label(raw.get("note"), role),
        name_field=raw.get("name_field"),
    )


def _layout(raw: dict[str, Any] | None, title: Label) -> DocumentLayout:
    raw = raw or {}
    return DocumentLayout(
        number_prefix=str(raw.get("number_prefix", "")),
        title=_label(raw["title"], "layout") if "title" in raw else title,
        subtitle=_opt_label(raw.get("subtitle"), "layout"),
        recipient=_opt_label(raw.get("recipient"), "layout"),
        issuer_superior_field=raw.get("issuer_superior_field", "host_org.superior_body"),
        issuer_name_field=raw.get("issuer_name_field", "host_org.name"),
        place_field=raw.get("place_field"),
        date_field=raw.get("date_field"),
    )


def _check_ids(definition: FormDefinition) -> None:
    seen: set[str] = set()
    for f in definition.all_fields():
        if f.id in seen:
            raise DefinitionError(f"{definition.form_id}: field {f.id} defined twice")
        seen.add(f.id)
    for rule in definition.rules:
        operands = rule.fields if rule.table is None else (rule.table,)
        for operand in operands:
            if operand not in seen:
                raise DefinitionError(f"{definition.form_id}: rule {rule.kind} names unknown field {operand}")


def load_definition_file(path: Path) -> FormDefinition:
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or "form" not in raw or "version" not in raw:
        raise DefinitionError(f"{path.name}: needs 'form' and 'version'")
    title = _label(raw.get("title"), "title")
    definition = FormDefinition(
        form_id=str(raw["form"]),
        version=str(raw["version"]),
        title=title,
        short_title=_label(raw.get("short_title", raw.get("title")), "short_title"),
        sections=tuple(_section(s, path.parent) for s in raw.get("sections", ())),
        rules=tuple(_rule(r) for r in raw.get("rules", ())),
        signatures=tuple(_signature(s) for s in raw.get("signatures", ())),
        layout=_layout(raw.get("layout"), title),
        summary_field=raw.get("summary_field"),
        migrates_from=tuple(str(v) for v in raw.get("migrates_from", ())),
    )
    _check_ids(definition)
    return definition


class UnknownFormError(KeyError):
    def __init__(self, form_id: str, version: str | None = None) -> None:
        super().__init__(form_id if version is None else f"{form_id} v{version}")
        self.form_id = form_id
        self.version = version


@cache
def all_definitions() -> tuple[FormDefinition, ...]:
    files = sorted(DEFINITIONS_DIR.glob("*.v*.yaml"))
    return tuple(load_definition_file(p) for p in files)


def versions_of(form_id: str) -> list[FormDefinition]:
    found = [d for d in all_definitions() if d.form_id == form_id]
    return sorted(found, key=lambda d: d.version)


def get_definition(form_id: str, version: str | None = None) -> FormDefinition:
    """The named version of a form, or its newest when `version` is None."""
    found = versions_of(form_id)
    if not found:
        raise UnknownFormError(form_id)
    if version is None:
        return found[-1]
    for d in found:
        if d.version == version:
            return d
    raise UnknownFormError(form_id, version)


def latest_definitions() -> list[FormDefinition]:
    ids = sorted({d.form_id for d in all_definitions()})
    return [get_definition(i) for i in ids]
