"""Reference cycles are collected on the GUI thread only: a worker must never destroy a Qt object."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject

from vista_desktop.collection import collect_due
from vista_desktop.services.app import AppServices


class Node:
    def __init__(self) -> None:
        self.itself = self


@pytest.fixture
def collections() -> Iterator[list[str]]:
    """The name of the thread of every collection that starts."""
    seen: list[str] = []

    def record(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(threading.current_thread().name)

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def make_garbage_on_a_worker(count: int) -> weakref.ref[Node]:
    kept: list[weakref.ref[Node]] = []

    def work() -> None:
        for _ in range(count):
            kept.append(weakref.ref(Node()))

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    return kept[0]


def test_the_application_collects_cycles_on_the_gui_thread_only(qtbot, tmp_path, collections) -> None:
    from vista_desktop.ui.app import Application

    gc.enable()  # as in a new process: automatic collection on
    services = AppServices(tmp_path / "vista.sqlite3")
    loaded: list[bool] = []
    controller = Application(services)
    controller.service_loaded.connect(lambda: loaded.append(True))
    qtbot.addWidget(controller.window)
    assert not gc.isenabled()
    collections.clear()
    first = make_garbage_on_a_worker(50 * gc.get_threshold()[0])  # far past the threshold, on the worker
    assert "worker" not in collections
    assert first() is not None  # not collected yet
    qtbot.waitUntil(lambda: first() is None, timeout=5000)  # by the GUI's timer, within its event loop
    assert collections and set(collections) == {threading.main_thread().name}
    qtbot.waitUntil(lambda: bool(loaded), timeout=20000)  # the database opened on a worker meanwhile
    controller.window.close()
    services.close()


def test_a_qt_object_in_a_cycle_is_destroyed_on_its_own_thread(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from vista_desktop.ui.garbage import collect_on_gui_thread

    collector = collect_on_gui_thread(QApplication.instance())
    assert collect_on_gui_thread(QApplication.instance()) is collector  # installed once
    destroyed_on: list[str] = []
    owner = QObject()
    owner.itself = owner  # type: ignore[attr-defined]
    owner.destroyed.connect(lambda: destroyed_on.append(threading.current_thread().name))
    del owner
    make_garbage_on_a_worker(50 * gc.get_threshold()[0])
    assert destroyed_on == []
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=5000)
    assert destroyed_on == [threading.main_thread().name]


def test_collect_due_collects_the_generation_cpython_would() -> None:
    gc.collect()
    assert collect_due() is None  # nothing allocated since
    young = gc.get_threshold()[0]
    kept = [Node() for _ in range(young + 10)]
    before = gc.get_count()
    assert before[0] >= young
    generation = collect_due()
    assert generation is not None
    assert gc.get_count()[0] < before[0]
    assert kept[0].itself is kept[0]  # reachable objects survive, of course


def test_nothing_is_collected_during_start_up_and_what_it_made_is_set_aside_after() -> None:
    """Start-up's tens of thousands of lasting objects are not walked by a collection on the GUI thread."""
    from vista_desktop.collection import settle, take_over

    take_over(starting=True)
    try:
        kept = [Node() for _ in range(3 * gc.get_threshold()[0])]
        assert gc.get_count()[0] >= gc.get_threshold()[0]
        assert collect_due() is None  # start-up: nothing is due, however much it allocates
        assert settle() > len(kept)
        assert gc.get_count()[0] < gc.get_threshold()[0]  # the frozen ones no longer count as young
        more = [Node() for _ in range(gc.get_threshold()[0] + 10)]
        assert collect_due() is not None  # then as before
        assert more[0].itself is more[0]
    finally:
        gc.unfreeze()


def test_start_up_is_settled_once() -> None:
    from vista_desktop.collection import settle, take_over

    take_over(starting=True)
    try:
        first = settle()
        [Node() for _ in range(100)]
        assert settle() == first  # the later call (the one-minute fallback) freezes nothing more
    finally:
        gc.unfreeze()
