"""The few Qt values that the drafts window needs before its first paint, as the plain ints Qt defines.

PySide6 builds the whole `Qt` namespace — 94 Python enums with 1,199 members — the first time anything reads
`Qt`, `from PySide6.QtCore import Qt` included: 118 M instructions, 20–30 ms of the GUI thread, a third of
what the window with 10,000 drafts cost over a bare PySide6 window. So the modules loaded before the list is on
screen do not import `Qt` at module level (they read `QtCore.Qt` inside the functions that run later), compare
item roles as the ints Qt passes to `data()`, and set the rest through Qt's own properties, which take ints.
`Qt` is first built once the list has been painted (`DraftsTable.arm_sorting`). tests/test_start_up_qt.py
checks each value against Qt and that a launch paints its list before `Qt` exists.

Other classes' enums cost the same way, less: actions are made with `QAction(text=…, parent=…)`, by keyword,
because the positional call tries the QIcon overload first and builds QIcon's 150-name ThemeIcon enum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

# Qt::ItemDataRole
DISPLAY_ROLE = 0
TOOL_TIP_ROLE = 3
TEXT_ALIGNMENT_ROLE = 7
FOREGROUND_ROLE = 9
USER_ROLE = 0x0100
# Qt::Alignment
ALIGN_CENTER = 0x0084  # AlignHCenter | AlignVCenter
ALIGN_RIGHT_MIDDLE = 0x0082  # AlignRight | AlignVCenter
# Qt::ToolButtonStyle
TOOL_BUTTON_TEXT_ONLY = 1
# Qt::ContextMenuPolicy
CUSTOM_CONTEXT_MENU = 3


def set_qt_property(target: QObject, name: str, value: int) -> None:
    """Sets one of Qt's properties of `target` (an enum or flags one, from its int); a wrong name or value is a
    programming error, said at once rather than a setting silently not taken."""
    if not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no property {name!r} taking {value!r}")
