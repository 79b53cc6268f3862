"""The Qt binding installed keeps Python's reference counts: PySide6 6.12.0 dropped a reference to None at each
call of a C++ method that returns nothing, and on Python 3.11 the app aborted once None ran out."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

CALLS = 2000


def _none_references_lost(call) -> int:  # type: ignore[no-untyped-def]
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(None)


def test_calls_that_return_nothing_leave_none_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    timer = QTimer()
    label = QLabel("Bản nháp")
    qtbot.addWidget(label)
    # Some other thread may take or drop a few references meanwhile; a binding that loses one a call loses 2,000.
    assert _none_references_lost(timer.stop) < CALLS // 10
    assert _none_references_lost(label.update) < CALLS // 10
    assert _none_references_lost(lambda: label.setText("Đang soạn")) < CALLS // 10
