from __future__ import annotations

import dataclasses
import logging

from vista_desktop.forms.migration import migrate
from vista_desktop.logging_setup import configure_logging
from vista_desktop.paths import log_dir


def test_migration_keeps_what_has_a_place_and_lists_the_rest(mau01, complete_data) -> None:
    # A later version that drops one item and renames nothing.
    sections = tuple(
        dataclasses.replace(s, fields=tuple(f for f in s.fields if f.id != "application_address"))
        for s in mau01.sections
    )
    newer = dataclasses.replace(mau01, version="2026", sections=sections)
    complete_data["application_address"] = "Các tỉnh Đồng bằng sông Cửu Long"
    result = migrate(mau01, newer, complete_data)
    assert result.unplaced == {"application_address": "Các tỉnh Đồng bằng sông Cửu Long"}
    assert result.data["pi"] == complete_data["pi"]
    assert result.data["members"] == complete_data["members"]
    assert "application_address" not in result.data


def test_logs_never_hold_a_full_citizen_id() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    configure_logging()
    try:
        logging.getLogger("vista_desktop.test").warning("saving draft for %s", "079185012345")
        for handler in root.handlers:
            handler.flush()
        text = (log_dir() / "vista-desktop.log").read_text(encoding="utf-8")
        assert "079•••••••••" in text
        assert "079185012345" not in text
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
