"""Moving a draft from one definition version to another: keep every value that has a place, list the rest."""

from __future__ import annotations

from dataclasses import dataclass

from vista_desktop.forms.data import Data, get_path, normalise_data, set_path
from vista_desktop.forms.model import FormDefinition


@dataclass(frozen=True)
class MigrationResult:
    data: Data
    unplaced: dict[str, object]  # field id in the old version -> its value, which the new version has no place for


def migrate(old: FormDefinition, new: FormDefinition, data: Data) -> MigrationResult:
    if old.form_id != new.form_id:
        raise ValueError(f"cannot migrate {old.form_id} to {new.form_id}")
    moved: Data = {}
    unplaced: dict[str, object] = {}
    for field in old.all_fields():
        value = get_path(data, field.id)
        if value is None or field.derived is not None:
            continue
        if new.has_field(field.id):
            set_path(moved, field.id, value)
        else:
            unplaced[field.id] = value
    return MigrationResult(normalise_data(new, moved), unplaced)
