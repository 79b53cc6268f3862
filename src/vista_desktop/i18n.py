"""The one translation accessor: every user-facing string goes through `tr`.

Catalogs are flat JSON files keyed by a stable id: resources/i18n/<language>.json and one file per package in
resources/i18n/<language>/ (forms.json, signing.json, …), merged; Vietnamese is the default.
Core code never builds prose itself: it raises errors and problems that carry a key and parameters,
and the CLI or the UI turn them into text through this module.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from vista_desktop.resources import resource_path

DEFAULT_LANGUAGE = "vi"
_current = DEFAULT_LANGUAGE


def catalog_files(language: str) -> list[Path]:
    folder = resource_path("i18n", language)
    parts = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return [resource_path("i18n", f"{language}.json"), *parts]


@cache
def catalog(language: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for path in catalog_files(language):
        data.update(json.loads(path.read_text(encoding="utf-8")))
    return data


def set_language(language: str) -> None:
    global _current
    catalog(language)  # fail early on an unknown language
    _current = language


def current_language() -> str:
    return _current


def tr(key: str, language: str | None = None, /, **params: object) -> str:
    """Translate `key`, formatting `{name}` placeholders; an unknown key falls back to Vietnamese, then the key."""
    lang = language or _current
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text
