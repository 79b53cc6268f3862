"""Every form is tested by example drafts, one folder per form: adding a form adds data here, not test code.

tests/forms/<form-id>/
  complete.json                  a valid draft in the JSON format of forms.md: no problem at all, not even a warning
  broken-<case>.json             a draft with mistakes
  broken-<case>.expected.json    {"description": "…", "problems": [{"field": "members[2].citizen_id",
                                 "code": "citizen_id.format"}, …]}: exactly the problems validation must report

The drafts go through the same steps as a file a user opens: JSON, nesting bound, normalising, validating.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vista_desktop.forms.data import Data, check_depth, normalise_data
from vista_desktop.forms.loader import get_definition, latest_definitions
from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.validation import Problem, validate

FORMS = Path(__file__).parent / "forms"
FOLDERS = sorted(p for p in FORMS.iterdir() if p.is_dir())
BROKEN = sorted(p for folder in FOLDERS for p in folder.glob("broken-*.json") if not p.name.endswith(".expected.json"))


def read_example(path: Path) -> tuple[FormDefinition, Data]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    check_depth(raw)
    assert raw["form"] == path.parent.name, f"{path}: the folder names the form"
    definition = get_definition(raw["form"], str(raw["version"]))
    return definition, normalise_data(definition, raw["data"])


def check_messages(definition: FormDefinition, problems: list[Problem]) -> None:
    """Every problem reads as a sentence in both languages, its field named by label and row number."""
    for problem in problems:
        for language in ("vi", "en"):
            text = problem.located_message(definition, language)
            assert "{" not in text and problem.code not in text, text
            assert not text.startswith(problem.field_id + ":"), f"{problem.field_id} is not named by its label: {text}"


def test_there_are_examples() -> None:
    assert FOLDERS and BROKEN


def test_every_form_has_examples() -> None:
    """A new form definition comes with its example folder."""
    missing = {d.form_id for d in latest_definitions()} - {p.name for p in FOLDERS}
    assert not missing, f"no tests/forms/<form-id>/ folder for {sorted(missing)}"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_complete_example_has_no_problem(folder: Path) -> None:
    definition, data = read_example(folder / "complete.json")
    problems = validate(definition, data)
    assert problems == [], [p.located_message(definition, "en") for p in problems]
    assert any(folder.glob("broken-*.expected.json")), f"{folder.name}: add broken examples"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_broken_example_has_exactly_the_expected_problems(path: Path) -> None:
    expected_path = path.with_name(path.stem + ".expected.json")
    assert expected_path.is_file(), f"{expected_path.name} is missing"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    definition, data = read_example(path)
    problems = validate(definition, data)
    found = sorted((p.field_id, p.code) for p in problems)
    assert found == sorted((e["field"], e["code"]) for e in expected["problems"]), expected["description"]
    check_messages(definition, problems)
