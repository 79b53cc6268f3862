"""The content store of dossier files: a kept copy survives moving and deleting the original, the copy is checked
against the attached hash, a cancel or a changed source leaves nothing in the store, and the streamed copy with
its hash on a second thread gives the same bytes and digest as a plain one."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from vista_desktop.dossier import DossierProblem
from vista_desktop.dossier.hashing import contains_bytes, copy_hashing
from vista_desktop.dossier.store import ContentStore
from vista_desktop.errors import Cancelled
from vista_desktop.paths import data_dir
from vista_desktop.tasks import TaskContext

FORMS = Path(__file__).resolve().parent / "forms"
MIB = 1 << 20


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def cancelling_at(point: float, seen: list[float]) -> TaskContext:
    def listener(fraction: float | None, message: str) -> None:
        if fraction is not None:
            seen.append(fraction)
            if fraction >= point:
                context.cancel()

    context = TaskContext(listener)
    return context


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """Larger than the size below which hashing stays on the copying thread."""
    path = tmp_path / "phụ lục lớn.bin"
    path.write_bytes(os.urandom(9 * MIB + 12345))
    return path


def test_copy_hashing_gives_the_bytes_and_their_digest(big: Path, tmp_path: Path) -> None:
    small = tmp_path / "nhỏ.txt"
    small.write_bytes(b"x" * 1000)
    for source in (big, small, tmp_path / "empty"):
        source.touch()
        sink = io.BytesIO()
        size, sha = copy_hashing(source, sink)
        data = source.read_bytes()
        assert (size, sha, sink.getvalue()) == (len(data), hashlib.sha256(data).hexdigest(), data)


def test_contains_bytes_finds_a_match_across_two_reads(tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * (MIB - 12) + b"/ByteRange [0 1 2 3]")  # straddles the first MiB
    assert contains_bytes(path, b"/ByteRange")
    path.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * MIB) + b"/ByteRang")
    assert not contains_bytes(path, b"/ByteRange")


def test_keep_copies_once_and_verifies(big: Path, tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    seen: list[float] = []
    stored = store.keep(big, digest, TaskContext(lambda f, _m: seen.append(f or 0.0)))
    assert stored.path == tmp_path / "store" / digest[:2] / digest[2:]
    assert stored.path.read_bytes() == big.read_bytes() and stored.size == big.stat().st_size
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert store.keep(big, digest) == stored  # the same content is stored once
    assert files_in(tmp_path / "store") == [stored.path]
    assert store.holds(stored.path) and not store.holds(big)


def test_cancel_leaves_no_partial_file_in_the_store(big: Path, tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    for point in (0.3, 0.9):  # while copying, and while reading the copy back
        seen: list[float] = []
        with pytest.raises(Cancelled):
            store.keep(big, digest, cancelling_at(point, seen))
        assert 0 < seen[-1] < 1
        assert files_in(tmp_path / "store") == []
        assert list((tmp_path / "store").iterdir()) == []  # not even its two-digit folder


def test_a_source_changed_since_attaching_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    source = tmp_path / "biên bản.pdf"
    source.write_bytes(b"%PDF-1.7 the minutes")
    attached_hash = hashlib.sha256(source.read_bytes()).hexdigest()
    source.write_bytes(b"%PDF-1.7 the minutes, edited")
    store = ContentStore(tmp_path / "store")
    with pytest.raises(DossierProblem) as raised:
        store.keep(source, attached_hash)
    assert raised.value.code == "dossier_files.changed_since_attached"
    assert raised.value.params["name"] == "biên bản.pdf"
    assert files_in(tmp_path / "store") == []


def test_a_kept_copy_survives_moving_and_deleting_the_original(app_services: Any, tmp_path: Path) -> None:
    loaded = json.loads((FORMS / "mau-05" / "complete.json").read_text(encoding="utf-8"))
    record = app_services.drafts.create("mau-05", loaded["data"])
    builder = app_services.dossier_builder
    task_id = builder.task_id(record.id)
    original = tmp_path / "số liệu đo mặn.csv"
    original.write_text("tỉnh,độ mặn\nBến Tre,4.2\n", encoding="utf-8")
    attached = builder.attach(task_id, "annexes", original, TaskContext())

    kept = builder.keep_copy(attached, TaskContext())
    assert kept.id == attached.id and kept.sha256 == attached.sha256
    assert kept.path.parent.parent == data_dir() / "store" and kept.shown_path == original
    assert builder.keep_copy(kept, TaskContext()) == kept  # already kept: nothing to do

    moved = tmp_path / "đã chuyển.csv"
    original.rename(moved)
    (again,) = builder.contents(task_id).attached  # read back from the database
    assert again.path == kept.path and again.original == original
    assert not [f for f in builder.findings(task_id) if f.slot == "annexes"]
    moved.unlink()
    assert not [f for f in builder.findings(task_id) if f.slot == "annexes"]
    assert {s.slot.id: s.state for s in builder.slot_states(task_id)}["annexes"] == "attached"


def test_cancelling_keep_copy_leaves_the_dossier_on_the_original(app_services: Any, big: Path) -> None:
    loaded = json.loads((FORMS / "mau-05" / "complete.json").read_text(encoding="utf-8"))
    builder = app_services.dossier_builder
    task_id = builder.task_id(app_services.drafts.create("mau-05", loaded["data"]).id)
    attached = builder.attach(task_id, "annexes", big, TaskContext())
    with pytest.raises(Cancelled):
        builder.keep_copy(attached, cancelling_at(0.5, []))
    assert builder.contents(task_id).attached == (attached,)
    assert files_in(data_dir() / "store") == []


def test_the_dialog_keeps_a_copy_of_the_selected_files_on_the_runner(
    qtbot: Any, app_services: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QPushButton

    from vista_desktop.ui.dossier_dialog import DossierDialog

    loaded = json.loads((FORMS / "mau-05" / "complete.json").read_text(encoding="utf-8"))
    builder = app_services.dossier_builder
    task_id = builder.task_id(app_services.drafts.create("mau-05", loaded["data"]).id)
    original = tmp_path / "bản đồ.csv"
    original.write_text("x,y\n1,2\n", encoding="utf-8")
    builder.attach(task_id, "annexes", original, TaskContext())
    dialog = DossierDialog(builder, task_id)
    qtbot.addWidget(dialog)
    button = dialog.findChild(QPushButton, "keep_copy")
    assert button is not None and not button.isEnabled()  # nothing selected
    row = next(i for i, s in enumerate(dialog.states) if s.slot.id == "annexes")
    dialog.table.selectRow(row)
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: all(f.original is not None for f in dialog.states[row].attached), timeout=5000)
    original.unlink()
    dialog.reload()
    item = dialog.table.item(row, 3)
    assert item is not None and item.text() == "bản đồ.csv"
    assert "bản đồ.csv" not in dialog.summary.text()  # not reported missing
    dialog.table.selectRow(row)
    assert not button.isEnabled()  # already kept
