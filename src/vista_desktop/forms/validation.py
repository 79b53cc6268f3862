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
from vista_desktop.forms.limits import MAX_NUMBER, InputLimitError, max_length_of, max_rows_of
from vista_desktop.forms.model import Field, FieldType, FormDefinition, Label, Rule
from vista_desktop.forms.values import ISO_MONTH_RE, has_bad_characters, is_empty, iso_to_date
from vista_desktop.i18n import current_language, tr

# Digits are ASCII 0–9 everywhere: Python's \d also matches Arabic-Indic and fullwidth digits.
PHONE_RE = re.compile(r"\+?[0-9\s\u00a0().-]+", re.ASCII)  # spaces as pasted, non-breaking ones too
TAX_CODE_RE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
_ROW_CELL_RE = re.compile(r"([^\[]+)\[([0-9]+)\](?:\.(.+))?")
_MAX_SHOWN = 60  # characters of a wrong value quoted back in a message


def is_email(value: str) -> bool:
    """`local@domain.tld` without white space: one linear pass (the old regular expression backtracked
    quadratically, 45 s on 100,000 characters)."""
    local, at, domain = value.partition("@")
    if not at or not local or "@" in domain or any(c.isspace() for c in value):
        return False
    return "." in domain[1:-1]  # a dot with something on both sides


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else str(value)[: _MAX_SHOWN + 1]
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


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

    def location(self, definition: FormDefinition, language: str | None = None, *, with_table: bool = False) -> str:
        """The field as the user sees it: "Họ và tên", or "Dòng 2, Họ và tên" for a table cell (rows counted
        from 1); with `with_table`, the table's label first. The id itself when the definition has no such field."""
        lang = language or current_language()
        m = _ROW_CELL_RE.fullmatch(self.field_id)
        try:
            if m is None:
                return definition.field(self.field_id).label.text(lang)
            table = definition.field(m[1])
            column = table.column(m[3]).label.text(lang) if m[3] else None
        except KeyError:
            return self.field_id
        key = "problem.row" if column is None else "problem.row_cell"
        where = tr(key, lang, row=int(m[2]), column=column or "")
        if with_table:
            return tr("problem.in_table", lang, table=table.label.text(lang), where=where[:1].lower() + where[1:])
        return where

    def located_message(
        self, definition: FormDefinition, language: str | None = None, *, with_table: bool = False
    ) -> str:
        """ "Dòng 2, Họ và tên: <message>" / "Row 2, Full name: <message>" (see `location`)."""
        lang = language or current_language()
        where = self.location(definition, lang, with_table=with_table)
        if not where:  # a problem of the whole draft (not an object)
            return self.message(lang)
        return tr("problem.located", lang, where=where, message=self.message(lang))


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
        high = f.max_value if f.max_value is not None else MAX_NUMBER - 1
        if value > high:
            return [("value.too_large", {"max": high}, False)]
        if value <= -MAX_NUMBER:
            return [("value.too_small", {"min": 1 - MAX_NUMBER}, False)]
        return []
    if t is FieldType.MULTI_CHOICE:
        if not isinstance(value, list):
            return [("value.list_expected", {}, False)]
        if len(value) > len(f.choices):
            return [("value.too_many_choices", {"max": len(f.choices)}, False)]
        allowed = {c.value for c in f.choices}
        bad = [v for v in value if not isinstance(v, str) or v not in allowed]
        return [("value.not_a_choice", {"value": ", ".join(map(_shown, bad))}, False)] if bad else []
    if not isinstance(value, str):
        return [("value.text_expected", {}, False)]
    limit = max_length_of(f)
    if len(value) > limit:
        # Before any format check: none of them need to look at megabytes to refuse them.
        return [("value.too_long", {"max": limit}, False)]
    if has_bad_characters(value):
        return [("value.bad_character", {}, False)]
    return _text_problems(f, value)


