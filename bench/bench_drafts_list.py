"""Drafts-list benchmark: launch to the list filled, with 10,000 realistic Mẫu 1 drafts in the database.

The app is started offscreen in a fresh process with VISTA_DESKTOP_SMOKE=1; it prints "window-shown" once its
window is on screen, "drafts-listed" once the list is filled on screen (from the start-up snapshot, read with
sqlite3 while the window loads) and "drafts-loaded" once the database is properly open (SQLAlchemy, checks;
the actions on a draft wait for it). The median of several runs is kept, and the same is measured on an empty
profile for comparison, and a bare PySide6 window (an empty table) in the same rounds: the floor of any
PySide6 app on the machine, which makes runs on a noisy machine comparable. Goal: the list filled ≤ 250 ms
after launch.

Both start faster once scripts/install.sh has written shiboken's signature support out of its library
(SBK_EMBED=0, about 30 ms a launch); the report says whether it has.

Usage: python bench/bench_drafts_list.py [runs] [drafts]
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_startup import time_events

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "mau01_complete.json"
GOAL_MS = 250


def fill_profile(profile: str, count: int) -> float:
    """`count` drafts made from the complete sample, each with its own title, code and PI; seconds taken."""
    os.environ["VISTA_DESKTOP_DATA_DIR"] = profile
    from vista_desktop.services.app import AppServices

    base = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]
    services = AppServices()
    services.open_storage()
    started = time.perf_counter()
    for i in range(count):
        data = copy.deepcopy(base)
        data["task"]["title"] = f"{base['task']['title']} – giai đoạn {i + 1}"
        data["task"]["code"] = f"ĐTĐL.CN-{i:05d}/25"
        data["pi"]["full_name"] = f"Nguyễn Thị Hồng Nhung {i % 97}"
        services.drafts.create("mau-01", data)
    services.close()
    return time.perf_counter() - started


# The floor under any PySide6 app on this machine: a bare window with an empty table, shown and painted. Timed
# in the same rounds as the app, so that the noise of a shared machine falls on both alike.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1100, 640)
window.show()
QTimer.singleShot(0, lambda: (print("window-shown", flush=True), app.quit()))
app.exec()
"""


def measure(profiles: dict[str, str], runs: int) -> dict[str, list[dict[str, float]]]:
    """Each profile's launch events (and the bare window's), one launch of each per round."""
    commands = {name: [sys.executable, "-m", "vista_desktop"] for name in profiles}
    environments = {
        name: {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "VISTA_DESKTOP_DATA_DIR": profile,
            "VISTA_DESKTOP_SMOKE": "1",
        }
        for name, profile in profiles.items()
    }
    commands["bare PySide6 window"] = [sys.executable, "-c", BARE_WINDOW]
    environments["bare PySide6 window"] = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in profiles:
        time_events(commands[name], environments[name])  # the first run migrates and takes the day's backup
    events: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            events[name].append(time_events(command, environments[name]))
    return events


def support_written_out() -> bool:
    """Whether shiboken's signature support is read from files compiled once (see scripts/install.sh)."""
    import shiboken6

    return (Path(shiboken6.__file__).parent / "files.dir").is_dir()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        filled_in = fill_profile(full, count)
        print(f"{count} drafts written in {filled_in:.1f} s")
        os.sync()  # the drafts just written go to disk now, not while the first launches are timed
        events = measure({"no drafts": empty, f"{count} drafts": full}, runs)
    bare = statistics.median(e["window-shown"] for e in events.pop("bare PySide6 window"))
    written = "written out" if support_written_out() else "NOT written out: run scripts/install.sh"
    print(f"shiboken's signature support: {written}")
    print(f"bare PySide6 window: shown and painted {bare * 1000:.0f} ms after launch (the floor on this machine)")
    for name, launches in events.items():
        listed = [e["drafts-listed"] for e in launches]
        median = statistics.median(listed)
        verdict = "ok" if median * 1000 <= GOAL_MS else f"over the {GOAL_MS} ms goal"
        print(
            f"{name:>14}: window shown {statistics.median(e['window-shown'] for e in launches) * 1000:.0f} ms, "
            f"list filled {median * 1000:.0f} ms after launch ({verdict}; {(median - bare) * 1000:+.0f} ms over the "
            f"bare window; runs: {', '.join(f'{x * 1000:.0f}' for x in listed)}); "
            f"database open {statistics.median(e['drafts-loaded'] for e in launches) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
