"""Validation of a draft against its definition: problems keyed by field id, with cross-field rules.

A problem carries an i18n key and parameters, never prose; `Problem.message()` renders it in a language.
Table cells are addressed as `members[2].full_name` (rows counted from 1, as the user sees them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from vista_desktop.forms import citizen_id
from vista_desktop.forms.data import Data, get_path
from vista_desktop.forms.model import Field, FieldType, FormDefinition, Label, Rule
from vista_desktop.forms.values import is_empty, iso_to_date
from vista_desktop.i18n import current_language, tr

EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_RE = re.compile(r"\+?[\d\s().-]+")
TAX_CODE_RE = re.compile(r"\d{10}(-\d{3})?")


@dataclass(frozen=True)
class Problem:
    field_id: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    warning: bool = False

    def message(self, language: str | None = None) -> str:
        lang = language or current_language()
        params = {k: v.text(lang) if isinstance(v, Label) else v for k, v in self.params.items()}
        return tr(self.code, lang, **params)


def is_valid(problems: Iterable[Problem]) -> bool:
    return not any(not p.warning for p in problems)


# --- single values ------------------------------------------------------------------------------------------


def _type_problems(f: Field, value: Any) -> list[tuple[str, dict[str, Any], bool]]:
    t = f.type
    if t in (FieldType.INTEGER, FieldType.MONEY, FieldType.YEAR):
        if not isinstance(value, int) or isinstance(value, bool):
            return [("value.not_integer", {}, False)]
        if f.min_value is not None and value < f.min_value:
            return [("value.too_small", {"min": f.min_value}, False)]
        if f.max_value is not None and value > f.max_value:
            return [("value.too_large", {"max": f.max_value}, False)]
        return []
    if t is FieldType.MULTI_CHOICE:
        allowed = {c.value for c in f.choices}
        bad = [v for v in value if v not in allowed] if isinstance(value, list) else [value]
        return [("value.not_a_choice", {"value": ", ".join(map(str, bad))}, False)] if bad else []
    if not isinstance(value, str):
        return [("value.not_text", {}, False)]
    return _text_problems(f, value)


def _text_problems(f: Field, value: str) -> list[tuple[str, dict[str, Any], bool]]:
    t = f.type
    if t is FieldType.DATE and iso_to_date(value) is None:
        return [("value.not_date", {}, False)]
    if t is FieldType.MONTH and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return [("value.not_month", {}, False)]
    if t is FieldType.CHOICE and value not in {c.value for c in f.choices}:
        return [("value.not_a_choice", {"value": value}, False)]
    if t is FieldType.EMAIL and not EMAIL_RE.fullmatch(value):
        return [("value.email", {}, False)]
    if t is FieldType.PHONE and not (PHONE_RE.fullmatch(value) and 8 <= sum(c.isdigit() for c in value) <= 15):
        return [("value.phone", {}, False)]
    if t is FieldType.TAX_CODE and not TAX_CODE_RE.fullmatch(value):
        return [("value.tax_code", {}, False)]
    if t is FieldType.CITIZEN_ID:
        return [(x.code, x.params, x.warning) for x in citizen_id.check_format(value)]
    if f.pattern and not re.fullmatch(f.pattern, value):
        hint = f.pattern_hint.vi if f.pattern_hint else f.pattern
        return [("value.pattern", {"hint": hint}, False)]
    if f.max_length is not None and len(value) > f.max_length:
        return [("value.too_long", {"max": f.max_length}, False)]
    return []


def check_value(f: Field, value: Any, field_id: str | None = None) -> list[Problem]:
    """Problems of one value on its own (required, type, format); no cross-field rules."""
    fid = field_id or f.id
    if f.derived is not None:
        return []
    if is_empty(value):
        return [Problem(fid, "value.required")] if f.required else []
    if f.is_table:
        return _table_problems(f, value, fid)
    return [Problem(fid, code, params, warn) for code, params, warn in _type_problems(f, value)]


def _table_problems(f: Field, rows: Any, fid: str) -> list[Problem]:
    if not isinstance(rows, list):
        return [Problem(fid, "value.not_table")]
    problems: list[Problem] = []
    if len(rows) < f.min_rows:
        problems.append(Problem(fid, "value.too_few_rows", {"min": f.min_rows}))
    for index, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        for col in f.columns:
            problems.extend(check_value(col, row.get(col.id), f"{fid}[{index}].{col.id}"))
    return problems


# --- cross-field rules ---------------------------------------------------------------------------------------


def _rule_not_greater(values: list[Any], ids: list[str]) -> list[Problem]:
    part, whole = values
    if isinstance(part, int) and isinstance(whole, int) and part > whole:
        return [Problem(ids[0], "rule.not_greater", {"other": ids[1]})]
    return []


def _rule_not_before(values: list[Any], ids: list[str]) -> list[Problem]:
    later, earlier = values
    # ISO dates and months compare correctly as strings, and a month against a month is all we compare.
    if isinstance(later, str) and isinstance(earlier, str) and len(later) == len(earlier) and later < earlier:
        return [Problem(ids[0], "rule.not_before", {"other": ids[1]})]
    return []


def _rule_citizen_id(values: list[Any], ids: list[str]) -> list[Problem]:
    number, birth, gender = values
    if not isinstance(number, str):
        return []
    birth_date = iso_to_date(birth) if isinstance(birth, str) else None
    findings = citizen_id.check_consistency(number, birth_date, gender if isinstance(gender, str) else None)
    return [Problem(ids[0], x.code, x.params, x.warning) for x in findings]


RULES: dict[str, Callable[[list[Any], list[str]], list[Problem]]] = {
    "not_greater": _rule_not_greater,
    "not_before": _rule_not_before,
    "citizen_id_consistent": _rule_citizen_id,
}


def label_of(definition: FormDefinition, field_id: str) -> Label:
    """The label of a field or of a table cell path such as `co_pis[2].birth_date`."""
    m = re.fullmatch(r"([^\[]+)\[(\d+)\]\.(.+)", field_id)
    if m is None:
        return definition.field(field_id).label
    table = definition.field(m[1])
    col = table.column(m[3]).label
    return Label(f"{col.vi} (dòng {m[2]})", f"{col.en} (row {m[2]})")


def _with_labels(definition: FormDefinition, problem: Problem) -> Problem:
    other = problem.params.get("other")
    if not isinstance(other, str):
        return problem
    return Problem(
        problem.field_id,
        problem.code,
        {**problem.params, "other": label_of(definition, other)},
        problem.warning,
    )


def _apply_rule(rule: Rule, data: Data) -> list[Problem]:
    check = RULES[rule.kind]
    if rule.table is None:
        return check([get_path(data, fid) for fid in rule.fields], list(rule.fields))
    problems: list[Problem] = []
    rows = get_path(data, rule.table)
    for index, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        values, ids = [], []
        for operand in rule.fields:
            # "^field.id" names a field outside the table (e.g. the period end for every extension).
            if operand.startswith("^"):
                values.append(get_path(data, operand[1:]))
                ids.append(operand[1:])
            else:
                values.append(row.get(operand) if isinstance(row, dict) else None)
                ids.append(f"{rule.table}[{index}].{operand}")
        problems.extend(check(values, ids))
    return problems


def validate(definition: FormDefinition, data: Data, field_ids: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of `data`; with `field_ids`, only those of these fields (a wizard page)."""
    wanted = set(field_ids) if field_ids is not None else None
    problems: list[Problem] = []
    for f in definition.all_fields():
        if wanted is None or f.id in wanted:
            problems.extend(check_value(f, get_path(data, f.id)))
    seen = {(p.field_id, p.code) for p in problems}
    for rule in definition.rules:
        for problem in map(partial(_with_labels, definition), _apply_rule(rule, data)):
            head = problem.field_id.split("[", 1)[0]
            if (wanted is None or head in wanted) and (problem.field_id, problem.code) not in seen:
                problems.append(problem)
    return problems
