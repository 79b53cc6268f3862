"""Long work in the GUI: errors shown in the user's words with the detail on demand, progress and cancel."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox

from vista_desktop.errors import Cancelled, VistaError
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import show_error


def test_a_raw_parser_message_is_kept_for_details_not_shown_as_the_text(qtbot, window, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "hong.json"
    bad.write_text('{"form": "mau-01" "data": {}}', encoding="utf-8")
    monkeypatch.setattr("vista_desktop.ui.main_window.open_file", lambda *a, **k: bad)
    window.import_json()
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox, "error-box")), timeout=5000)
    box = window.findChildren(QMessageBox, "error-box")[0]
    assert "không phải JSON" in box.text()
    assert "Expecting" not in box.text()
    assert "Expecting ',' delimiter" in box.detailedText()


def test_an_unexpected_error_says_nothing_is_lost_and_keeps_the_traceback(qtbot, window) -> None:
    try:
        raise KeyError("members")
    except KeyError as exc:
        box = show_error(window, exc)
    qtbot.addWidget(box)
    assert "giữ nguyên" in box.text() and "KeyError" not in box.text()
    assert "Traceback" in box.detailedText()


def test_a_task_reports_progress_then_success_on_the_gui_thread(qtbot) -> None:
    seen: list[float | None] = []
    results: list[object] = []
    threads: list[bool] = []

    def work(ctx):  # type: ignore[no-untyped-def]
        for step in range(4):
            ctx.progress(step / 4, "đang làm")
        return "xong"

    def on_success(value: object) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        results.append(value)

    running = tasks.start(work, on_success, lambda exc: results.append(exc), on_progress=lambda f, _m: seen.append(f))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == ["xong"] and threads == [True]
    assert seen == [0.0, 0.25, 0.5, 0.75]
    assert running.done


def test_cancel_reaches_the_failure_callback_as_cancelled(qtbot) -> None:
    gate = threading.Event()
    failures: list[BaseException] = []

    def work(ctx):  # type: ignore[no-untyped-def]
        gate.wait(5)
        ctx.progress(0.5)
        return "never"

    running = tasks.start(work, lambda _v: None, failures.append)
    running.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)
    assert isinstance(failures[0], VistaError) and "huỷ" in failures[0].message().lower()


def test_preview_of_a_draft_with_errors_is_a_marked_working_copy(qtbot, window, service) -> None:
    from pypdf import PdfReader

    service.create("mau-01", {"task": {"title": "Đề tài xem trước"}})
    window.refresh()
    window.table.selectRow(0)
    shown: list[object] = []
    window.show_preview = shown.append  # type: ignore[method-assign]
    window.preview_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    reader = PdfReader(shown[0])
    assert "vista-working-copy" in str(reader.metadata.get("/Keywords", ""))
    assert "Đề tài xem trước" in reader.pages[0].extract_text()


def test_preview_opens_the_preview_dialog(qtbot, window, service, complete_data) -> None:
    from vista_desktop.ui.preview import PreviewDialog

    service.create("mau-01", complete_data)
    window.refresh()
    window.table.selectRow(0)
    window.preview_action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(PreviewDialog)), timeout=20000)
    dialog = window.findChildren(PreviewDialog)[0]
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    dialog.close()


def test_verifying_shows_progress_and_can_be_cancelled(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from vista_desktop.services.signing import SigningService
    from vista_desktop.ui.verify_dialog import VerifyDialog

    gate = threading.Event()

    def slow_verify(self, pdf, trust=None, context=None):  # type: ignore[no-untyped-def]
        gate.wait(10)
        context.progress(0.5)  # the first safe point after the user pressed Cancel
        raise AssertionError("not reached")

    monkeypatch.setattr(SigningService, "verify", slow_verify)
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    dialog = VerifyDialog(SigningService(), pdf)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.progress.isVisible()
    qtbot.mouseClick(dialog.progress.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: "huỷ" in dialog.verdict.text().lower(), timeout=10000)
    qtbot.waitUntil(lambda: not dialog.progress.isVisible(), timeout=5000)


def test_a_finished_task_leaves_nothing_behind(qtbot) -> None:
    """Its QObject, future and result go once the callbacks ran (a connected lambda used to keep them for good:
    a 10,000-draft list read at start-up stayed in memory), deleted by Qt on the GUI thread."""
    import gc
    import weakref

    class Result:
        pass

    results: list[weakref.ref[Result]] = []
    running = tasks.start(lambda _ctx: Result(), lambda value: results.append(weakref.ref(value)), print)
    task = weakref.ref(running)
    del running
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    qtbot.waitUntil(lambda: gc.collect() >= 0 and task() is None and results[0]() is None, timeout=5000)


def test_quitting_cancels_the_background_reads_and_lets_the_users_work_finish(qtbot) -> None:
    """The app's aboutToQuit: Python waits for the workers at exit, so a long background read must stop when
    asked; an export or a signing the user started is left to finish, as before."""
    failures: list[BaseException] = []
    results: list[object] = []
    started = threading.Barrier(3)
    release = threading.Event()

    def endless(ctx):  # type: ignore[no-untyped-def]
        started.wait(5)
        while True:
            ctx.check()
            threading.Event().wait(0.01)

    def users_work(ctx):  # type: ignore[no-untyped-def]
        started.wait(5)
        release.wait(5)
        ctx.progress(1.0)
        return "signed"

    tasks.start(endless, results.append, failures.append, stop_at_quit=True)
    tasks.start(users_work, results.append, failures.append, lane="signing")
    started.wait(5)
    tasks.cancel_background()
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=5000)
    assert isinstance(failures[0], Cancelled)
    release.set()
    qtbot.waitUntil(lambda: results == ["signed"], timeout=5000)
    assert len(failures) == 1
