"""The one task runner: progress, cancel, lanes; the CLI's terminal bar runs the same tasks."""

from __future__ import annotations

import threading
import time

import pytest

from vista_desktop import tasks
from vista_desktop.errors import Cancelled


def test_progress_of_a_shared_step_is_scaled_into_its_part() -> None:
    seen: list[tuple[float | None, str]] = []

    def task(ctx: tasks.TaskContext) -> str:
        ctx.progress(0.0, "start")
        half = ctx.share(0.5, 1.0)
        half.progress(0.5, "second half")
        half.progress(None, "unknown")
        return "done"

    assert tasks.run(task, listener=lambda f, m: seen.append((f, m))) == "done"
    assert seen == [(0.0, "start"), (0.75, "second half"), (None, "unknown")]


def test_cancel_stops_the_task_at_its_next_progress_point() -> None:
    started, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def task(ctx: tasks.TaskContext) -> None:
        started.set()
        release.wait(5)
        for step in range(100):
            ctx.progress(step / 100)
            steps.append(step)

    handle = tasks.submit(task)
    assert started.wait(5)
    handle.cancel()
    release.set()
    with pytest.raises(Cancelled):
        handle.future.result(5)
    assert steps == []


def test_a_task_cancelled_before_it_starts_never_runs() -> None:
    ran = threading.Event()
    blocker = tasks.submit(lambda ctx: time.sleep(0.3), lane="signing")
    waiting = tasks.submit(lambda ctx: ran.set(), lane="signing")
    waiting.cancel()
    blocker.future.result(5)
    time.sleep(0.05)
    assert not ran.is_set()


def test_the_signing_lane_is_one_thread() -> None:
    names = [tasks.run(lambda ctx: threading.current_thread().name, lane="signing") for _ in range(3)]
    assert len(set(names)) == 1
    assert names[0].startswith("task-signing")


def test_bytes_listener_reports_fractions() -> None:
    seen: list[float | None] = []
    ctx = tasks.TaskContext(lambda f, m: seen.append(f))
    on_bytes = ctx.bytes_listener(400)
    for _ in range(4):
        on_bytes(100)
    assert seen == [0.25, 0.5, 0.75, 1.0]
