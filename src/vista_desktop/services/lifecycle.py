"""The task's life after its first sheet: update sheets (Mẫu 3) from a Mẫu 1's changes, yearly Mẫu 12 reports.

Update sheet: the baseline is what was sent — the newest revision of the Mẫu 1 marked "sent" (by `mark_sent` or
`mark_sheet_sent`), else its newest sealed revision (storage seals a revision when a draft is completed, which is
when it is exported for sending). One row per changed item, labelled and displayed as the form shows it; a table
counts as one item whose old and new values list the rows removed and added. Sending the sheet marks the Mẫu 1's
current data as the new baseline, so the next sheet lists only later changes.

Mẫu 12: one draft per reporting year 1–5 after acceptance, prefilled from the task's Mẫu 5 and, from year 2 on,
carrying over last year's applications (without their yearly revenue and profit, which must be reported anew).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from vista_desktop.deadlines.rules import MAU12_REPORTS, add_months
from vista_desktop.errors import VistaError
from vista_desktop.forms.data import Data, get_path, set_path, value_of
from vista_desktop.forms.loader import get_definition
from vista_desktop.forms.model import Field, FormDefinition
from vista_desktop.forms.values import display, is_empty, iso_to_date
from vista_desktop.storage.drafts import STATUS_COMPLETE, DraftRecord, DraftRepository, RevisionRecord

MAU01, UPDATE_SHEET, MAU05, MAU12 = "mau-01", "cap-nhat", "mau-05", "mau-12"
REVISION_SENT = "sent"  # the status of a revision kept as "what the focal organisation has"
SOURCE_FIELD = "source.draft_id"  # where a generated draft remembers the draft it came from
_DOCUMENT_LANGUAGE = "vi"  # the sheet is an official document: always Vietnamese

# Copied from the Mẫu 1 (update sheet) and from the Mẫu 5 (Mẫu 12) when the source has them.
_SHEET_HEADER_FIELDS = (
    "task.title",
    "task.code",
    "task.managing_unit",
    "host_org.superior_body",
    "host_org.name",
    "host_org.head_full_name",
    "sheet.recipient",
)
_MAU12_FIELDS = (
    "task.title",
    "task.code",
    "task.level",
    "task.type",
    "host_org.superior_body",
    "host_org.name",
    "host_org.address",
    "host_org.head_full_name",
    "pi.full_name",
    "acceptance.meeting_date",
    "registration.certificate_number",
    "sheet.recipient",
)
_YEARLY_FIGURES = ("revenue_vnd", "profit_vnd")


class LifecycleError(VistaError):
    """An update sheet or a yearly report cannot be made from the draft given."""


@dataclass(frozen=True)
class Change:
    item: str
    old_value: str
    new_value: str

    def as_row(self) -> Data:
        row: Data = {"item": self.item}
        if self.old_value:
            row["old_value"] = self.old_value
        if self.new_value:
            row["new_value"] = self.new_value
        return row


def _printed_fields(definition: FormDefinition) -> Iterator[Field]:
    # The non-printed sections (recipient, place, date, signer's name) are not information about the task.
    for section in definition.sections:
        if section.printed:
            yield from (f for f in section.fields if f.derived is None)


def _row_text(table: Field, row: Any) -> str:
    if not isinstance(row, dict):
        return str(row)
    parts = [display(c, row.get(c.id)) for c in table.columns]
    return " – ".join(p for p in parts if p)


def _table_change(table: Field, old: Any, new: Any) -> Change | None:
    old_rows = [_row_text(table, r) for r in (old if isinstance(old, list) else [])]
    new_rows = [_row_text(table, r) for r in (new if isinstance(new, list) else [])]
    if old_rows == new_rows:
        return None
    label = table.label.text(_DOCUMENT_LANGUAGE)
    if Counter(old_rows) == Counter(new_rows):
        # Same rows in another order: the order is the point (authors' order), so both orders are shown in full.
        numbered = [[f"{n}. {text}" for n, text in enumerate(rows, 1)] for rows in (old_rows, new_rows)]
        return Change(label, "\n".join(numbered[0]), "\n".join(numbered[1]))
    removed = list((Counter(old_rows) - Counter(new_rows)).elements())
    added = list((Counter(new_rows) - Counter(old_rows)).elements())
    return Change(label, "\n".join(t for t in old_rows if t in removed), "\n".join(t for t in new_rows if t in added))


def changes_between(definition: FormDefinition, before: Data, after: Data) -> list[Change]:
    """Every printed item whose value differs, in the form's order, displayed as on screen."""
    found: list[Change] = []
    for field in _printed_fields(definition):
        old, new = value_of(definition, before, field.id), value_of(definition, after, field.id)
        if field.is_table:
            change = _table_change(field, old, new)
            if change is not None:
                found.append(change)
        elif (None if is_empty(old) else old) != (None if is_empty(new) else new):
            found.append(Change(field.label.text(_DOCUMENT_LANGUAGE), display(field, old), display(field, new)))
    return found


