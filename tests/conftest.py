"""Shared fixtures. Qt runs offscreen, and every test gets its own data folder (never the real profile)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before any QApplication exists: without a display Qt would abort the process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", help="fuzz with many more examples (minutes, not seconds)")


def pytest_configure(config: pytest.Config) -> None:
    # Before the test modules are imported: they read it to size their fuzzing.
    if config.getoption("--long"):
        os.environ["VISTA_FUZZ_LONG"] = "1"


@pytest.fixture(scope="session", autouse=True)
def cycles_collected_on_the_main_thread() -> Iterator[None]:
    """As in the app (vista_desktop.collection): a worker of one test must never destroy the Qt objects of
    another in the middle of a collection. Collected after each test instead, on the main thread, and from the
    GUI's timer while a test runs Qt's event loop."""
    import gc

    from vista_desktop.collection import take_over

    take_over()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_after_each_test() -> Iterator[None]:
    import gc
    import sys

    from vista_desktop.collection import collect_due

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        from vista_desktop.ui.garbage import collect_on_gui_thread

        if (app := QApplication.instance()) is not None:
            collect_on_gui_thread(app)
    yield
    if gc.isenabled():  # a test that turned it on (to start from the default) leaves it as the session has it
        gc.disable()
    collect_due()


@pytest.fixture(autouse=True)
def isolated_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from vista_desktop import i18n

    folder = tmp_path / "profile"
    monkeypatch.setenv("VISTA_DESKTOP_DATA_DIR", str(folder))
    monkeypatch.delenv("VISTA_DESKTOP_LANG", raising=False)
    i18n.set_language("vi")
    yield folder
    i18n.set_language("vi")
    _drop_app_log_handlers()


def _drop_app_log_handlers() -> None:
    """A command run in-process (cli.main) configures the app's log file in that test's profile; the next test
    must configure its own, not write into a folder that is gone."""
    import logging

    root = logging.getLogger()
    for handler in root.handlers[:]:
        if getattr(handler, "_vista", False):
            root.removeHandler(handler)
            handler.close()


@pytest.fixture
def complete_data() -> dict[str, Any]:
    """A complete Mẫu 1 (a fresh copy per test)."""
    data: dict[str, Any] = json.loads((DATA / "mau01_complete.json").read_text(encoding="utf-8"))["data"]
    return data


@pytest.fixture
def mau01():  # type: ignore[no-untyped-def]
    from vista_desktop.forms.loader import get_definition

    return get_definition("mau-01", "2023")


@pytest.fixture
def app_services():  # type: ignore[no-untyped-def]
    """The composition root on the test's own profile, its database open."""
    from vista_desktop.services.app import AppServices

    services = AppServices()
    services.open_storage()
    return services


@pytest.fixture
def service(app_services):  # type: ignore[no-untyped-def]
    return app_services.drafts


@pytest.fixture(scope="session")
def pki(tmp_path_factory):  # type: ignore[no-untyped-def]
    from .pki import make_pki

    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session", autouse=True)
def softhsm_conf(tmp_path_factory, pki):  # type: ignore[no-untyped-def]
    """A real SoftHSM2 token, made once per test session before any test can load the module: a PKCS#11
    module is loaded once per process, and SoftHSM2 reads its configuration then."""
    import shutil

    if shutil.which("softhsm2-util") is None or shutil.which("pkcs11-tool") is None:
        pytest.fail("softhsm2 and opensc must be installed (scripts/install.sh test installs them)")
    from .pki import make_token

    conf = make_token(tmp_path_factory.mktemp("softhsm"), pki)
    os.environ["SOFTHSM2_CONF"] = str(conf)  # the module reads it when first loaded, once per process
    return conf


@pytest.fixture
def trust_test_root(pki):  # type: ignore[no-untyped-def]
    """The test root installed in the app's own trust store, as a user would add a CA's root."""
    from vista_desktop.signing.trust import install_user_certificate

    install_user_certificate(pki.root_pem)
    return pki.root_pem


@pytest.fixture(scope="session")
def p11shim(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The fault-injecting PKCS#11 shim (tests/p11shim/p11shim.c), compiled for this session."""
    import subprocess

    source = Path(__file__).parent / "p11shim" / "p11shim.c"
    library = tmp_path_factory.mktemp("p11shim") / "libvista-p11shim.so"
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-I/usr/include/p11-kit-1",
            "-o",
            str(library),
            str(source),
            "-ldl",
        ],
        check=True,
        capture_output=True,
    )
    return library


@pytest.fixture
def window(qtbot, app_services):  # type: ignore[no-untyped-def]
    """The main window on the test's own database, shown offscreen."""
    from vista_desktop.ui.main_window import MainWindow

    w = MainWindow(app_services)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
