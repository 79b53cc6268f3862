"""Working days of Vietnamese state bodies: weekends, official days off and make-up Saturdays.

The days off are decided year by year (the government's plan moves days to make bridges and names a Saturday
worked in exchange), so they are data: `resources/reference/vn_days_off.csv`, replaced without a release by a file of
the same name in the user's data folder (`<data>/reference/vn_days_off.csv`). For a year the plan does not cover,
the statutory holidays of the `holidays` package's Vietnam calendar stand in (its generic lunar rule gets some years
wrong — Tết 2025 — which is why it is only the fallback).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

DAYS_OFF_FILE = "vn_days_off.csv"
SATURDAY, SUNDAY = 5, 6
_ONE_DAY = timedelta(days=1)


class DaysOffFileError(ValueError):
    """A days-off file that cannot be read as the plan (the shipped file is used instead)."""


@dataclass(frozen=True)
class DaysOffPlan:
    """The planned days off and make-up Saturdays, and the years the plan covers."""

    days_off: frozenset[date] = frozenset()
    make_up_saturdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    source: str = ""


def _day(text: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise DaysOffFileError(f"line {line}: {column} {text!r} is not a YYYY-MM-DD date") from exc


def read_plan(path: Path) -> DaysOffPlan:
    """Read a days-off file: one closed range of days off per row, with the Saturday worked in exchange, if any."""
    days_off: set[date] = set()
    make_up: set[date] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"date_from", "date_to", "make_up_saturday"} - set(reader.fieldnames or ())
            if missing:
                raise DaysOffFileError(f"missing columns {sorted(missing)}")
            for line, row in enumerate(reader, start=2):
                first = _day(row["date_from"] or "", line, "date_from")
                last = _day(row["date_to"] or first.isoformat(), line, "date_to")
                if last < first or (last - first).days > 40:
                    raise DaysOffFileError(f"line {line}: {first}..{last} is not a plausible range of days off")
                days_off.update(first + timedelta(days=n) for n in range((last - first).days + 1))
                if (row.get("make_up_saturday") or "").strip():
                    make_up.add(_day(row["make_up_saturday"] or "", line, "make_up_saturday"))
    except OSError as exc:
        raise DaysOffFileError(str(exc)) from exc
    years = frozenset(d.year for d in days_off | make_up)
    return DaysOffPlan(frozenset(days_off), frozenset(make_up), years, str(path))


def shipped_plan_path() -> Path:
    from vista_desktop.resources import resource_path

    return resource_path("reference", DAYS_OFF_FILE)


def user_plan_path() -> Path:
    """Where a newer plan replaces the shipped one (the user's data folder, or VISTA_DESKTOP_DATA_DIR)."""
    from vista_desktop.paths import data_dir

    return data_dir() / "reference" / DAYS_OFF_FILE


def load_plan(candidates: Iterable[Path] | None = None) -> DaysOffPlan:
    """The first readable plan of `candidates` (default: the user's file, then the shipped one)."""
    paths = list(candidates) if candidates is not None else [user_plan_path(), shipped_plan_path()]
    for path in paths:
        if not path.is_file():
            continue
        try:
            return read_plan(path)
        except DaysOffFileError as exc:
            log.warning("days-off file %s not used: %s", path, exc)
    return DaysOffPlan()


@cache
def _statutory_days_off(year: int) -> frozenset[date]:
    # The country module by name (not the registry's dynamic import), so that a frozen bundle includes it.
    try:
        from holidays.countries.vietnam import Vietnam
    except ImportError as exc:  # a broken install: weekends still count, and the log says why
        log.error("statutory holidays unavailable for %s: %s", year, exc)
        return frozenset()
    return frozenset(Vietnam(years=year))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days from a plan; years outside it use the statutory holidays."""

    plan: DaysOffPlan = field(default_factory=DaysOffPlan)

    def is_day_off(self, day: date) -> bool:
        if day.year in self.plan.years:
            if day in self.plan.make_up_saturdays:
                return False
            return day.weekday() in (SATURDAY, SUNDAY) or day in self.plan.days_off
        return day.weekday() in (SATURDAY, SUNDAY) or day in _statutory_days_off(day.year)

    def is_working_day(self, day: date) -> bool:
        return not self.is_day_off(day)

    def add_working_days(self, event: date, count: int) -> date:
        """The last day of a period of `count` working days counted from the day after `event`."""
        if count < 1:
            raise ValueError("a period has at least one working day")
        day, left = event, count
        while left:
            day += _ONE_DAY
            if self.is_working_day(day):
                left -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while self.is_day_off(day):
            day += _ONE_DAY
        return day


def default_calendar() -> WorkingCalendar:
    """The calendar from the user's newer plan if there is one, else the shipped plan (read at each call: cheap,
    and a file dropped in while the app runs is used at once)."""
    return WorkingCalendar(load_plan())
