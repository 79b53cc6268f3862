"""Load YAML form definitions into frozen model objects, and the registry of every form and version.

A definition file is `definitions/<form>.v<version>.yaml`. A section may be `{include: blocks/x.yaml}`, so the
common blocks of forms.md (host_org, pi, task…) are written once and shared by the forms that use them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

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
from vista_desktop.forms.titles import DEFINITIONS_DIR

# The raw values below were checked by forms.schema: the builders only convert, they never need to refuse.


def _label(raw: Any) -> Label:
    if isinstance(raw, str):
        return Label(raw, raw)
    return Label(str(raw["vi"]), str(raw.get("en") or raw["vi"]))


def _opt_label(raw: Any) -> Label | None:
    return None if raw is None else _label(raw)


def _choice(raw: Any) -> Choice:
    if isinstance(raw, str):
        return Choice(raw, Label(raw, raw))
    value = str(raw["value"])
    return Choice(value, Label(value, str(raw.get("en", value))))


def _field(raw: dict[str, Any]) -> Field:
    derived = raw.get("derived")
    return Field(
        id=str(raw["id"]),
        type=FieldType(raw.get("type", "text")),
        label=_label(raw["label"]),
        required=bool(raw.get("required", False)),
        help=_opt_label(raw.get("help")),
        choices=tuple(_choice(c) for c in raw.get("choices", ())),
        columns=tuple(_field(c) for c in raw.get("columns", ())),
        pattern=raw.get("pattern"),
        pattern_hint=_opt_label(raw.get("pattern_hint")),
        min_value=raw.get("min"),
        max_value=raw.get("max"),
        max_length=raw.get("max_length"),
        min_rows=int(raw.get("min_rows", 0)),
        max_rows=raw.get("max_rows"),
        derived=Derived(derived[0], derived[1]) if derived else None,
        completer=raw.get("completer"),
    )


def _section(raw: dict[str, Any]) -> Section:
    return Section(
        id=str(raw["id"]),
        label=_label(raw["label"]),
        fields=tuple(_field(f) for f in raw["fields"]),
        help=_opt_label(raw.get("help")),
        printed=bool(raw.get("printed", True)),
    )


def _rule(raw: dict[str, Any]) -> Rule:
    return Rule(kind=str(raw["kind"]), fields=tuple(raw["fields"]), table=raw.get("table"))


def _signature(raw: dict[str, Any]) -> SignatureBlock:
    return SignatureBlock(
        role=str(raw["role"]),
        title=_label(raw["title"]),
        note=_opt_label(raw.get("note")),
        name_field=raw.get("name_field"),
        repeat_for=raw.get("repeat_for"),
        name_column=raw.get("name_column"),
        title_field=raw.get("title_field"),
        prefix_field=raw.get("prefix_field"),
    )


def _layout(raw: dict[str, Any] | None, title: Label) -> DocumentLayout:
    raw = raw or {}
    return DocumentLayout(
        number_prefix=str(raw.get("number_prefix", "")),
        title=_label(raw["title"]) if "title" in raw else title,
        subtitle=_opt_label(raw.get("subtitle")),
        recipient=_opt_label(raw.get("recipient")),
        issuer_superior_field=raw.get("issuer_superior_field", "host_org.superior_body"),
        issuer_name_field=raw.get("issuer_name_field", "host_org.name"),
        place_field=raw.get("place_field"),
        date_field=raw.get("date_field"),
        number_field=raw.get("number_field"),
    )


def load_definition_file(path: Path) -> FormDefinition:
    """Read, check (forms.schema) and build one form file; raises `DefinitionError` naming file, line and key."""
    from vista_desktop.forms.schema import read_definition  # the checker loads with the first definition

    raw = read_definition(path)
    title = _label(raw["title"])
    return FormDefinition(
        form_id=str(raw["form"]),
        version=str(raw["version"]),
        title=title,
        short_title=_label(raw.get("short_title", raw["title"])),
        sections=tuple(_section(s) for s in raw["sections"]),
        rules=tuple(_rule(r) for r in raw.get("rules", ())),
        signatures=tuple(_signature(s) for s in raw.get("signatures", ())),
        layout=_layout(raw.get("layout"), title),
        summary_field=raw.get("summary_field"),
        migrates_from=tuple(str(v) for v in raw.get("migrates_from", ())),
    )


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
