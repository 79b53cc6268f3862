"""Start-up benchmark: launch to first window shown, VISTA Desktop against a bare Qt window, as a ratio.

Both run offscreen in a fresh process, timed from spawn to the moment the shown window reports back;
the median of several runs is kept. Usage: python bench/bench_startup.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE_QT = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("window-shown", flush=True), app.quit()))
app.exec()
"""


def time_events(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to each line the process reports ("window-shown", "drafts-listed", "drafts-loaded")."""
    started = time.perf_counter()
    events: dict[str, float] = {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as child:
        assert child.stdout is not None
        for line in child.stdout:  # read to the end: the app reports again once its drafts are loaded
            events.setdefault(line.strip(), time.perf_counter() - started)
    if "window-shown" not in events or child.returncode != 0:
        raise RuntimeError(f"{command} never showed a window")
    return events


def time_until_shown(command: list[str], env: dict[str, str]) -> float:
    return time_events(command, env)["window-shown"]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as profile:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "VISTA_DESKTOP_DATA_DIR": profile,
            "VISTA_DESKTOP_SMOKE": "1",
        }
        app = [sys.executable, "-m", "vista_desktop"]
        time_until_shown(app, env)  # first run creates and migrates the database; not a typical start
        bare = [time_until_shown([sys.executable, "-c", BARE_QT], env) for _ in range(runs)]
        events = [time_events(app, env) for _ in range(runs)]
    vista = [e["window-shown"] for e in events]
    loaded = statistics.median(e["drafts-listed"] for e in events)
    b, v = statistics.median(bare), statistics.median(vista)
    print(f"bare Qt window:  median {b * 1000:.0f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in bare)})")
    print(f"VISTA Desktop:   median {v * 1000:.0f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in vista)})")
    print(f"ratio: {v / b:.2f}x")
    print(f"VISTA Desktop drafts list filled: median {loaded * 1000:.0f} ms after launch")


if __name__ == "__main__":
    main()
