"""Data files shipped with the app, reached through importlib.resources so a frozen bundle finds them too."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/; the package is installed as files, never zipped."""
    ref = resources.files(__name__).joinpath(*parts)
    return Path(str(ref))