def _text_problems(f: Field, value: str) -> list[tuple[str, dict[str, Any], bool]]:
    t = f.type
    if t is FieldType.DATE and iso_to_date(value) is None:
        return [("value.not_date", {}, False)]
    if t is FieldType.MONTH and not ISO_MONTH_RE.fullmatch(value):
        return [("value.not_month", {}, False)]
    if t is FieldType.CHOICE and value not in {c.value for c in f.choices}:
        return [("value.not_a_choice", {"value": _shown(value)}, False)]
    if t is FieldType.EMAIL and not is_email(value):
        return [("value.email", {}, False)]
    if t is FieldType.PHONE and not (PHONE_RE.fullmatch(value) and 8 <= sum(c in "0123456789" for c in value) <= 15):
        return [("value.phone", {}, False)]
    if t is FieldType.TAX_CODE and not TAX_CODE_RE.fullmatch(value):
        return [("value.tax_code", {}, False)]
    if t is FieldType.CITIZEN_ID:
        return [(x.code, x.params, x.warning) for x in citizen_id.check_format(value)]
    # Patterns are data (definition files): \d means 0–9 there too, not every script's digits.
    if f.pattern and not re.fullmatch(f.pattern, value, re.ASCII):
        return [("value.pattern", {"hint": f.pattern_hint or f.pattern}, False)]
    return []


def check_value(f: Field, value: Any, field_id: str | None = None) -> list[Problem]:
    """Problems of one value on its own (required, type, format, limits); no cross-field rules."""
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
        return [Problem(fid, "value.table_expected")]
    problems: list[Problem] = []
    if len(rows) < f.min_rows:
        problems.append(Problem(fid, "value.too_few_rows", {"min": f.min_rows}))
    limit = max_rows_of(f)
    if len(rows) > limit:
        problems.append(Problem(fid, "value.too_many_rows", {"max": limit}))
    for index, row in enumerate(rows[:limit], start=1):
        if not isinstance(row, dict):
            problems.append(Problem(f"{fid}[{index}]", "value.row_expected"))
            continue
        for col in f.columns:
            problems.extend(check_value(col, row.get(col.id), f"{fid}[{index}].{col.id}"))
    return problems


def _lookup(data: Data, field_id: str) -> tuple[Any, str | None]:
    """The value at `field_id`, and the id of the enclosing object when the data has something else there
    (`"task": "abc"`), which would otherwise read as a missing value."""
    node: Any = data
    parts = field_id.split(".")
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            return None, ".".join(parts[:depth]) if node is not None else None
        node = node.get(part)
    return node, None


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
    m = _ROW_CELL_RE.fullmatch(field_id)
    if m is None or m[3] is None:
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


def _apply_rule(definition: FormDefinition, rule: Rule, data: Data) -> list[Problem]:
    check = RULES[rule.kind]
    if rule.table is None:
        return check([get_path(data, fid) for fid in rule.fields], list(rule.fields))
    problems: list[Problem] = []
    rows = get_path(data, rule.table)
    rows = rows[: max_rows_of(definition.field(rule.table))] if isinstance(rows, list) else []
    for index, row in enumerate(rows, start=1):
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
    if not isinstance(data, dict):
        return [Problem("", "value.data_not_object")]
    broken: set[str] = set()
    for f in definition.all_fields():
        if wanted is None or f.id in wanted:
            value, parent = _lookup(data, f.id)
            if parent is None:
                problems.extend(check_value(f, value))
            elif parent not in broken:  # one problem per broken object, on its first field
                broken.add(parent)
                problems.append(Problem(f.id, "value.object_expected", {"key": parent}))
    seen = {(p.field_id, p.code) for p in problems}
    for rule in definition.rules:
        for problem in map(partial(_with_labels, definition), _apply_rule(definition, rule, data)):
            head = problem.field_id.split("[", 1)[0]
            if (wanted is None or head in wanted) and (problem.field_id, problem.code) not in seen:
                problems.append(problem)
    return problems


# --- limits at import -----------------------------------------------------------------------------------------

LIMIT_CODES = frozenset({"value.too_long", "value.too_many_rows", "value.number_too_long", "value.too_many_choices"})


class FieldLimitError(InputLimitError):
    """A value beyond its limit (`check_limits`): names the field as the user sees it, in the asked language."""

    def __init__(self, problem: Problem, definition: FormDefinition, count: int) -> None:
        super().__init__(
            "forms.limit_exceeded",
            where=problem.location(definition, "vi", with_table=True),
            message=problem.message("vi"),
            count=count,
        )
        self.problem = problem
        self.definition = definition

    def message(self, language: str | None = None) -> str:
        lang = language or current_language()
        return tr(
            self.code,
            lang,
            where=self.problem.location(self.definition, lang, with_table=True),
            message=self.problem.message(lang),
        )


def check_limits(definition: FormDefinition, data: Data) -> None:
    """Refuse data holding a value beyond its limit (forms.limits): for importers that must not store it at all.
    Raises `FieldLimitError` naming the first such field."""
    problems = [p for p in validate(definition, data) if p.code in LIMIT_CODES]
    if problems:
        raise FieldLimitError(problems[0], definition, len(problems))
