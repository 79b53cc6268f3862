"""The layers hold (import-linter contracts), the core runs without Qt, and every user-facing string has both
translations."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "vista_desktop"
CATALOGS = PACKAGE / "resources" / "i18n"


def test_layer_contracts_hold() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): Qt only in ui/, ui/ only through services,
    pyHanko only in signing/, SQLAlchemy only in storage/, the layers, and no import circles anywhere."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


BLOCK_QT = """
import importlib.abc, sys
class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'superqt'):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, NoQt())
"""


def run_without_qt(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `code` in a Python where PySide6 cannot be imported, as on a server or a minimal install."""
    env = {**os.environ, "VISTA_DESKTOP_DATA_DIR": str(tmp_path / "profile")}
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-c", BLOCK_QT + code], capture_output=True, text=True, env=env)


def test_core_and_cli_run_without_pyside6_installed(tmp_path: Path) -> None:
    draft = ROOT / "tests" / "data" / "mau01_complete.json"
    pdf = tmp_path / "out.pdf"
    code = (
        "from vista_desktop.cli import main\n"
        "import vista_desktop.services.app, vista_desktop.services.drafts, vista_desktop.storage.database\n"
        f"assert main(['validate', 'mau-01', {str(draft)!r}]) == 0\n"
        f"assert main(['render', 'mau-01', {str(draft)!r}, '--pdf', {str(pdf)!r}]) == 0\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
    )
    result = run_without_qt(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_the_gui_without_pyside6_says_why(tmp_path: Path) -> None:
    result = run_without_qt("from vista_desktop.cli import main\nsys.exit(main([]))", tmp_path)
    assert result.returncode == 1
    assert "Không khởi động được giao diện" in result.stderr
    assert "Traceback" not in result.stderr


def catalog_parts(language: str) -> list[dict[str, str]]:
    from vista_desktop.i18n import catalog_files

    return [json.loads(p.read_text(encoding="utf-8")) for p in catalog_files(language)]


def test_catalogs_have_the_same_keys() -> None:
    from vista_desktop.i18n import catalog

    vi, en = catalog("vi"), catalog("en")
    assert set(vi) == set(en)
    for key in vi:
        assert set(re.findall(r"{(\w+)}", vi[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_no_key_is_defined_twice_across_catalog_files() -> None:
    for language in ("vi", "en"):
        seen: dict[str, int] = {}
        for index, part in enumerate(catalog_parts(language)):
            for key in part:
                assert key not in seen, f"{language}: {key} in two catalog files"
                seen[key] = index


def test_every_key_used_in_code_exists() -> None:
    from vista_desktop.i18n import catalog

    vi = catalog("vi")
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+\.[a-z_.]+)["']""", text))
        used |= set(
            re.findall(
                r"""["']((?:ui|cli|value|rule|citizen_id|doc|sign|verify|manifest|trust|file|draft|document|operation|error|storage|dossier|forms|documents|cms)\.[a-z_.]+)["']""",
                text,
            )
        )
    used = {k for k in used if not k.endswith((".", ".json", ".p7s"))}  # file names are not keys
    missing = sorted(
        k for k in used if k not in vi and not k.startswith(("ui.status.", "ui.language.", "ui.sign.role."))
    )
    assert missing == []


def test_the_window_starts_without_the_heavy_libraries() -> None:
    """Start-up shows the window before SQLAlchemy, reportlab, pyHanko, openpyxl or httpx load (they cost
    seconds on a slow machine); each loads with the first use that needs it."""
    heavy = ("sqlalchemy", "alembic", "reportlab", "docx", "pyhanko", "openpyxl", "httpx", "pypdfium2", "keyring")
    code = (
        "import sys\n"
        "import vista_desktop.ui.app\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
