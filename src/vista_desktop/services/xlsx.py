"""Excel use cases for the GUI and the CLI: a draft to a workbook and back, one table from a clerk's spreadsheet,
rows pasted from the clipboard. The work is in `vista_desktop.xlsx`; here drafts are found and stored, and limits
are applied as for JSON drafts (forms.limits), so that a workbook cannot bring in what a JSON file could not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.forms.data import Data, normalise_data
from vista_desktop.forms.loader import UnknownFormError, get_definition, latest_definitions, versions_of
from vista_desktop.forms.model import Field, FormDefinition
from vista_desktop.forms.validation import check_limits
from vista_desktop.tasks import TaskContext
from vista_desktop.xlsx.errors import CellProblem, XlsxError, XlsxImportError
from vista_desktop.xlsx.tables import TablePreview, parse_pasted, read_table

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftRecord, DraftService

__all__ = [
    "CellProblem",
    "TablePreview",
    "XlsxError",
    "XlsxImportError",
    "XlsxService",
    "export_data",
    "import_workbook",
    "paste_rows",
    "read_table_field",
]


def _definition(form_id: str, version: str) -> FormDefinition:
    try:
        return get_definition(form_id, version)
    except UnknownFormError as exc:
        if exc.version is not None:
            known = ", ".join(d.version for d in versions_of(form_id))
            raise XlsxError("xlsx.unknown_version", form=form_id, version=version, known=known) from exc
        known = ", ".join(d.form_id for d in latest_definitions())
        raise XlsxError("xlsx.unknown_form", form=form_id, known=known) from exc


def export_data(definition: FormDefinition, data: Data, path: Path, context: TaskContext | None = None) -> None:
    """Write a draft's data as a workbook (one sheet per section and per table, ids in hidden cells)."""
    from vista_desktop.xlsx.workbook import write_draft

    write_draft(definition, data, path, context)


def import_workbook(
    path: Path, form_id: str | None = None, context: TaskContext | None = None
) -> tuple[FormDefinition, Data]:
    """A workbook written by `export_data` back to (definition, data): typed values read, text NFC, limits
    checked. `form_id`, when given, must be the workbook's form. Raises `XlsxImportError` naming every cell
    that cannot be read, `XlsxError` for a file that is no such workbook; nothing is returned in part."""
    from vista_desktop.xlsx.workbook import read_draft

    definition, data = read_draft(path, _definition, form_id, context)
    data = normalise_data(definition, data)
    check_limits(definition, data)
    return definition, data


def read_table_field(table: Field, path: Path, context: TaskContext | None = None) -> TablePreview:
    """The rows of a table field found in any spreadsheet (by header labels), with every problem; changes nothing."""
    return read_table(table, path, context)


def paste_rows(table: Field, text: str, start_column: int = 0) -> TablePreview:
    """Tab-separated rows from the clipboard (as Excel copies them), read for a table's grid."""
    return parse_pasted(table, text, start_column)


class XlsxService:
    """Excel for the drafts of the local database."""

    def __init__(self, drafts: Callable[[], DraftService]) -> None:
        self._drafts = drafts

    def export_draft(self, draft_id: str, path: Path, context: TaskContext | None = None) -> None:
        drafts = self._drafts()
        record = drafts.get(draft_id)
        export_data(drafts.definition_of(record), record.data, path, context)

    def import_draft(
        self, form_id: str | None, path: Path, context: TaskContext | None = None
    ) -> tuple[FormDefinition, Data]:
        return import_workbook(path, form_id, context)

    def import_as_draft(self, path: Path, context: TaskContext | None = None) -> DraftRecord:
        """A new draft from a workbook this app exported (its form and version are written in it)."""
        definition, data = import_workbook(path, None, context)
        return self._drafts().create(definition.form_id, data, definition.version)

    def read_table(
        self, definition: FormDefinition, table_field_id: str, path: Path, context: TaskContext | None = None
    ) -> TablePreview:
        table = definition.field(table_field_id)
        if not table.is_table:
            raise XlsxError("xlsx.not_a_table", field=table_field_id)
        return read_table_field(table, path, context)
