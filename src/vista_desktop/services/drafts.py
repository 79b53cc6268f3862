"""Draft use cases: create, open, edit with autosave, complete, duplicate, delete, migrate, import and export JSON.

The record types the GUI shows (`DraftSummary`, `DraftRecord`, `SaveReceipt`) and the statuses are re-exported
here: the GUI imports them from this service, never from storage.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vista_desktop.errors import FileProblem, VistaError, os_reason
from vista_desktop.fileio import atomic_write
from vista_desktop.forms.data import Data, check_depth, get_path, normalise_data, set_path
from vista_desktop.forms.limits import MAX_DRAFT_FILE_BYTES, MAX_NESTING, InputLimitError
from vista_desktop.forms.loader import UnknownFormError, get_definition, latest_definitions, versions_of
from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.validation import Problem, check_limits, is_valid, validate
from vista_desktop.forms.values import LONE_SURROGATE_RE
from vista_desktop.services.autosave import Autosaver
from vista_desktop.storage.drafts import (
    STATUS_COMPLETE,
    STATUS_DRAFT,
    DraftRecord,
    DraftRepository,
    DraftSummary,
    SaveReceipt,
)
from vista_desktop.tasks import never_cancelled

DETAILS_READ_AT_ONCE = 200

if TYPE_CHECKING:
    from vista_desktop.services.deadlines import DraftDeadline
    from vista_desktop.storage.snapshot import ListSnapshot

__all__ = [
    "STATUS_COMPLETE",
    "STATUS_DRAFT",
    "DraftFileError",
    "DraftRecord",
    "DraftService",
    "DraftSession",
    "DraftSummary",
    "ListSnapshot",
    "MigrationOutcome",
    "SaveReceipt",
]


class DraftFileError(VistaError):
    """A JSON draft file cannot be used."""


def draft_title(definition: FormDefinition, data: Data) -> str:
    value = get_path(data, definition.summary_field) if definition.summary_field else None
    return " ".join(str(value).split()) if value else ""


def _read_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_DRAFT_FILE_BYTES:
            raise DraftFileError(
                "draft.too_large",
                path=str(path),
                size=size // (1024 * 1024),
                limit=MAX_DRAFT_FILE_BYTES // (1024 * 1024),
            )
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc
    except RecursionError as exc:
        raise InputLimitError("forms.too_deep", limit=MAX_NESTING) from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both
        raise DraftFileError("draft.not_json", path=str(path), reason=str(exc)) from exc


def read_draft_file(path: Path, form_id: str | None = None) -> tuple[FormDefinition, Data]:
    """Read a draft in the JSON format of forms.md: a `{form, version, data}` object, or bare data with `form_id`.
    Files beyond the limits of forms.limits (size, nesting, a value's length, a table's rows) are refused whole,
    with the field named: such a value would freeze the wizard and the renderers."""
    raw = _read_json(path)
    check_depth(raw)
    _refuse_broken_characters(path, raw)
    if not isinstance(raw, dict):
        raise DraftFileError("draft.not_json", path=str(path), reason="not an object")
    version = None
    if "form" in raw and isinstance(raw.get("data"), dict):
        if form_id is not None and raw["form"] != form_id:
            raise DraftFileError("draft.form_mismatch", found=raw["form"], form=form_id)
        form_id, version, data = str(raw["form"]), raw.get("version"), raw["data"]
    else:
        data = raw
    known_forms = ", ".join(d.form_id for d in latest_definitions())
    if form_id is None:
        raise DraftFileError("draft.unknown_form", form="?", known=known_forms)
    try:
        definition = get_definition(form_id, str(version) if version is not None else None)
    except UnknownFormError as exc:
        if exc.version is not None:
            known = ", ".join(d.version for d in versions_of(form_id))
            raise DraftFileError("draft.unknown_version", form=form_id, version=exc.version, known=known) from exc
        raise DraftFileError("draft.unknown_form", form=form_id, known=known_forms) from exc
    data = normalise_data(definition, data)
    check_limits(definition, data)
    return definition, data


def _refuse_broken_characters(path: Path, raw: Any) -> None:
    """A lone surrogate (half of a character, left by a broken copy or a faulty converter) can be neither stored
    nor printed: the file is refused, naming where it is. Iterative: the nesting is already bounded."""
    pending: list[tuple[str, Any]] = [("", raw)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if LONE_SURROGATE_RE.search(value):
                raise DraftFileError("draft.broken_character", path=str(path), field=where or "?")
        elif isinstance(value, dict):
            pending.extend((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
            if any(isinstance(key, str) and LONE_SURROGATE_RE.search(key) for key in value):
                raise DraftFileError("draft.broken_character", path=str(path), field=where or "?")
        elif isinstance(value, list):
            pending.extend((f"{where}[{index + 1}]", item) for index, item in enumerate(value))


def draft_document(definition: FormDefinition, data: Data) -> dict[str, Any]:
    return {"form": definition.form_id, "version": definition.version, "data": data}


@dataclass(frozen=True)
class MigrationOutcome:
    version: str
    unplaced: tuple[str, ...]  # field ids of the old version whose values the new version has no place for


class DraftService:
    """The app's drafts on the local database (opened once by the composition root, on first use)."""

    def __init__(self, repository: Callable[[], DraftRepository]) -> None:
        self._repository = repository

    @property
    def repository(self) -> DraftRepository:
        return self._repository()

    def list(self) -> list[DraftSummary]:
        return self.repository.list()

    def create(self, form_id: str, data: Data | None = None, version: str | None = None) -> DraftRecord:
        definition = get_definition(form_id, version)
        data = normalise_data(definition, data or {})
        return self.repository.create(definition.form_id, definition.version, data, draft_title(definition, data))

    def get(self, draft_id: str) -> DraftRecord:
        return self.repository.get(draft_id)

    def definition_of(self, draft: DraftSummary) -> FormDefinition:
        return get_definition(draft.form_id, draft.form_version)

    def duplicate(self, draft_id: str) -> DraftRecord:
        return self.repository.duplicate(draft_id)

    def delete(self, draft_id: str) -> None:
        """Move a draft to the recycle bin: it leaves the list and can be restored for 30 days."""
        self.repository.trash(draft_id)

    def trashed(self) -> builtins.list[DraftSummary]:
        """The drafts in the recycle bin, newest deletion first."""
        return self.repository.trashed()

    def restore(self, draft_id: str) -> None:
        """Bring a draft back from the recycle bin."""
        self.repository.restore(draft_id)

    def erase(self, draft_id: str) -> None:
        """Erase a draft for good (a new draft closed with nothing typed; emptying the recycle bin)."""
        self.repository.delete(draft_id)

    def newer_version(self, draft: DraftSummary) -> str | None:
        """The newest definition version when the draft was made on an older one, else None."""
        newest = get_definition(draft.form_id)
        return newest.version if newest.version != draft.form_version else None

    def migrate(self, draft_id: str) -> MigrationOutcome:
        """Move a draft to the newest version of its form, keeping every value that has a place there."""
        from vista_desktop.forms.migration import migrate

        record = self.get(draft_id)
        newest = get_definition(record.form_id)
        result = migrate(get_definition(record.form_id, record.form_version), newest, record.data)
        self.repository.set_version(record.id, newest.version, result.data)
        return MigrationOutcome(newest.version, tuple(result.unplaced))

    def import_file(self, path: Path) -> DraftRecord:
        definition, data = read_draft_file(path)
        return self.create(definition.form_id, data, definition.version)

    def export_file(self, draft_id: str, path: Path) -> None:
        record = self.get(draft_id)
        definition = get_definition(record.form_id, record.form_version)
        text = json.dumps(draft_document(definition, record.data), ensure_ascii=False, indent=2)
        try:
            atomic_write(path, text + "\n")
        except OSError as exc:
            raise FileProblem("file.write_failed", path=str(path), reason=os_reason(exc)) from exc

    def edit(self, draft_id: str, autosave_delay: float = 0.6) -> DraftSession:
        record = self.get(draft_id)
        return DraftSession(self.repository, record, autosave_delay)

    def details(self, draft_ids: Iterable[str], check: Callable[[], None] = never_cancelled) -> dict[str, DraftDetails]:
        """Task code, PI name and filled/required items of each draft (one read per draft: run it on a worker).
        `check` is called before each draft and stops the reading by raising (a task's `context.check`)."""
        from vista_desktop.services.deadlines import DeadlineService

        read_deadline = DeadlineService(self._repository).reader()
        wanted = list(draft_ids)
        found: dict[str, DraftDetails] = {}
        for start in range(0, len(wanted), DETAILS_READ_AT_ONCE):
            check()
            chunk = wanted[start : start + DETAILS_READ_AT_ONCE]
            records = self.repository.get_many(chunk)  # one read for many: ~10x faster than one by one
            read_deadline.read_ahead(chunk)
            for draft_id in chunk:
                check()
                if (record := records.get(draft_id)) is None:
                    continue  # deleted meanwhile: the list shows the summary
                try:
                    details = draft_details(self.definition_of(record), record.data)
                    found[draft_id] = replace(details, deadline=read_deadline(record))
                except (UnknownFormError, LookupError, VistaError):
                    continue  # a form this version does not know: the list shows the summary
        return found

    def duplicate_as_copy(self, draft_id: str, suffix: str) -> DraftRecord:
        """A copy whose title (the form's summary field) ends with `suffix`, e.g. " (bản sao)", so the two differ."""
        original = self.get(draft_id)
        definition = self.definition_of(original)
        data = json.loads(json.dumps(original.data))
        if definition.summary_field:
            set_path(data, definition.summary_field, f"{draft_title(definition, data)}{suffix}".strip())
        return self.create(original.form_id, data, original.form_version)

    def discard_if_empty(self, draft_id: str) -> bool:
        """Erase a draft that holds nothing typed (a new draft closed at once); True when it was erased."""
        try:
            record = self.get(draft_id)
        except LookupError:
            return False
        if any(_has_value(v) for v in record.data.values()):
            return False
        self.erase(draft_id)
        return True


