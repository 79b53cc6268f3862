"""The update-sheet period per managing body: 15 working days unless the user set another for that body.

The bodies are the Ministry of Science and Technology and the provincial Departments of S&T of the 34 provincial
units since mid-2025 (reference data, `services.reference.provinces_2025`). A task names its body in free text
(`task.managing_unit`, else the sheet's recipient): names are compared forgiving case, marks, spacing, the
abbreviation "KH&CN" and the words "tỉnh" / "thành phố"; a Department of a province merged in 2025 (`dost_2023.csv`)
counts as the Department of the unit it joined. Periods are stored in the settings (`Settings.update_sheet_days`);
a name there that is no listed body (typed by hand in an older version) still applies to tasks naming it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from vista_desktop.deadlines.rules import UPDATE_SHEET_WORKING_DAYS
from vista_desktop.errors import FileProblem, VistaError, os_reason
from vista_desktop.forms.collation import vietnamese_key
from vista_desktop.settings import Settings, load_settings, save_settings

MINISTRY = "Bộ Khoa học và Công nghệ"
DEFAULT_DAYS = UPDATE_SHEET_WORKING_DAYS
MIN_DAYS, MAX_DAYS = 1, 90  # what the settings file accepts (settings._periods)

_ABBREVIATIONS = re.compile(r"\bkh\s*(?:va|&)\s*cn\b|\bkhcn\b")
_PLACE_WORDS = re.compile(r"\b(?:tinh|thanh pho|tp)\b")


class UpdatePeriodError(VistaError):
    """A period the settings cannot hold."""


def body_key(name: str) -> str:
    """'Sở KH&CN  tỉnh Phú Yên' and 'Sở Khoa học và Công nghệ Phú Yên' give the same key."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("&", " & ")
    words = " ".join("".join(c if c.isalnum() or c == "&" else " " for c in bare).split())
    words = _ABBREVIATIONS.sub("khoa hoc va cong nghe", words)
    return " ".join(_PLACE_WORDS.sub(" ", words).replace("&", " va ").split())


@dataclass(frozen=True)
class BodyDirectory:
    """The listed bodies, and which listed body each known name (current or pre-2025) stands for."""

    bodies: tuple[str, ...]
    by_key: Mapping[str, str]

    def current(self, name: str) -> str | None:
        """The listed body `name` names, or None."""
        return self.by_key.get(body_key(name)) if name.strip() else None


def body_directory() -> BodyDirectory:
    from vista_desktop.forms.reference import departments_of_science
    from vista_desktop.services.reference import provinces_2025

    units = provinces_2025()
    department_of = {u.name: u.department for u in units}
    by_key: dict[str, str] = {body_key(MINISTRY): MINISTRY}
    for unit in units:
        by_key[body_key(unit.department)] = unit.department
    for old in departments_of_science():
        current = department_of.get(old.province_from_2025)
        if current is not None:
            by_key.setdefault(body_key(old.agency), current)
            by_key.setdefault(body_key(f"Sở Khoa học và Công nghệ {old.province_before_2025}"), current)
    # The Ministry first, then the Departments as a clerk looks them up: in Vietnamese alphabetical order.
    departments = sorted((u.department for u in units), key=vietnamese_key)
    return BodyDirectory((MINISTRY, *departments), by_key)


class UpdatePeriods:
    """The period of the bodies a task names, from the stored periods (build once for many drafts)."""

    def __init__(self, periods: Mapping[str, int], directory: BodyDirectory | None = None) -> None:
        self._periods = dict(periods)
        self._directory = directory
        self._by_key = {body_key(name): days for name, days in periods.items()}
        self._by_body: dict[str, int] | None = None

    @property
    def directory(self) -> BodyDirectory:
        # Read when first needed: with no period set (the usual case) the reference tables are never read.
        if self._directory is None:
            self._directory = body_directory()
        return self._directory

    def _by_listed_body(self) -> dict[str, int]:
        if self._by_body is None:
            self._by_body = {}
            for name, days in self._periods.items():
                current = self.directory.current(name)
                if current is not None:
                    self._by_body.setdefault(current, days)
        return self._by_body

    def days_for(self, *names: str) -> int:
        """The first of `names` (managing unit, then recipient) that has a period set; else the default."""
        if not self._periods:
            return DEFAULT_DAYS
        for name in (n for n in names if n and n.strip()):
            days = self._by_key.get(body_key(name))
            if days is None and (current := self.directory.current(name)) is not None:
                days = self._by_listed_body().get(current)
            if days is not None:
                return days
        return DEFAULT_DAYS


@dataclass(frozen=True)
class BodyPeriod:
    body: str
    days: int
    listed: bool  # False: a name kept from the settings that is no body of the reference data


class UpdatePeriodService:
    """Read and change the periods (the deadline of every update sheet follows at once)."""

    def __init__(
        self,
        load: Callable[[], Settings] = load_settings,
        save: Callable[[Settings], None] = save_settings,
    ) -> None:
        self._load, self._save = load, save

    def periods(self) -> list[BodyPeriod]:
        """Every listed body with its period (the Ministry first), then names set by hand that none stands for."""
        directory = body_directory()
        stored = self._load().update_sheet_days
        resolved = UpdatePeriods(stored, directory)
        found = [BodyPeriod(body, resolved.days_for(body), True) for body in directory.bodies]
        unlisted = sorted((n for n in stored if directory.current(n) is None), key=vietnamese_key)
        extra = [BodyPeriod(name, stored[name], False) for name in unlisted]
        return found + extra

    def days_for(self, *names: str) -> int:
        return UpdatePeriods(self._load().update_sheet_days).days_for(*names)

    def save(self, periods: Iterable[tuple[str, int]]) -> None:
        """Keep the periods that differ from the default, under the names given (each listed body once)."""
        kept: dict[str, int] = {}
        for body, days in periods:
            if type(days) is not int or not MIN_DAYS <= days <= MAX_DAYS:
                raise UpdatePeriodError("update_periods.bad_days", body=body, days=days, min=MIN_DAYS, max=MAX_DAYS)
            if days != DEFAULT_DAYS and body.strip():
                kept[body.strip()] = days
        settings = self._load()
        try:
            self._save(replace(settings, update_sheet_days=kept))
        except OSError as exc:
            from vista_desktop.settings import settings_path

            raise FileProblem("file.write_failed", path=str(settings_path()), reason=os_reason(exc)) from exc

    def set_days(self, body: str, days: int) -> None:
        """One body's period (the CLI and scripts); the other bodies keep theirs."""
        directory = body_directory()
        name = directory.current(body) or body.strip()
        current = {
            n: d
            for n, d in self._load().update_sheet_days.items()
            if (directory.current(n) or n) != name and body_key(n) != body_key(name)
        }
        self.save([*current.items(), (name, days)])
