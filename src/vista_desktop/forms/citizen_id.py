"""The 12-digit Vietnamese citizen ID (căn cước công dân): structure and consistency with birth date and gender.

Digits 1–3: province of birth registration; digit 4: century and sex (0/1 1900s male/female, 2/3 2000s,
4/5 2100s…); digits 5–6: the last two digits of the birth year; the rest is a serial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from vista_desktop.forms.model import Label
from vista_desktop.forms.reference import citizen_id_province_codes

MALE = "Nam"
FEMALE = "Nữ"
GENDER_LABELS = {MALE: Label(MALE, "male"), FEMALE: Label(FEMALE, "female")}


@dataclass(frozen=True)
class IdFinding:
    code: str  # i18n key
    params: dict[str, object] = field(default_factory=dict)
    warning: bool = False


def century_digit(birth_year: int, gender: str) -> int:
    century_index = (birth_year // 100) - 19  # 1900s -> 0, 2000s -> 1
    return century_index * 2 + (1 if gender == FEMALE else 0)


def describe_digit(digit: int) -> tuple[int, str]:
    """(first year of the century, gender) that digit 4 encodes."""
    return 1900 + (digit // 2) * 100, FEMALE if digit % 2 else MALE


# ASCII digits only: \d would accept Arabic-Indic or fullwidth digits, which no register holds.
_ID_RE = re.compile(r"[0-9]{12}")


def check_format(value: str) -> list[IdFinding]:
    if not _ID_RE.fullmatch(value):
        return [IdFinding("citizen_id.format")]
    if value[:3] not in citizen_id_province_codes():
        return [IdFinding("citizen_id.unknown_province", {"code": value[:3]}, warning=True)]
    return []


def check_consistency(value: str, birth: date | None, gender: str | None) -> list[IdFinding]:
    """Errors where digit 4 or digits 5–6 contradict a known birth date or gender, with the reason spelled out."""
    if not _ID_RE.fullmatch(value):
        return []
    digit = int(value[3])
    coded_century, coded_gender = describe_digit(digit)
    findings: list[IdFinding] = []
    if birth is not None:
        if coded_century != (birth.year // 100) * 100:
            findings.append(
                IdFinding(
                    "citizen_id.century_mismatch",
                    {"digit": digit, "century_start": coded_century, "year": birth.year},
                )
            )
        if value[4:6] != f"{birth.year % 100:02d}":
            findings.append(IdFinding("citizen_id.year_mismatch", {"digits": value[4:6], "year": birth.year}))
    if gender in (MALE, FEMALE) and coded_gender != gender:
        findings.append(
            IdFinding(
                "citizen_id.gender_mismatch",
                {"digit": digit, "coded": GENDER_LABELS[coded_gender], "gender": GENDER_LABELS[gender]},
            )
        )
    return findings