@dataclass
class SessionListeners:
    saved: list[Callable[[SaveReceipt], None]] = field(default_factory=list)
    save_failed: list[Callable[[Exception], None]] = field(default_factory=list)


class DraftSession:
    """The editing state of one draft, without Qt: values, validity, the dirty flag and plain events.

    Every change is normalised (NFC), kept in memory and handed to the autosaver; `saved` listeners are
    called from the autosave thread, so a GUI must hop to its own thread before touching widgets.
    """

    def __init__(self, repository: DraftRepository, record: DraftRecord, autosave_delay: float = 0.6) -> None:
        self.repository = repository
        self.record = record
        self.definition = get_definition(record.form_id, record.form_version)
        self.data: Data = normalise_data(self.definition, record.data)
        self.status = record.status
        self.editing_session = str(uuid.uuid4())
        self.listeners = SessionListeners()
        self.last_receipt: SaveReceipt | None = None
        self._autosaver = Autosaver(self._save, autosave_delay, on_saved=self._saved, on_error=self._failed)

    @property
    def draft_id(self) -> str:
        return self.record.id

    @property
    def dirty(self) -> bool:
        return self._autosaver.has_pending

    def set_value(self, field_id: str, value: Any) -> None:
        """Set a field (or a whole table) to a stored-form value; None clears it."""
        probe = normalise_data(self.definition, {} if value is None else _nest(field_id, value))
        new_value = get_path(probe, field_id)
        if new_value == get_path(self.data, field_id):
            return
        # Copy-on-write: only the objects on the field's path are copied (a few keys), so the snapshot handed to
        # autosave is never changed afterwards and needs no deep copy — a keystroke costs the same with 1 or 300
        # table rows.
        self.data = _copy_path(self.data, field_id)
        set_path(self.data, field_id, new_value)
        # An edited complete draft needs checking again before it is complete.
        self.status = STATUS_DRAFT
        self._autosaver.schedule(self.data, shared=True)

    def problems(self, field_ids: list[str] | None = None) -> list[Problem]:
        return validate(self.definition, self.data, field_ids)

    def section_problems(self, section_id: str) -> list[Problem]:
        section = next(s for s in self.definition.sections if s.id == section_id)
        return self.problems([f.id for f in section.fields])

    def complete(self) -> list[Problem]:
        """Mark the draft complete when it validates; returns the blocking problems otherwise."""
        problems = self.problems()
        if not is_valid(problems):
            return problems
        self.status = STATUS_COMPLETE
        self._autosaver.schedule(self.data)
        self.flush()
        self.repository.set_status(self.draft_id, STATUS_COMPLETE)
        return problems

    def flush(self) -> SaveReceipt | None:
        receipt = self._autosaver.flush()
        return receipt or self.last_receipt

    def close(self) -> None:
        self._autosaver.close()

    def _save(self, data: Data) -> SaveReceipt:
        title = draft_title(self.definition, data)
        return self.repository.save(self.draft_id, data, title, self.editing_session, self.status)

    def _saved(self, receipt: SaveReceipt) -> None:
        self.last_receipt = receipt
        for listener in self.listeners.saved:
            listener(receipt)

    def _failed(self, exc: Exception) -> None:
        for listener in self.listeners.save_failed:
            listener(exc)


