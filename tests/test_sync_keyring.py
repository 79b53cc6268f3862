"""The intake password in a real keyring: gnome-keyring's Secret Service on a private D-Bus session
(`dbus-run-session`), with a HOME of its own. Each step runs in its own process, so what is read back comes from
the daemon, not from a cache in the process that wrote it; and the password is in no file in plain text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SERVER_URL = "https://intake.sokhcn.example.gov.vn/"
ACCOUNT = "so-khcn-ben-tre"
PASSWORD = "mật-khẩu-đủ-dài-7c1e"  # non-ASCII on purpose: D-Bus carries it as bytes

# Runs inside the session: starts the daemon (its login keyring created and unlocked with a password on stdin),
# then one process per step, each printing what our credentials code saw.
SESSION = r"""
import json, os, subprocess, sys
started = subprocess.run(
    ["gnome-keyring-daemon", "--unlock", "--components=secrets"], input=b"unlock-for-test", capture_output=True
)
if started.returncode != 0:
    print(json.dumps({"daemon": started.returncode, "stderr": started.stderr.decode(errors="replace")}))
    sys.exit(0)
for line in started.stdout.decode().splitlines():
    name, _, value = line.partition("=")
    if value:
        os.environ[name] = value
for step in sys.argv[1:]:
    subprocess.run([sys.executable, "-c", STEP, step, os.environ["SECRET"]], check=True)
"""

STEP = r"""
import json, sys
import keyring
from vista_desktop.sync import credentials

step, url, account, password = sys.argv[1], *json.loads(sys.argv[2])
backend = keyring.get_keyring()
seen = {"step": step, "backend": f"{type(backend).__module__}.{type(backend).__name__}"}
seen["available"] = credentials.keyring_available()
if step == "save":
    seen["saved"] = credentials.save_password(url, account, password)
elif step == "load":
    seen["loaded"] = credentials.load_password(url.rstrip("/"), account)  # the same server, however it is spelled
elif step == "forget":
    credentials.forget_password(url, account)
    seen["loaded"] = credentials.load_password(url, account)
print(json.dumps(seen))
"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} must be installed (scripts/install.sh test installs gnome-keyring and dbus)")
    return path


def test_the_password_is_stored_and_read_back_through_gnome_keyring(tmp_path: Path) -> None:
    run_session = _tool("dbus-run-session")
    _tool("gnome-keyring-daemon")
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    source = str(Path(__file__).resolve().parents[1] / "src")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PYTHONPATH": source,
        "LANG": "C.UTF-8",
        "SECRET": json.dumps([SERVER_URL, ACCOUNT, PASSWORD]),
    }
    result = subprocess.run(
        [run_session, "--", sys.executable, "-c", f"STEP = {STEP!r}\n{SESSION}", "save", "load", "forget"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if lines and "daemon" in lines[0]:
        pytest.skip(f"gnome-keyring-daemon could not start here: {lines[0]['stderr'][-500:]}")
    save, load, forget = lines
    assert save["backend"] == "keyring.backends.SecretService.Keyring"
    assert save == {**save, "available": True, "saved": True}
    assert load["loaded"] == PASSWORD
    assert forget["loaded"] is None
    stored = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".keyring" for p in stored), stored  # the daemon's own (encrypted) file
    for path in stored:
        assert PASSWORD.encode() not in path.read_bytes(), path
