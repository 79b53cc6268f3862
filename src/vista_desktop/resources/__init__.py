"""Data files shipped with the app, next to this module: installed as files (never zipped) by pip and by the
frozen bundle (packaging/vista-desktop.spec collects the folder as vista_desktop/resources)."""

from __future__ import annotations

from pathlib import Path

# Not importlib.resources: it costs about 10 ms at every start for what a path join gives.
_FOLDER = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/."""
    return _FOLDER.joinpath(*parts)
