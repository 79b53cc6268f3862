"""Where the app keeps its data and settings: platform folders, or VISTA_DESKTOP_DATA_DIR for tests and scripts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "VISTA Desktop"
APP_AUTHOR = "VISTA"
DATA_DIR_ENV = "VISTA_DESKTOP_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    # With the override, settings live beside the data so a test never reads the real profile.
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) / "logs" if override else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "vista.sqlite3"
