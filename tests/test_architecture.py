"""The core stays Qt-free, and every user-facing string has both translations."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "vista_desktop"
CATALOGS = PACKAGE / "resources" / "i18n"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


def test_nothing_outside_ui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in core_files()
        if any(m.split(".")[0] in ("PySide6", "shiboken6") for m in imported_modules(p))
    ]
    assert offenders == []


def test_the_core_never_imports_ui() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in core_files()
        if any(m.startswith("vista_desktop.ui") for m in imported_modules(p)) and p.name != "cli.py"
    ]
    assert offenders == []


def test_core_runs_without_qt_loaded() -> None:
    code = (
        "import sys\n"
        "import vista_desktop.cli, vista_desktop.services.drafts, vista_desktop.documents.render\n"
        "import vista_desktop.documents.pdf, vista_desktop.documents.docx, vista_desktop.storage.database\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt loaded by the core'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_catalogs_have_the_same_keys() -> None:
    vi = json.loads((CATALOGS / "vi.json").read_text(encoding="utf-8"))
    en = json.loads((CATALOGS / "en.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)
    for key in vi:
        assert set(re.findall(r"{(\w+)}", vi[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_key_used_in_code_exists() -> None:
    vi = json.loads((CATALOGS / "vi.json").read_text(encoding="utf-8"))
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+\.[a-z_.]+)["']""", text))
        used |= set(
            re.findall(r"""["']((?:ui|cli|value|rule|citizen_id|doc|sign|verify|manifest|trust)\.[a-z_.]+)["']""", text)
        )
    used = {k for k in used if not k.endswith((".", ".json", ".p7s"))}  # file names are not keys
    missing = sorted(
        k for k in used if k not in vi and not k.startswith(("ui.status.", "ui.language.", "ui.sign.role."))
    )
    assert missing == []


def test_only_signing_imports_pyhanko_and_pkcs11() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "signing" not in p.relative_to(PACKAGE).parts
        and any(m.split(".")[0] in ("pyhanko", "pyhanko_certvalidator", "pkcs11") for m in imported_modules(p))
    ]
    assert offenders == []


def test_ui_reaches_signing_through_services() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "ui").rglob("*.py")
        if any(m.startswith("vista_desktop.signing.") for m in imported_modules(p))
    ]
    assert offenders == []
