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

SCHEMA_VERSION = 1
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    language: str = "vi"

    def with_language(self, language: str) -> Settings:
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        return replace(self, language=language)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    # Version 1 is the first schema; later versions add their upgrade steps here.
    raw.setdefault("schema_version", SCHEMA_VERSION)
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
    return Settings(language=language if language in LANGUAGES else "vi")


def save_settings(settings: Settings) -> None:
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
