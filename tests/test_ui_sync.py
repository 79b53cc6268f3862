"""The Sync panel against the real intake server on 127.0.0.1: a queued dossier sent with "Gửi ngay" reads "đã
nhận"; the operator's acceptance flows back on the monitor's next look and is announced; a cancelled send leaves
the entry resumable and the next "Gửi ngay" completes it; the status-bar indicator says offline when nothing
listens."""

# ruff: noqa: F811  (the fixtures of test_sync are imported, then requested by name)

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from .test_intake import ACCOUNT, PASSWORD, LiveServer
from .test_sync import (  # noqa: F401
    dossier_hashes,
    live,
    memory_keyring,
    server_file_hashes,
    signed_dossier,
    trust,
)

pytestmark = pytest.mark.usefixtures("memory_keyring")


@pytest.fixture
def sync(app_services):  # type: ignore[no-untyped-def]
    from vista_desktop.services.sync import RetryPolicy

    service = app_services.sync
    service.policy = RetryPolicy(base=0.01, cap=0.05, attempts_per_drain=2, max_inline_wait=0.5)
    service.chunk = 64 << 10
    service.timeout = 5.0
    return service


@pytest.fixture
def panel(qtbot, window, sync, live: LiveServer, trust_test_root) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    sync.configure(live.url, ACCOUNT)
    assert sync.remember_password(PASSWORD)  # in the (memory) keyring: "Gửi ngay" asks nothing
    dialog = window.show_sync()
    qtbot.waitExposed(dialog)
    yield dialog
    qtbot.waitUntil(lambda: window.sync_monitor.draining is None and window.sync_monitor.probing is None)
    dialog.close()


def queue(qtbot, panel, folder: Path) -> str:  # type: ignore[no-untyped-def]
    before = set(panel.state_texts())
    panel.queue_dossier(folder)
    qtbot.waitUntil(lambda: len(panel.state_texts()) == len(before) + 1, timeout=10_000)
    (submission,) = set(panel.state_texts()) - before
    assert isinstance(submission, str)
    assert panel.state_texts()[submission] == "chờ gửi"
    return submission


def send_now(qtbot, panel) -> None:  # type: ignore[no-untyped-def]
    assert panel.send_button.isEnabled()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.running is None, timeout=15_000)


def test_send_now_then_the_operators_acceptance_flows_back_with_a_notice(  # type: ignore[no-untyped-def]
    qtbot, window, panel, live, signed_dossier
) -> None:
    from vista_intake.cli import main as intake_main

    submission = queue(qtbot, panel, signed_dossier)
    send_now(qtbot, panel)
    assert panel.state_texts()[submission] == "đã nhận"
    assert "Đã gửi 1" in panel.detail.text()
    assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)

    monitor = window.sync_monitor
    monitor.start()  # what the app does once storage is open: a baseline, then the probe
    qtbot.waitUntil(lambda: monitor.probing is None and monitor.draining is None, timeout=10_000)
    assert monitor.last_notice == ""  # "received" is no news
    assert monitor.indicator.isVisible() and "Trực tuyến" in monitor.indicator.text()

    storage = ["--storage", str(live.config.storage)]
    review = ["review", submission, "--accept", "--number", "15/2026/ĐK", "--certificate", "GCN-9", *storage]
    assert intake_main(review) == 0
    monitor.check_now()  # the periodic probe: online, so the received entry's status is asked
    qtbot.waitUntil(lambda: monitor.last_notice != "", timeout=10_000)
    expected = "đã chấp nhận (số đăng ký 15/2026/ĐK, số giấy chứng nhận GCN-9)"
    assert expected in monitor.last_notice
    assert expected in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: panel.state_texts()[submission] == expected)


