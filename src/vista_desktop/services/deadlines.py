"""Each draft's legal deadline and its state (due, overdue, done), computed from the draft's own data.

| form | event (field) | deadline |
|---|---|---|
| Mẫu 1 | contract date | 30 days |
| update sheet | the earliest approval date of its changes | 15 working days, or the managing body's setting |
(the body: `task.managing_unit`, else `sheet.recipient`; see `services.update_periods`)
| Mẫu 5 (and its confirmation) | official acceptance; an IP filing after it | 30 days; 5 working days, ≤ 60 days |
| Mẫu 12 | official acceptance and the reporting year | 12 months × year |

A draft is done when it is complete; a Mẫu 1 also once it was sent (it is then edited for the update sheets).
A draft whose event date is missing has an unknown deadline and is listed so that the user can add the date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from vista_desktop.deadlines import (
    DeadlineKind,
    WorkingCalendar,
    default_calendar,
    mau01_due,
    mau05_due,
    mau12_due,
    update_sheet_due,
)
from vista_desktop.deadlines.rules import MAU12_REPORTS, UPDATE_SHEET_WORKING_DAYS
from vista_desktop.errors import VistaError
from vista_desktop.forms.data import Data, get_path
from vista_desktop.forms.values import iso_to_date
from vista_desktop.services.update_periods import MAX_DAYS, MIN_DAYS, UpdatePeriods
from vista_desktop.settings import Settings, load_settings
from vista_desktop.storage.drafts import STATUS_COMPLETE, DraftRecord, DraftRepository, DraftSummary
from vista_desktop.tasks import never_cancelled

FORM_KINDS: dict[str, DeadlineKind] = {
    "mau-01": DeadlineKind.MAU01,
    "cap-nhat": DeadlineKind.UPDATE_SHEET,
    "mau-05": DeadlineKind.MAU05,
    "xac-nhan": DeadlineKind.MAU05,  # goes in the Mẫu 5 dossier, so it has the dossier's deadline
    "mau-12": DeadlineKind.MAU12,
}
SOON_DAYS = 7  # what the start-up notice counts as falling due


class DeadlineState(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    UNKNOWN = "unknown"  # the event's date is not in the draft yet
    DONE = "done"


# The dashboard's order: what needs doing first.
_STATE_ORDER = {DeadlineState.OVERDUE: 0, DeadlineState.DUE: 1, DeadlineState.UNKNOWN: 2, DeadlineState.DONE: 3}


class DeadlineInputError(VistaError):
    """A `deadlines due` question that cannot be answered (unknown kind, bad date, bad year)."""


@dataclass(frozen=True)
class DraftDeadline:
    draft_id: str
    form_id: str
    title: str
    kind: DeadlineKind
    state: DeadlineState
    due: date | None  # None: unknown (state UNKNOWN)
    event: date | None

    def days_left(self, today: date) -> int | None:
        return (self.due - today).days if self.due is not None else None

    def sort_key(self) -> tuple[int, date, str]:
        return (_STATE_ORDER[self.state], self.due or date.max, self.title)


def update_sheet_days(settings: Settings, managing_body: str) -> int:
    """The managing body's period from the settings (names compared as `update_periods.body_key` does)."""
    return UpdatePeriods(settings.update_sheet_days).days_for(managing_body)


def _date_at(data: Data, field_id: str) -> date | None:
    value = get_path(data, field_id)
    return iso_to_date(value) if isinstance(value, str) else None


def _earliest(rows: Any, column: str, after: date | None = None) -> date | None:
    found = [
        d
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and (d := iso_to_date(str(row.get(column) or ""))) is not None
        if after is None or d > after
    ]
    return min(found, default=None)


def _text_at(data: Data, field_id: str) -> str:
    value = get_path(data, field_id)
    return value if isinstance(value, str) else ""


def due_of(
    kind: DeadlineKind,
    data: Data,
    working: WorkingCalendar,
    periods: UpdatePeriods,
    other_bodies: tuple[str, ...] = (),
) -> tuple[date | None, date | None]:
    """(event, due) of a draft's data; (None, None) when the event's date is missing. An update sheet's period is
    its managing unit's, else its recipient's, else that of `other_bodies` (its Mẫu 1's)."""
    if kind is DeadlineKind.MAU01:
        event = _date_at(data, "task.contract.date")
        return event, mau01_due(event, working) if event else None
    if kind is DeadlineKind.UPDATE_SHEET:
        event = _earliest(get_path(data, "changes"), "decision_date")
        bodies = (_text_at(data, "task.managing_unit"), _text_at(data, "sheet.recipient"), *other_bodies)
        days = periods.days_for(*bodies)
        return event, update_sheet_due(event, working, days) if event else None
    acceptance = _date_at(data, "acceptance.meeting_date")
    if acceptance is None:
        return None, None
    if kind is DeadlineKind.MAU05:
        filed = _earliest(get_path(data, "ip_applications"), "date", after=acceptance)
        return acceptance, mau05_due(acceptance, working, filed)
    year = get_path(data, "report.year")
    if not isinstance(year, int) or not 1 <= year <= MAU12_REPORTS:
        return acceptance, None
    return acceptance, mau12_due(acceptance, year, working)


def deadline_of(
    summary: DraftSummary,
    data: Data,
    *,
    sent: bool,
    working: WorkingCalendar,
    periods: UpdatePeriods,
    today: date,
    other_bodies: tuple[str, ...] = (),
) -> DraftDeadline | None:
    """The draft's deadline, or None for a form that has none."""
    kind = FORM_KINDS.get(summary.form_id)
    if kind is None:
        return None
    event, due = due_of(kind, data, working, periods, other_bodies)
    if summary.status == STATUS_COMPLETE or sent:
        state = DeadlineState.DONE
    elif due is None:
        state = DeadlineState.UNKNOWN
    else:
        state = DeadlineState.OVERDUE if due < today else DeadlineState.DUE
    return DraftDeadline(summary.id, summary.form_id, summary.title, kind, state, due, event)


