"""How a draft's deadline reads in a list: its text and its colour (the drafts list, the deadlines dashboard).

Apart from the dashboard's dialog, which the drafts list does not need to load before it is on screen."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from vista_desktop.i18n import tr

if TYPE_CHECKING:
    from vista_desktop.services.deadlines import DraftDeadline

# Colours that read on light and dark palettes alike; the state is also written out, never colour alone.
STATE_COLOURS = {"overdue": "#b3261e", "due": "#8a5300", "done": "#1e6b33"}


def deadline_text(deadline: DraftDeadline | None, today: date | None = None) -> str:
    """What the drafts list shows: "13/03/2026 · còn 5 ngày", "… · quá 2 ngày", "… · Đã xong"."""
    if deadline is None:
        return ""
    if deadline.due is None:
        return tr(f"deadlines.state.{deadline.state.value}")
    due = deadline.due.strftime("%d/%m/%Y")
    days = deadline.days_left(today or date.today()) or 0
    if deadline.state.value == "due":
        return tr("ui.deadlines.left", due=due, days=days)
    if deadline.state.value == "overdue":
        return tr("ui.deadlines.late", due=due, days=-days)
    return tr("ui.deadlines.cell", due=due, state=tr(f"deadlines.state.{deadline.state.value}"))


def deadline_colour(deadline: DraftDeadline | None) -> QColor | None:
    colour = STATE_COLOURS.get(deadline.state.value) if deadline is not None else None
    return QColor(colour) if colour else None
