"""The log holds what helps support, not library chatter or tracebacks on a user's terminal."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vista_desktop.logging_setup import configure_logging
from vista_desktop.paths import log_dir


@pytest.fixture
def app_logging() -> Iterator[None]:
    root = logging.getLogger()
    before = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ("fontTools", "fontTools.subset", "pyhanko")}
    configure_logging()
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_font_subsetting_chatter_stays_out_of_the_log(app_logging) -> None:
    logging.getLogger("fontTools.subset").info("Glyph names: ['.notdef', 'A', 'B']")
    logging.getLogger("vista_desktop.signing").info("signed a.pdf in field Sig_pi")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (log_dir() / "vista-desktop.log").read_text(encoding="utf-8")
    assert "signed a.pdf" in text
    assert "Glyph names" not in text


def test_an_unexpected_cli_error_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    # A folder where a draft file is expected: an error no command anticipates by name.
    env = {**os.environ, "VISTA_DESKTOP_DATA_DIR": str(tmp_path / "profile")}
    code = (
        "import sys\n"
        "from vista_desktop.cli import main\n"
        "import vista_desktop.services.drafts as drafts\n"
        "def boom(*a, **k): raise ZeroDivisionError('division by zero')\n"
        "drafts.read_draft_file = boom\n"
        "sys.exit(main(['validate', 'mau-01', 'x.json']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "[ZeroDivisionError]" in result.stderr and "nhật ký" in result.stderr
    log = (tmp_path / "profile" / "logs" / "vista-desktop.log").read_text(encoding="utf-8")
    assert "Traceback" in log