def legal_due(
    kind: str,
    event: date,
    *,
    working: WorkingCalendar | None = None,
    working_days: int = UPDATE_SHEET_WORKING_DAYS,
    ip_filed: date | None = None,
    report_year: int = 1,
) -> date:
    """The legal due date of an event, for scripts: `update-sheet` 2026-02-13 → 2026-03-13."""
    try:
        chosen = DeadlineKind(kind)
    except ValueError as exc:
        known = ", ".join(k.value for k in DeadlineKind)
        raise DeadlineInputError("deadlines.unknown_kind", kind=kind, known=known) from exc
    calendar = working or default_calendar()
    if chosen is DeadlineKind.MAU01:
        return mau01_due(event, calendar)
    if chosen is DeadlineKind.UPDATE_SHEET:
        if not MIN_DAYS <= working_days <= MAX_DAYS:
            raise DeadlineInputError("update_periods.bad_working_days", days=working_days, min=MIN_DAYS, max=MAX_DAYS)
        return update_sheet_due(event, calendar, working_days)
    if chosen is DeadlineKind.MAU05:
        return mau05_due(event, calendar, ip_filed)
    if not 1 <= report_year <= MAU12_REPORTS:
        raise DeadlineInputError("deadlines.bad_year", year=report_year, last=MAU12_REPORTS)
    return mau12_due(event, report_year, calendar)


class DeadlineReader:
    """Deadlines of many drafts with one calendar and one settings read (run it on a worker: it reads data)."""

    def __init__(self, repository: DraftRepository, settings: Settings, working: WorkingCalendar) -> None:
        self.repository, self.settings, self.working = repository, settings, working
        self.periods = UpdatePeriods(settings.update_sheet_days)
        self._asked: set[str] = set()  # drafts whose sealed state was read ahead (see `read_ahead`)
        self._sealed: set[str] = set()

    def read_ahead(self, draft_ids: Sequence[str]) -> None:
        """Read whether each of `draft_ids` was ever sent in one go, before their deadlines are asked one by one."""
        self._asked, self._sealed = set(draft_ids), self.repository.sealed_among(draft_ids)

    def _sent(self, record: DraftRecord) -> bool:
        if record.id in self._asked:
            return record.id in self._sealed
        return self.repository.has_sealed_revision(record.id)

    def __call__(self, record: DraftRecord, today: date | None = None) -> DraftDeadline | None:
        if record.form_id not in FORM_KINDS:
            return None
        # A Mẫu 1 once completed (sealed) was sent: later edits are for update sheets, not a late Mẫu 1.
        sent = record.form_id == "mau-01" and self._sent(record)
        return deadline_of(
            record,
            record.data,
            sent=sent,
            working=self.working,
            periods=self.periods,
            today=today or date.today(),
            other_bodies=self._source_bodies(record) if record.form_id == "cap-nhat" else (),
        )

    def _source_bodies(self, sheet: DraftRecord) -> tuple[str, ...]:
        """The managing unit and recipient of the Mẫu 1 an update sheet was made from, when the sheet names none."""
        if _text_at(sheet.data, "task.managing_unit").strip() or _text_at(sheet.data, "sheet.recipient").strip():
            return ()
        source_id = get_path(sheet.data, "source.draft_id")
        if not isinstance(source_id, str) or not source_id:
            return ()
        try:
            source = self.repository.get(source_id)
        except LookupError:
            return ()
        return (_text_at(source.data, "task.managing_unit"), _text_at(source.data, "sheet.recipient"))


class DeadlineService:
    def __init__(
        self,
        repository: Callable[[], DraftRepository],
        settings: Callable[[], Settings] = load_settings,
        calendar: Callable[[], WorkingCalendar] = default_calendar,
    ) -> None:
        self._repository, self._settings, self._calendar = repository, settings, calendar

    def reader(self) -> DeadlineReader:
        return DeadlineReader(self._repository(), self._settings(), self._calendar())

    def all(self, today: date | None = None, check: Callable[[], None] = never_cancelled) -> list[DraftDeadline]:
        """Every draft that has a deadline: overdue first, then due (soonest first), unknown, done. `check` is
        called before each draft and stops the reading by raising (a task's `context.check`)."""
        read = self.reader()
        repository = self._repository()
        found: list[DraftDeadline] = []
        for summary in repository.list():
            check()
            if summary.form_id not in FORM_KINDS:
                continue
            try:
                deadline = read(repository.get(summary.id), today)
            except LookupError:
                continue  # deleted meanwhile
            if deadline is not None:
                found.append(deadline)
        return sorted(found, key=DraftDeadline.sort_key)

    def due_soon(
        self, days: int = SOON_DAYS, today: date | None = None, check: Callable[[], None] = never_cancelled
    ) -> list[DraftDeadline]:
        """Overdue drafts and those falling due within `days` days, most urgent first."""
        today = today or date.today()
        horizon = today + timedelta(days=days)
        return [
            d
            for d in self.all(today, check)
            if d.state is DeadlineState.OVERDUE or (d.state is DeadlineState.DUE and d.due and d.due <= horizon)
        ]

    def legal_due(self, kind: str, event: date, **options: Any) -> date:
        return legal_due(kind, event, working=self._calendar(), **options)

    def update_sheet_days(self, *bodies: str) -> int:
        """The update-sheet period of the first of `bodies` that has one set (else 15)."""
        return UpdatePeriods(self._settings().update_sheet_days).days_for(*bodies)
