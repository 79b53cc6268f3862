"""Drafts-list search benchmark: what one keystroke in the search box costs the GUI thread with 10,000 drafts.

The window is opened offscreen on a profile of realistic Mẫu 1 drafts (as bench_drafts_list makes them), its
details read; then words are typed one key at a time, a key being the search box's text set and every event it
caused handled (the list filtered, the table painted). Typing forward narrows the list, Backspace widens it
again. Goal: every key under 100 ms, the most the GUI thread may be held.

Usage: python bench/bench_drafts_search.py [drafts]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_drafts_list import fill_profile

GOAL_MS = 100
TYPED = ("giai doan 57", "nhung 4", "dtdl.cn-0999")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as profile:
        fill_profile(profile, count)
        from PySide6.QtWidgets import QApplication

        from vista_desktop.services.app import AppServices
        from vista_desktop.ui.main_window import MainWindow

        app = QApplication(sys.argv)
        services = AppServices()
        services.open_storage()
        window = MainWindow(services)
        window.show()
        started = time.perf_counter()
        while not window.details_loaded() or window.model.prepare_search():
            app.processEvents()
            time.sleep(0.005)  # idle as the event loop would be: a spinning GUI thread starves the details' reader
        print(f"{count} drafts listed, details read and search texts folded in {time.perf_counter() - started:.1f} s")
        keys: list[float] = []
        for words in TYPED:
            first = len(keys)
            texts = [words[:n] for n in range(1, len(words) + 1)]
            for text in texts + texts[-2::-1] + [""]:  # typed, then erased key by key
                began = time.perf_counter()
                window.search.setText(text)
                app.processEvents()
                keys.append(time.perf_counter() - began)
                if text == words:
                    found = window.model.rowCount()
            slowest = max(keys[first:]) * 1000
            print(f"  {words!r}: {found} rows found, slowest key {slowest:.0f} ms")
        window.close()
        services.close()
    median, worst = statistics.median(keys) * 1000, max(keys) * 1000
    verdict = "ok" if worst <= GOAL_MS else f"over the {GOAL_MS} ms goal"
    print(f"{len(keys)} keys: median {median:.1f} ms, slowest {worst:.1f} ms ({verdict})")


if __name__ == "__main__":
    main()
