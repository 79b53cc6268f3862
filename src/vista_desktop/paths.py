"""Where the app keeps its data and settings: platform folders, or VISTA_DESKTOP_DATA_DIR for tests and scripts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "VISTA Desktop"
APP_AUTHOR = "VISTA"
DATA_DIR_ENV = "VISTA_DESKTOP_DATA_DIR"


def _folder(platform_dir: Callable[[str, str], str], under_override: str = "") -> Path:
    """The platform folder, or one inside VISTA_DESKTOP_DATA_DIR: with the override, settings and logs live
    beside the data, so a test never reads the real profile. Created on first use."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) / under_override if override else Path(platform_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _folder(platformdirs.user_data_dir)


def config_dir() -> Path:
    return _folder(platformdirs.user_config_dir)


def log_dir() -> Path:
    return _folder(platformdirs.user_log_dir, "logs")


def database_path() -> Path:
    return data_dir() / "vista.sqlite3"