def baseline_of(revisions: list[RevisionRecord]) -> RevisionRecord | None:
    """The revision the focal organisation has: the newest marked sent, else the newest sealed one."""
    sent = [r for r in revisions if r.status == REVISION_SENT]
    chosen = sent or [r for r in revisions if r.sealed]
    return max(chosen, key=lambda r: r.number) if chosen else None


def _copy_fields(source: Data, target: Data, field_ids: tuple[str, ...], definition: FormDefinition) -> None:
    for field_id in field_ids:
        value = get_path(source, field_id)
        if not is_empty(value) and definition.has_field(field_id):
            set_path(target, field_id, json.loads(json.dumps(value)))


class LifecycleService:
    """Update sheets and yearly reports made from the drafts of the same task."""

    def __init__(self, repository: Callable[[], DraftRepository]) -> None:
        self._repository = repository

    @property
    def repository(self) -> DraftRepository:
        return self._repository()

    def _draft_of_form(self, draft_id: str, form_id: str) -> DraftRecord:
        record = self.repository.get(draft_id)
        if record.form_id != form_id:
            raise LifecycleError("lifecycle.wrong_form", expected=form_id, found=record.form_id)
        return record

    def _create(self, form_id: str, data: Data, source: DraftRecord) -> DraftRecord:
        """A new draft in the task of the draft it was made from (the source joins a new task if it had none)."""
        from vista_desktop.forms.data import normalise_data
        from vista_desktop.services.drafts import draft_title

        definition = get_definition(form_id)
        data = normalise_data(definition, data)
        repository = self.repository
        created = repository.create(form_id, definition.version, data, draft_title(definition, data))
        task_id = source.task_id
        if task_id is None:
            code = get_path(source.data, "task.code")
            task_id = repository.create_task(source.title, code if isinstance(code, str) else "").id
            repository.assign_task(source.id, task_id)
        repository.assign_task(created.id, task_id)
        return repository.get(created.id)

    # --- update sheet ------------------------------------------------------------------------------------------

    def pending_changes(self, mau01_draft_id: str) -> list[Change]:
        """What changed in a Mẫu 1 since it was last sent (an error when it never was)."""
        record = self._draft_of_form(mau01_draft_id, MAU01)
        baseline = baseline_of(self.repository.revisions(record.id))
        if baseline is None:
            raise LifecycleError("lifecycle.not_sent", title=record.title)
        definition = get_definition(record.form_id, record.form_version)
        return changes_between(definition, baseline.data, record.data)

    def update_sheet_from(self, mau01_draft_id: str) -> DraftRecord:
        """A new update-sheet draft listing every change since the Mẫu 1 was sent; the approving decision of each
        row is left for the user to fill in."""
        changes = self.pending_changes(mau01_draft_id)
        if not changes:
            raise LifecycleError("lifecycle.no_changes")
        mau01 = self.repository.get(mau01_draft_id)
        data: Data = {"changes": [c.as_row() for c in changes], "source": {"draft_id": mau01.id}}
        _copy_fields(mau01.data, data, _SHEET_HEADER_FIELDS, get_definition(UPDATE_SHEET))
        return self._create(UPDATE_SHEET, data, mau01)

    def mark_sent(self, mau01_draft_id: str) -> int:
        """Record the Mẫu 1's current data as what the focal organisation has; returns the revision number."""
        self._draft_of_form(mau01_draft_id, MAU01)
        return self.repository.seal_baseline(mau01_draft_id, REVISION_SENT)

    def mark_sheet_sent(self, sheet_id: str) -> int:
        """The update sheet was sent: it is done, and its Mẫu 1's current data becomes the new baseline."""
        sheet = self._draft_of_form(sheet_id, UPDATE_SHEET)
        source = get_path(sheet.data, SOURCE_FIELD)
        if not isinstance(source, str) or not source:
            raise LifecycleError("lifecycle.no_source")
        try:
            number = self.mark_sent(source)
        except LookupError as exc:
            raise LifecycleError("lifecycle.source_missing") from exc
        self.repository.set_status(sheet_id, STATUS_COMPLETE)
        return number

    # --- Mẫu 12 ------------------------------------------------------------------------------------------------

    def mau12_drafts(self, mau05_draft_id: str, task_code: str = "") -> dict[int, DraftRecord]:
        """The Mẫu 12 drafts of a task by reporting year: linked to its Mẫu 5, or carrying its task code."""
        found: dict[int, DraftRecord] = {}
        for summary in sorted(self.repository.list(), key=lambda s: s.created_at):
            if summary.form_id != MAU12:
                continue
            record = self.repository.get(summary.id)
            linked = get_path(record.data, SOURCE_FIELD) == mau05_draft_id
            same_code = bool(task_code) and get_path(record.data, "task.code") == task_code
            year = get_path(record.data, "report.year")
            if (linked or same_code) and isinstance(year, int):
                found.setdefault(year, record)
        return found

    def next_mau12_year(self, mau05_draft_id: str) -> int | None:
        """The first reporting year (1–5) the task has no Mẫu 12 for; None when all five exist."""
        mau05 = self._draft_of_form(mau05_draft_id, MAU05)
        code = get_path(mau05.data, "task.code")
        existing = self.mau12_drafts(mau05.id, code if isinstance(code, str) else "")
        return next((y for y in range(1, MAU12_REPORTS + 1) if y not in existing), None)

    def prefill_mau12(self, mau05_draft_id: str, year: int) -> DraftRecord:
        """A new Mẫu 12 draft for reporting year `year` (1–5 after acceptance)."""
        if not 1 <= year <= MAU12_REPORTS:
            raise LifecycleError("lifecycle.bad_year", year=year, last=MAU12_REPORTS)
        mau05 = self._draft_of_form(mau05_draft_id, MAU05)
        task_code = get_path(mau05.data, "task.code")
        existing = self.mau12_drafts(mau05.id, task_code if isinstance(task_code, str) else "")
        if year in existing:
            raise LifecycleError("lifecycle.mau12_exists", year=year)
        definition = get_definition(MAU12)
        data: Data = {"report": {"year": year}, "source": {"draft_id": mau05.id}}
        _copy_fields(mau05.data, data, _MAU12_FIELDS, definition)
        if get_path(data, "task.type") not in {c.value for c in definition.field("task.type").choices}:
            set_path(data, "task.type", None)  # a kind of task Mẫu 12 does not list: the user decides
        acceptance = iso_to_date(str(get_path(mau05.data, "acceptance.meeting_date") or ""))
        if acceptance is not None:
            start = add_months(acceptance, 12 * (year - 1)) + timedelta(days=1)
            set_path(data, "report_period.start", start.isoformat())
            set_path(data, "report_period.end", add_months(acceptance, 12 * year).isoformat())
        previous = existing.get(year - 1)
        if previous is not None:
            carried = [
                {k: v for k, v in row.items() if k not in _YEARLY_FIGURES}
                for row in get_path(previous.data, "applications") or []
                if isinstance(row, dict)
            ]
            set_path(data, "applications", carried or None)
            _copy_fields(previous.data, data, ("registration.certificate_number",), definition)
        return self._create(MAU12, data, mau05)
