"""Drafts-list benchmark: launch to the list filled, with 10,000 realistic Mẫu 1 drafts in the database.

The app is started offscreen in a fresh process with VISTA_DESKTOP_SMOKE=1; it prints "window-shown" once its
window is on screen, "drafts-listed" once the list is filled on screen (from the start-up snapshot, read with
sqlite3 while the window loads) and "drafts-loaded" once the database is properly open (SQLAlchemy, checks;
the actions on a draft wait for it). The median of several runs is kept, and the same is measured on an empty
profile for comparison. Goal: the list filled ≤ 250 ms after launch.

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


def measure(profile: str, runs: int) -> tuple[float, float, list[float]]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "VISTA_DESKTOP_DATA_DIR": profile,
        "VISTA_DESKTOP_SMOKE": "1",
    }
    app = [sys.executable, "-m", "vista_desktop"]
    time_events(app, env)  # the first run migrates and takes the day's backup: not a typical start
    events = [time_events(app, env) for _ in range(runs)]
    listed = [e["drafts-listed"] for e in events]
    opened = statistics.median(e["drafts-loaded"] for e in events)
    return statistics.median(e["window-shown"] for e in events), statistics.median(listed), listed, opened


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        filled_in = fill_profile(full, count)
        print(f"{count} drafts written in {filled_in:.1f} s")
        os.sync()  # the drafts just written go to disk now, not while the first launches are timed
        for name, profile in (("no drafts", empty), (f"{count} drafts", full)):
            shown, listed, all_listed, opened = measure(profile, runs)
            verdict = "ok" if listed * 1000 <= GOAL_MS else f"over the {GOAL_MS} ms goal"
            print(
                f"{name:>14}: window shown {shown * 1000:.0f} ms, list filled {listed * 1000:.0f} ms after launch "
                f"({verdict}; runs: {', '.join(f'{x * 1000:.0f}' for x in all_listed)}); "
                f"database open {opened * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
