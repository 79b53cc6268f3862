"""Typed user settings with a schema version, stored as JSON in the platform config folder."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vista_desktop.paths import config_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    language: str = "vi"
    pkcs11_modules: tuple[str, ...] = ()  # drivers the user added beyond the known names
    timestamp_url: str = ""
    # Where each kind of window was last closed: name -> (x, y, width, height) of its inner area, in logical pixels.
    window_geometry: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    # Working days to send an update sheet, per managing body as named in the task (15 when not listed).
    update_sheet_days: dict[str, int] = field(default_factory=dict)

    def with_language(self, language: str) -> Settings:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        return replace(self, language=language)

    def with_module(self, path: str) -> Settings:
        return replace(self, pkcs11_modules=tuple(dict.fromkeys([*self.pkcs11_modules, path])))

    def with_window_geometry(self, name: str, geometry: tuple[int, int, int, int]) -> Settings:
        return replace(self, window_geometry={**self.window_geometry, name: geometry})


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    # Version 2 added the signing settings, version 3 the window geometry; their defaults serve older files as they
    # are.
    raw["schema_version"] = SCHEMA_VERSION
    return raw


def load_settings() -> Settings:
    path = settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file unreadable, using defaults: %s", exc)
        return Settings()
    raw = _migrate(raw if isinstance(raw, dict) else {})
    language = raw.get("language", "vi")
    modules = raw.get("pkcs11_modules", [])
    return Settings(
        language=language if language in LANGUAGES else "vi",
        pkcs11_modules=tuple(str(m) for m in modules) if isinstance(modules, list) else (),
        timestamp_url=str(raw.get("timestamp_url", "")),
        window_geometry=_geometries(raw.get("window_geometry")),
        update_sheet_days=_periods(raw.get("update_sheet_days")),
    )


def _periods(raw: Any) -> dict[str, int]:
    """Managing body -> working days; a damaged entry is dropped (the default period then applies)."""
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if type(v) is int and 1 <= v <= 90}


def _geometries(raw: Any) -> dict[str, tuple[int, int, int, int]]:
    """Only well-formed entries: a hand-edited or damaged value falls back to the window's default size."""
    if not isinstance(raw, dict):
        return {}
    found: dict[str, tuple[int, int, int, int]] = {}
    for name, value in raw.items():
        if isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value):
            x, y, width, height = value
            if width > 0 and height > 0:
                found[str(name)] = (x, y, width, height)
    return found


def save_settings(settings: Settings) -> None:
    from vista_desktop.fileio import atomic_write  # hashing and temp files load with the first save, not at start

    atomic_write(settings_path(), json.dumps(asdict(settings), ensure_ascii=False, indent=2))
