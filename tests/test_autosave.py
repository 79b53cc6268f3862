from __future__ import annotations

import threading
import time
import unicodedata
from datetime import UTC, datetime

import pytest

from vista_desktop.services.autosave import Autosaver
from vista_desktop.storage.drafts import SaveReceipt


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.saved: list[dict] = []
        self.fail_times = fail_times
        self.lock = threading.Lock()

    def __call__(self, data: dict) -> SaveReceipt:
        with self.lock:
            if self.fail_times:
                self.fail_times -= 1
                raise OSError("disk unavailable")
            self.saved.append(data)
            return SaveReceipt("d", len(self.saved), datetime.now(UTC))


def test_rapid_changes_are_coalesced_into_few_saves() -> None:
    recorder = Recorder()
    saver = Autosaver(recorder, delay=0.2)
    for i in range(50):
        saver.schedule({"n": i})
    receipt = saver.flush()
    saver.close()
    assert recorder.saved[-1] == {"n": 49}
    assert len(recorder.saved) <= 2
    assert receipt is not None


def test_schedule_takes_a_snapshot() -> None:
    recorder = Recorder()
    saver = Autosaver(recorder, delay=0.05)
    data = {"n": [1]}
    saver.schedule(data)
    data["n"].append(2)  # later edits of the caller's object must not leak into the pending save
    saver.flush()
    saver.close()
    assert recorder.saved == [{"n": [1]}]


def test_failed_save_keeps_the_data_and_retries() -> None:
    recorder = Recorder(fail_times=2)
    errors: list[Exception] = []
    saver = Autosaver(recorder, delay=0.01, retry_delay=0.05, on_error=errors.append)
    saver.schedule({"text": "không được mất"})
    saver.flush(timeout=5)
    saver.close()
    assert recorder.saved == [{"text": "không được mất"}]
    assert len(errors) == 2


def test_flush_times_out_when_the_disk_never_comes_back() -> None:
    recorder = Recorder(fail_times=10_000)
    saver = Autosaver(recorder, delay=0.01, retry_delay=0.05)
    saver.schedule({"a": 1})
    with pytest.raises(TimeoutError):
        saver.flush(timeout=0.3)
    assert saver.has_pending
    recorder.fail_times = 0  # the disk is back: the pending data is saved after all
    saver.close()
    assert recorder.saved == [{"a": 1}]


def test_saved_callback_runs_off_the_caller_thread() -> None:
    threads: list[str] = []
    saver = Autosaver(Recorder(), delay=0.01, on_saved=lambda r: threads.append(threading.current_thread().name))
    saver.schedule({"a": 1})
    saver.flush()
    saver.close()
    assert threads == ["autosave"]


def test_session_normalises_and_saves(service, complete_data) -> None:
    record = service.create("mau-01")
    session = service.edit(record.id, autosave_delay=0.05)
    decomposed = unicodedata.normalize("NFD", "Trần Văn Đạt")
    session.set_value("pi.full_name", decomposed)
    session.set_value("task.budget.total_vnd", "1.250.000.000")
    receipt = session.flush()
    session.close()
    stored = service.get(record.id)
    assert stored.data["pi"]["full_name"] == unicodedata.normalize("NFC", decomposed)
    assert stored.data["task"]["budget"]["total_vnd"] == 1_250_000_000
    assert receipt is not None and receipt.revision == 1


def test_session_completes_only_when_valid(service, complete_data) -> None:
    record = service.create("mau-01", {k: v for k, v in complete_data.items() if k != "methods"})
    session = service.edit(record.id, autosave_delay=0.01)
    problems = session.complete()
    assert [p.field_id for p in problems if not p.warning] == ["methods"]
    assert service.get(record.id).status == "draft"
    session.set_value("methods", "Khảo sát thực địa")
    assert session.complete() == []
    session.close()
    assert service.get(record.id).status == "complete"


def test_editing_a_complete_draft_makes_it_a_draft_again(service, complete_data) -> None:
    record = service.create("mau-01", complete_data)
    session = service.edit(record.id, autosave_delay=0.01)
    assert session.complete() == []
    session.set_value("methods", "Phương pháp mới")
    session.close()
    assert service.get(record.id).status == "draft"


def test_close_waits_for_the_last_change(service) -> None:
    record = service.create("mau-01")
    # A debounce far longer than the test: closing must save at once rather than wait for it.
    session = service.edit(record.id, autosave_delay=60.0)
    started = time.monotonic()
    session.set_value("objectives", "Mục tiêu cuối cùng")
    session.close()
    assert time.monotonic() - started < 30
    assert service.get(record.id).data["objectives"] == "Mục tiêu cuối cùng"


def test_a_failing_listener_does_not_stop_saving() -> None:
    recorder = Recorder()

    def broken(_receipt: SaveReceipt) -> None:
        raise RuntimeError("widget already deleted")

    saver = Autosaver(recorder, delay=0.01, on_saved=broken)
    saver.schedule({"n": 1})
    saver.flush()
    saver.schedule({"n": 2})
    saver.flush()
    saver.close()
    assert recorder.saved == [{"n": 1}, {"n": 2}]
