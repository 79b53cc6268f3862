"""Each form's id, version and short title, read from the head of its definition file without checking or building
the definition (about 1 ms for all of them instead of about 70 ms): the window's "Tạo mới" menu, its form filter
and the "Mẫu" column of the drafts list need no more at start-up. A definition is read whole, and checked, when
a draft of it is first used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vista_desktop.forms.label import Label

__all__ = ["DEFINITIONS_DIR", "FormTitle", "all_form_titles", "form_titles", "short_title"]

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


@dataclass(frozen=True)
class FormTitle:
    form_id: str
    version: str
    short_title: Label


_HEAD_LINE = re.compile(r'^(form|version):\s*"?([^"\n]+?)"?\s*$', re.MULTILINE)
_SHORT_TITLE = re.compile(r'^short_title:\s*\{vi:\s*"([^"]*)",\s*en:\s*"([^"]*)"\}\s*$', re.MULTILINE)


@cache
def all_form_titles() -> dict[tuple[str, str], FormTitle]:
    """Every version of every form, by (form id, version)."""
    found = (_title_of(path) for path in sorted(DEFINITIONS_DIR.glob("*.v*.yaml")))
    return {(title.form_id, title.version): title for title in found}


@cache
def form_titles() -> tuple[FormTitle, ...]:
    """The newest version of each form, by form id."""
    newest: dict[str, FormTitle] = {}
    for title in all_form_titles().values():
        if title.form_id not in newest or newest[title.form_id].version < title.version:
            newest[title.form_id] = title
    return tuple(newest[form_id] for form_id in sorted(newest))


def short_title(form_id: str, version: str) -> Label | None:
    found = all_form_titles().get((form_id, version))
    return found.short_title if found is not None else None


def _title_of(path: Path) -> FormTitle:
    # The usual one-line head is read with a pattern; any other spelling of it through YAML.
    head = path.read_text(encoding="utf-8").split("\nsections:", 1)[0]
    keys = dict(_HEAD_LINE.findall(head))
    short = _SHORT_TITLE.search(head)
    if "form" in keys and "version" in keys and short is not None:
        return FormTitle(keys["form"], keys["version"], Label(vi=short.group(1), en=short.group(2)))
    import yaml

    raw = yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(raw, dict) or "form" not in raw or "version" not in raw or "title" not in raw:
        from vista_desktop.forms.schema import read_definition

        raw = read_definition(path)  # an unusual file: the full, checked reading says what is wrong
    return FormTitle(str(raw["form"]), str(raw["version"]), _label(raw.get("short_title", raw["title"])))


def _label(raw: Any) -> Label:
    if isinstance(raw, str):
        return Label(raw, raw)
    return Label(str(raw["vi"]), str(raw.get("en") or raw["vi"]))
