"""Draft use cases: create, open, edit with autosave, complete, duplicate, delete, import and export JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vista_desktop.forms.data import Data, get_path, normalise_data, set_path
from vista_desktop.forms.loader import UnknownFormError, get_definition, versions_of
from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.validation import Problem, is_valid, validate
from vista_desktop.paths import database_path
from vista_desktop.services.autosave import Autosaver
from vista_desktop.storage.database import open_database
from vista_desktop.storage.drafts import (
    STATUS_COMPLETE,
    STATUS_DRAFT,
    DraftRecord,
    DraftRepository,
    DraftSummary,
    SaveReceipt,
)


class DraftFileError(ValueError):
    """A JSON draft file cannot be used; `code` is an i18n key and `params` its values."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def draft_title(definition: FormDefinition, data: Data) -> str:
    value = get_path(data, definition.summary_field) if definition.summary_field else None
    return " ".join(str(value).split()) if value else ""


def read_draft_file(path: Path, form_id: str | None = None) -> tuple[FormDefinition, Data]:
    """Read a draft in the JSON format of forms.md: a `{form, version, data}` object, or bare data with `form_id`."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DraftFileError("cli.file_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    except ValueError as exc:
        raise DraftFileError("cli.not_json", path=str(path), reason=str(exc)) from exc
    if not isinstance(raw, dict):
        raise DraftFileError("cli.not_json", path=str(path), reason="not an object")
    version = None
    if "form" in raw and isinstance(raw.get("data"), dict):
        if form_id is not None and raw["form"] != form_id:
            raise DraftFileError("cli.form_mismatch", found=raw["form"], form=form_id)
        form_id, version, data = str(raw["form"]), raw.get("version"), raw["data"]
    else:
        data = raw
    if form_id is None:
        raise DraftFileError("cli.unknown_form", form="?")
    try:
        definition = get_definition(form_id, str(version) if version is not None else None)
    except UnknownFormError as exc:
        if exc.version is not None:
            known = ", ".join(d.version for d in versions_of(form_id))
            raise DraftFileError("cli.unknown_version", form=form_id, version=exc.version, known=known) from exc
        raise DraftFileError("cli.unknown_form", form=form_id) from exc
    return definition, normalise_data(definition, data)


def draft_document(definition: FormDefinition, data: Data) -> dict[str, Any]:
    return {"form": definition.form_id, "version": definition.version, "data": data}


class DraftService:
    """The app's drafts on the local database."""

    def __init__(self, repository: DraftRepository) -> None:
        self.repository = repository

    @classmethod
    def open_default(cls) -> DraftService:
        return cls(DraftRepository(open_database(database_path())))

    def list(self) -> list[DraftSummary]:
        return self.repository.list()

    def create(self, form_id: str, data: Data | None = None, version: str | None = None) -> DraftRecord:
        definition = get_definition(form_id, version)
        data = normalise_data(definition, data or {})
        return self.repository.create(definition.form_id, definition.version, data, draft_title(definition, data))

    def get(self, draft_id: str) -> DraftRecord:
        return self.repository.get(draft_id)

    def duplicate(self, draft_id: str) -> DraftRecord:
        return self.repository.duplicate(draft_id)

    def delete(self, draft_id: str) -> None:
        self.repository.delete(draft_id)

    def import_file(self, path: Path) -> DraftRecord:
        definition, data = read_draft_file(path)
        return self.create(definition.form_id, data, definition.version)

    def export_file(self, draft_id: str, path: Path) -> None:
        record = self.get(draft_id)
        definition = get_definition(record.form_id, record.form_version)
        text = json.dumps(draft_document(definition, record.data), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")

    def edit(self, draft_id: str, autosave_delay: float = 0.6) -> DraftSession:
        record = self.get(draft_id)
        return DraftSession(self.repository, record, autosave_delay)


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
        set_path(self.data, field_id, new_value)
        # An edited complete draft needs checking again before it is complete.
        self.status = STATUS_DRAFT
        self._autosaver.schedule(self.data)

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


def _nest(field_id: str, value: Any) -> Data:
    out: Data = {}
    set_path(out, field_id, value)
    return out
