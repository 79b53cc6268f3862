"""Legal deadlines and Vietnamese working days (pure Python: no Qt, no database)."""

from vista_desktop.deadlines.calendar import (
    DaysOffFileError,
    DaysOffPlan,
    WorkingCalendar,
    default_calendar,
    load_plan,
    read_plan,
)
from vista_desktop.deadlines.rules import (
    DeadlineKind,
    add_months,
    mau01_due,
    mau05_due,
    mau12_due,
    mau12_schedule,
    update_sheet_due,
)

__all__ = [
    "DaysOffFileError",
    "DaysOffPlan",
    "DeadlineKind",
    "WorkingCalendar",
    "add_months",
    "default_calendar",
    "load_plan",
    "mau01_due",
    "mau05_due",
    "mau12_due",
    "mau12_schedule",
    "read_plan",
    "update_sheet_due",
]
