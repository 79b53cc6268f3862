"""Typing benchmark: the cost of one keystroke in a plain field with 1 and with 300 rows in a table.

Two measures per case, medians over many keystrokes:
- `DraftSession.set_value` alone (the services' share: normalise the value, compare, store, hand to autosave);
- a key typed into the wizard's "Tên nhiệm vụ" editor (the whole per-keystroke path of the GUI: the editor's
  signal, set_value, derived values, the section's checks and its mark in the side list).
Goal: the same cost with 1 or 300 rows (a keystroke must not re-process the whole form).

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_typing.py [keystrokes]
"""

from __future__ import annotations

import copy
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VISTA_DESKTOP_DATA_DIR"] = tempfile.mkdtemp(prefix="vista-bench-typing-")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from vista_desktop.services.app import AppServices
from vista_desktop.ui.wizard import FormWizard

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "mau01_complete.json"
TEXT = "Nghiên cứu ứng dụng trí tuệ nhân tạo trong dự báo xâm nhập mặn "


def draft_with_rows(rows: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]
    member = data["members"][1]
    data["members"] = [dict(copy.deepcopy(member), full_name=f"Thành viên số {i + 1}") for i in range(rows)]
    data["task"]["title"] = ""
    return data


def per_call_ms(samples: list[float]) -> str:
    p90 = sorted(samples)[len(samples) * 9 // 10]
    return f"median {statistics.median(samples) * 1000:.3f} ms, p90 {p90 * 1000:.3f} ms"


def time_set_value(services: AppServices, draft_id: str, keystrokes: int) -> list[float]:
    session = services.drafts.edit(draft_id, autosave_delay=3600)
    samples = []
    for i in range(keystrokes):
        text = TEXT[: i % len(TEXT) + 1]
        started = time.perf_counter()
        session.set_value("task.title", text)
        samples.append(time.perf_counter() - started)
    session.close()
    return samples


def time_wizard_keys(services: AppServices, draft_id: str, keystrokes: int, profile: Path | None) -> list[float]:
    wizard = FormWizard(services.drafts.edit(draft_id, autosave_delay=3600))
    wizard.show()
    editor = wizard.section_pages[0].rows["task.title"].widget.focus_widget()
    editor.setFocus()
    QApplication.processEvents()
    profiler = cProfile.Profile() if profile else None
    samples = []
    for i in range(keystrokes):
        char = TEXT[i % len(TEXT)]
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(editor, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
        if profiler:
            profiler.disable()
        samples.append(time.perf_counter() - started)
    if profiler and profile:
        profiler.dump_stats(str(profile))
    wizard.close()
    return samples


def main() -> None:
    keystrokes = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    app = QApplication([])  # noqa: F841  # kept alive for the widgets
    services = AppServices()
    services.open_storage()
    results: dict[int, tuple[list[float], list[float]]] = {}
    for rows in (1, 300):
        draft = services.drafts.create("mau-01", draft_with_rows(rows))
        profile = Path(tempfile.gettempdir()) / f"bench_typing_{rows}.prof" if os.environ.get("BENCH_PROFILE") else None
        results[rows] = (
            time_set_value(services, draft.id, keystrokes),
            time_wizard_keys(services, draft.id, keystrokes, profile),
        )
        if profile:
            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(15)
    for rows, (set_value, keys) in results.items():
        print(f"{rows:>3} rows: set_value {per_call_ms(set_value)}; keystroke in the wizard {per_call_ms(keys)}")
    ratio = statistics.median(results[300][1]) / statistics.median(results[1][1])
    print(f"keystroke cost, 300 rows against 1: {ratio:.2f}x (goal: about 1x)")
    services.close()
    sys.stdout.flush()
    # PySide6 can crash while tearing down the key events at interpreter exit; the numbers are out.
    os._exit(0)


if __name__ == "__main__":
    main()
