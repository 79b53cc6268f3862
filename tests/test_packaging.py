"""The PyInstaller bundle builds and runs headless: catches data files and hidden imports the spec misses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_frozen_app_starts_and_renders(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "vista-desktop.spec"),
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(tmp_path / "build"),
            "--log-level",
            "WARN",
        ],
        check=True,
        cwd=ROOT,
        timeout=900,
    )
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "smoke.sh"), str(dist / "vista-desktop" / "vista-desktop")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke run passed" in result.stdout
