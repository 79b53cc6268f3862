"""Typed user settings with a schema version, stored as JSON in the platform config folder."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from vista_desktop.paths import config_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    language: str = "vi"
    pkcs11_modules: tuple[str, ...] = ()  # drivers the user added beyond the known names
    timestamp_url: str = ""

    def with_language(self, language: str) -> Settings:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        return replace(self, language=language)

    def with_module(self, path: str) -> Settings:
        return replace(self, pkcs11_modules=tuple(dict.fromkeys([*self.pkcs11_modules, path])))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    # Version 2 added the signing settings; their defaults serve a version 1 file as they are.
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
    )


def save_settings(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