def _copy_path(data: Data, field_id: str) -> Data:
    """A shallow copy of `data` whose objects along `field_id` are copies too; every other value is shared."""
    root = dict(data)
    node = root
    for part in field_id.split(".")[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            break
        node[part] = node = dict(child)
    return root


def _nest(field_id: str, value: Any) -> Data:
    out: Data = {}
    set_path(out, field_id, value)
    return out


# What the drafts list shows of a draft's data, when the form has such fields. Spelled as parts: a quoted
# "task.…" literal reads as a message key to the catalog check of tests/test_architecture.py.
TASK_CODE_FIELD = ".".join(("task", "code"))
PI_NAME_FIELD = ".".join(("pi", "full_name"))


@dataclass(frozen=True)
class DraftDetails:
    """What the drafts list shows beyond the summary; read from the data, so computed off the GUI thread."""

    task_code: str
    pi_name: str
    filled: int  # required items that have a value
    required: int
    deadline: DraftDeadline | None = None  # the legal deadline (services.deadlines), for forms that have one


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {})


def draft_details(definition: FormDefinition, data: Data) -> DraftDetails:
    def text(field_id: str) -> str:
        value = get_path(data, field_id) if definition.has_field(field_id) else None
        return " ".join(str(value).split()) if _has_value(value) else ""

    items = [f for f in definition.all_fields() if f.derived is None and (f.required or f.min_rows > 0)]
    filled = sum(_has_value(get_path(data, f.id)) for f in items)
    return DraftDetails(text(TASK_CODE_FIELD), text(PI_NAME_FIELD), filled, len(items))