def test_a_cancelled_send_stays_resumable_and_send_now_completes_it(  # type: ignore[no-untyped-def]
    qtbot, panel, live, signed_dossier, monkeypatch
) -> None:
    from vista_desktop.sync.client import IntakeClient

    submission = queue(qtbot, panel, signed_dossier)
    original = IntakeClient.patch
    calls: list[int] = []
    release = threading.Event()

    def held_patch(self: IntakeClient, *args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 4:  # the line stalls after three chunks, until the clerk has pressed Hủy
            release.wait(10)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(IntakeClient, "patch", held_patch)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(calls) == 4 and "mau-05.pdf" in panel.detail.text(), timeout=10_000)
    assert panel.state_texts()[submission].startswith("đang gửi ")
    assert panel.state_texts()[submission].endswith("%")
    assert "/giây" in panel.detail.text()
    qtbot.waitUntil(lambda: panel.progress.cancel_button.isVisible() and panel.progress.cancel_button.isEnabled())
    qtbot.mouseClick(panel.progress.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.progress.cancel_button.isEnabled()  # the cancel was taken, before the stalled chunk returns
    release.set()
    qtbot.waitUntil(lambda: panel.running is None, timeout=15_000)

    assert panel.detail.text().startswith("Đã dừng gửi")
    assert panel.state_texts()[submission].startswith("đang gửi dở")
    sent = sum(u.offset for u in live.intake.db.uploads_of(submission))
    assert 0 < sent < 700_000  # the server kept part of it

    monkeypatch.setattr(IntakeClient, "patch", original)
    send_now(qtbot, panel)
    assert panel.state_texts()[submission] == "đã nhận"
    assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)
    assert [s.uuid for s in live.intake.db.list_submissions()] == [submission]


def test_the_indicator_says_offline_when_nothing_listens(qtbot, window, sync) -> None:  # type: ignore[no-untyped-def]
    monitor = window.sync_monitor
    monitor.check_now()
    qtbot.waitUntil(lambda: monitor.probing is None)
    assert not monitor.indicator.isVisible()  # no server configured: nothing to say
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sync.configure(f"http://127.0.0.1:{port}", ACCOUNT)
    monitor.check_now()
    qtbot.waitUntil(lambda: monitor.probing is None, timeout=10_000)
    assert monitor.indicator.isVisible() and "Ngoại tuyến" in monitor.indicator.text()
    assert monitor.online is False


def test_a_wrong_password_is_shown_and_nothing_is_lost(qtbot, panel, sync, signed_dossier) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    submission = queue(qtbot, panel, signed_dossier)
    assert sync.remember_password("sai-mật-khẩu")
    send_now(qtbot, panel)
    box = panel.findChild(QMessageBox, "error-box")
    assert box is not None and "mật khẩu" in box.text().lower()
    box.close()
    assert panel.state_texts()[submission] == "chờ gửi"


def test_a_stopped_entry_says_what_to_do_and_retry_requeues_it(qtbot, panel, live, signed_dossier) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from vista_desktop.ui.sync_panel import entry_state_text

    submission = queue(qtbot, panel, signed_dossier)
    (entry,) = panel.sync.statuses()
    (Path(entry.folder) / "phụ lục" / "số liệu.csv").unlink()  # the frozen copy damaged behind the app's back
    send_now(qtbot, panel)
    text = panel.state_texts()[submission]
    assert text.startswith("lỗi: ") and "thêm lại" in text, text
    assert not panel.retry_button.isEnabled()  # nothing selected yet
    panel.list.topLevelItem(0).setSelected(True)
    assert panel.retry_button.isEnabled()
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert panel.state_texts()[submission] == "chờ gửi"

    stopped = replace(entry, state="failed", last_error="sync.bad_credentials", last_error_detail="{}")
    assert "Cài đặt máy chủ" in entry_state_text(stopped) and "Thử lại" in entry_state_text(stopped)
    returned = replace(entry, state="returned", reasons=("thiếu phụ lục 3",))
    assert entry_state_text(returned) == "bị trả lại (lý do: thiếu phụ lục 3)"


def test_settings_without_a_keyring_keep_the_password_for_the_session_and_say_why(  # type: ignore[no-untyped-def]
    qtbot, window, sync, live, tmp_path
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from .ui_helpers import type_text

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())  # type: ignore[no-untyped-call]
    try:
        panel = window.show_sync()
        assert "Chưa cài đặt" in panel.server_label.text()
        dialog = panel.open_settings()
        assert "không có kho khóa" in dialog.note.text()
        dialog.url.setText(live.url)
        type_text(dialog.account, ACCOUNT)
        type_text(dialog.password, PASSWORD)
        bundle = tmp_path / "ca-sở.pem"
        dialog.ca_bundle.setText(str(bundle))
        dialog.save()
        server = sync.server()
        assert (server.server_url, server.account, server.ca_bundle) == (live.url, ACCOUNT, str(bundle))
        assert window.sync_monitor.session_password == PASSWORD  # not in the database, not in a file
        assert live.url in panel.server_label.text()
        assert window.sync_monitor.password(panel) == PASSWORD  # Gửi ngay asks nothing more this session
        qtbot.waitUntil(lambda: window.sync_monitor.probing is None, timeout=10_000)
        panel.close()
    finally:
        keyring.set_keyring(previous)
