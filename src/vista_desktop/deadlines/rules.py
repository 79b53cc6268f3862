"""The legal deadlines of forms.md, as pure functions of the event's date and a working calendar.

A period counts from the day after the event. A period of calendar days whose last day is a weekend or a day off
ends on the next working day (Civil Code 2015, Art. 148(5)); a period of working days ends on a working day anyway.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta
from enum import StrEnum

from vista_desktop.deadlines.calendar import WorkingCalendar

MAU01_DAYS = 30  # from the task contract's date
UPDATE_SHEET_WORKING_DAYS = 15  # from the approval of a change; a setting per managing body
MAU05_DAYS = 30  # from official acceptance
MAU05_IP_WORKING_DAYS = 5  # from an industrial-property filing after acceptance...
MAU05_IP_MAX_DAYS = 60  # ...but no later than this many days after acceptance
MAU12_REPORTS = 5  # yearly reports after acceptance


class DeadlineKind(StrEnum):
    MAU01 = "mau-01"
    UPDATE_SHEET = "update-sheet"
    MAU05 = "mau-05"
    MAU12 = "mau-12"


def calendar_days_after(event: date, days: int, working: WorkingCalendar) -> date:
    return working.next_working_day(event + timedelta(days=days))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (29/02 → 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def mau01_due(contract_date: date, working: WorkingCalendar) -> date:
    return calendar_days_after(contract_date, MAU01_DAYS, working)


def update_sheet_due(approved: date, working: WorkingCalendar, working_days: int = UPDATE_SHEET_WORKING_DAYS) -> date:
    return working.add_working_days(approved, working_days)


def mau05_due(acceptance: date, working: WorkingCalendar, ip_filed: date | None = None) -> date:
    """30 days from acceptance; when an industrial-property application is filed after acceptance, 5 working days
    from the filing, and never later than 60 days after acceptance."""
    if ip_filed is None or ip_filed <= acceptance:
        return calendar_days_after(acceptance, MAU05_DAYS, working)
    return min(
        working.add_working_days(ip_filed, MAU05_IP_WORKING_DAYS),
        calendar_days_after(acceptance, MAU05_IP_MAX_DAYS, working),
    )


def mau12_due(acceptance: date, report_year: int, working: WorkingCalendar) -> date:
    """The report of year `report_year` (1–5): every 12 months after official acceptance."""
    if not 1 <= report_year <= MAU12_REPORTS:
        raise ValueError(f"report year {report_year} is not 1..{MAU12_REPORTS}")
    return working.next_working_day(add_months(acceptance, 12 * report_year))


def mau12_schedule(acceptance: date, working: WorkingCalendar) -> list[date]:
    return [mau12_due(acceptance, year, working) for year in range(1, MAU12_REPORTS + 1)]
