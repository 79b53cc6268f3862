"""Results registration after official acceptance: the task's drafts, and the forms drafted from one another.

A task groups its drafts (Mẫu 1, Mẫu 5, the confirmation, Mẫu 8…). Drafts made before tasks existed stay ungrouped;
a task is created for a Mẫu 1 the first time a Mẫu 5 is drafted from it, and every draft made from another joins
the same task. Nothing is typed twice: Mẫu 5 takes the task, host organisation, PI, co-PIs, members and planned
products of the Mẫu 1; the confirmation and Mẫu 8 take what they need from the Mẫu 5.

Cross-form rules (facts two forms of one task must agree on, the state-secret flag) come back as
`forms.validation.Problem`s with i18n keys, addressed by the Mẫu 5's field ids.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

from vista_desktop.errors import VistaError
from vista_desktop.forms.data import Data, get_path, set_path
from vista_desktop.forms.validation import Problem
from vista_desktop.i18n import tr
from vista_desktop.services.drafts import DraftRecord, DraftService, DraftSummary
from vista_desktop.storage.drafts import DraftRepository, TaskRecord

__all__ = [
    "MAU01",
    "MAU05",
    "MAU08",
    "PROCESS_KIND",
    "XAC_NHAN",
    "ResultsProblem",
    "ResultsService",
    "TaskRecord",
    "cross_form_problems",
    "is_state_secret",
    "processes",
    "security_problems",
]

MAU01, MAU05, MAU08, XAC_NHAN = "mau-01", "mau-05", "mau-08", "xac-nhan"
PROCESS_KIND = "Quy trình công nghệ"  # a product of this kind makes Mẫu 8 part of the dossier
UNCLASSIFIED = "Thường"
# Official documents are Vietnamese whatever the interface language.
DOCUMENT_LANGUAGE = "vi"

# What Mẫu 5 copies from Mẫu 1 as it is: the common blocks of forms.md. Spelled as parts (see services.drafts).
_COPIED_FROM_MAU01 = ("task", "host_org", "pi", "co_pis", "members", "sheet")
_SHEET_KEPT = ("recipient", "place")  # the date of the new sheet is its own
# Facts of one task that Mẫu 5 and Mẫu 1 must both hold.
MUST_AGREE = tuple(".".join(p) for p in (("task", "code"), ("task", "contract", "number"), ("pi", "citizen_id")))
_CONTRACT_DATE = ".".join(("task", "contract", "date"))
_SECURITY = "security_classification"


class ResultsProblem(VistaError):
    """A prefill cannot be done: the draft is of another form, or the product named does not exist."""


def _text(data: Data, field_id: str) -> str:
    value = get_path(data, field_id)
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _pick(data: Data, field_ids: Iterable[str]) -> Data:
    out: Data = {}
    for field_id in field_ids:
        value = get_path(data, field_id)
        if value not in (None, "", [], {}):
            set_path(out, field_id, copy.deepcopy(value))
    return out


# --- the forms drafted from one another -------------------------------------------------------------------------


def mau05_from_mau01(mau01: Data) -> Data:
    """A Mẫu 5's data from its task's Mẫu 1: the common blocks as they are, planned products as obtained ones
    (quantity kept; the planned requirements are not a note of the result), the planned period (its last extension
    if any) as the actual one, for the user to correct. The acceptance, the results and the security classification
    are left to the user: they are facts of the end of the task, and the classification must be chosen."""
    data: Data = {k: copy.deepcopy(v) for k, v in mau01.items() if k in _COPIED_FROM_MAU01}
    sheet = data.pop("sheet", None)
    if isinstance(sheet, dict):
        kept = {k: v for k, v in sheet.items() if k in _SHEET_KEPT and v}
        if kept:
            data["sheet"] = kept
    planned = get_path(mau01, "expected_products")
    if isinstance(planned, list):
        products = [
            {k: row[k] for k in ("name", "kind", "quantity") if row.get(k) not in (None, "")}
            for row in planned
            if isinstance(row, dict)
        ]
        if products:
            data["products"] = products
    period = get_path(mau01, ".".join(("task", "period")))
    if isinstance(period, dict):
        actual = {k: period[k] for k in ("start", "end") if isinstance(period.get(k), str)}
        extensions = get_path(mau01, ".".join(("task", "extensions")))
        ends = [row.get("until") for row in extensions if isinstance(row, dict)] if isinstance(extensions, list) else []
        ends = [e for e in ends if isinstance(e, str)]
        if ends:
            actual["end"] = max([*ends, actual.get("end", "")])
        if actual:
            data["actual_period"] = actual
    return data


def confirmation_from_mau05(mau05: Data) -> Data:
    """The confirmation of completion from a Mẫu 5: issuer, task, acceptance, the standard statement, the summary
    report and every product as items to confirm, the head as signer (position left to the user)."""
    from vista_desktop.documents.builder import place_from_address

    data = _pick(
        mau05,
        (
            ".".join(("host_org", "name")),
            ".".join(("host_org", "superior_body")),
            ".".join(("task", "title")),
            ".".join(("task", "code")),
            "acceptance",
        ),
    )
    place = _text(mau05, ".".join(("sheet", "place"))) or place_from_address(
        _text(mau05, ".".join(("host_org", "address")))
    )
    if place:
        data["place"] = place
    organisation = _text(mau05, ".".join(("host_org", "name")))
    data["statement"] = tr("results.statement", DOCUMENT_LANGUAGE, organisation=organisation or "…")
    items = [{"item": tr("results.summary_report", DOCUMENT_LANGUAGE)}]
    products = get_path(mau05, "products")
    if isinstance(products, list):
        items += [{"item": _text(row, "name")} for row in products if isinstance(row, dict) and _text(row, "name")]
    data["finalised_items"] = items
    head = _text(mau05, ".".join(("host_org", "head_full_name")))
    if head:
        data["signer"] = {"full_name": head}
    return data


def mau08_from_mau05(mau05: Data, product_index: int) -> Data:
    """Mẫu 8 for one product (index from 0) of a Mẫu 5: name, origin task, owner (the host organisation), field,
    contact (the PI), header and signer."""
    products = get_path(mau05, "products")
    rows = products if isinstance(products, list) else []
    if not 0 <= product_index < len(rows) or not isinstance(rows[product_index], dict):
        raise ResultsProblem("results.no_such_product", number=product_index + 1, count=len(rows))
    product = rows[product_index]
    title, code = _text(mau05, ".".join(("task", "title"))), _text(mau05, ".".join(("task", "code")))
    host = _text(mau05, ".".join(("host_org", "name")))
    technology: Data = {
        "name": _text(product, "name"),
        "origin_task": f"{title} ({code})" if code else title,
        "owner": host,
        "field_code": _text(mau05, ".".join(("task", "field_code"))),
    }
    data: Data = {"technology": {k: v for k, v in technology.items() if v}}
    contact = {
        k: _text(mau05, f"pi.{src}") for k, src in (("name", "full_name"), ("phone", "phone"), ("email", "email"))
    }
    if any(contact.values()):
        data["contact"] = {k: v for k, v in contact.items() if v}
    data.update(_pick(mau05, (".".join(("host_org", "name")), ".".join(("host_org", "superior_body")))))
    sheet = {
        "place": _text(mau05, ".".join(("sheet", "place"))),
        "signer_name": _text(mau05, ".".join(("host_org", "head_full_name"))),
    }
    if any(sheet.values()):
        data["sheet"] = {k: v for k, v in sheet.items() if v}
    return data


def processes(mau05: Data) -> list[int]:
    """Indexes (from 0) of the products that are technological processes: each needs a Mẫu 8 in the dossier."""
    products = get_path(mau05, "products")
    rows = products if isinstance(products, list) else []
    return [i for i, row in enumerate(rows) if isinstance(row, dict) and row.get("kind") == PROCESS_KIND]


# --- cross-form rules ----------------------------------------------------------------------------------------------


def cross_form_problems(mau05: Data, mau01: Data) -> list[Problem]:
    """Facts both forms of one task must hold and on which they disagree: the task code, the contract (number and
    date) and the PI's citizen ID. A value missing on either side is the form's own validation's business."""
    problems: list[Problem] = []
    for field_id in (*MUST_AGREE, _CONTRACT_DATE):
        mine, theirs = _text(mau05, field_id), _text(mau01, field_id)
        if mine and theirs and mine.casefold() != theirs.casefold():
            problems.append(Problem(field_id, "results.differs_from_mau01", {"mine": mine, "theirs": theirs}))
    return problems


def is_state_secret(data: Data) -> bool:
    """A classified task (Mật, Tối mật, Tuyệt mật) is handed over directly: never queued for online submission."""
    value = _text(data, _SECURITY)
    return bool(value) and value != UNCLASSIFIED


def security_problems(data: Data) -> list[Problem]:
    if not is_state_secret(data):
        return []
    return [Problem(_SECURITY, "results.state_secret", {"level": _text(data, _SECURITY)}, warning=True)]


class ResultsService:
    """Tasks and the forms of results registration, over the drafts service."""

    def __init__(self, drafts: DraftService, repository: Callable[[], DraftRepository]) -> None:
        self._drafts = drafts
        self._repository = repository

    @property
    def repository(self) -> DraftRepository:
        return self._repository()

    # --- tasks ---

    def tasks(self) -> list[TaskRecord]:
        return self.repository.tasks()

    def task(self, task_id: str) -> TaskRecord:
        return self.repository.task(task_id)

    def drafts_of_task(self, task_id: str) -> list[DraftSummary]:
        return self.repository.drafts_of_task(task_id)

    def task_of(self, draft_id: str) -> TaskRecord:
        """The draft's task; an ungrouped draft gets one now, named after its task title and code."""
        record = self._drafts.get(draft_id)
        if record.task_id is not None:
            return self.repository.task(record.task_id)
        title = _text(record.data, ".".join(("task", "title"))) or record.title
        task = self.repository.create_task(title, _text(record.data, ".".join(("task", "code"))))
        self.repository.assign_task(record.id, task.id)
        return task

    def assign(self, draft_id: str, task_id: str | None) -> None:
        self.repository.assign_task(draft_id, task_id)

    # --- prefill ---

    def _source(self, draft_id: str, form_id: str) -> DraftRecord:
        record = self._drafts.get(draft_id)
        if record.form_id != form_id:
            raise ResultsProblem("results.wrong_form", expected=form_id, found=record.form_id)
        return record

    def _create_in_task(self, source: DraftRecord, form_id: str, data: Data) -> DraftRecord:
        task = self.task_of(source.id)
        created = self._drafts.create(form_id, data)
        self.repository.assign_task(created.id, task.id)
        return self._drafts.get(created.id)

    def prefill_mau05(self, mau01_draft_id: str) -> DraftRecord:
        source = self._source(mau01_draft_id, MAU01)
        return self._create_in_task(source, MAU05, mau05_from_mau01(source.data))

    def prefill_confirmation(self, mau05_draft_id: str) -> DraftRecord:
        source = self._source(mau05_draft_id, MAU05)
        return self._create_in_task(source, XAC_NHAN, confirmation_from_mau05(source.data))

    def prefill_mau08(self, mau05_draft_id: str, product_index: int) -> DraftRecord:
        source = self._source(mau05_draft_id, MAU05)
        return self._create_in_task(source, MAU08, mau08_from_mau05(source.data, product_index))

    # --- cross-form rules ---

    def mau01_of(self, mau05: DraftSummary) -> DraftRecord | None:
        """The Mẫu 1 of the Mẫu 5's task (the first made, if several), or None for an ungrouped Mẫu 5."""
        if mau05.task_id is None:
            return None
        for summary in self.repository.drafts_of_task(mau05.task_id):
            if summary.form_id == MAU01:
                return self._drafts.get(summary.id)
        return None

    def check(self, mau05_draft_id: str) -> list[Problem]:
        """The Mẫu 5's cross-form problems: disagreements with its task's Mẫu 1, and the state-secret flag."""
        record = self._source(mau05_draft_id, MAU05)
        mau01 = self.mau01_of(record)
        found = cross_form_problems(record.data, mau01.data) if mau01 is not None else []
        return found + security_problems(record.data)

    def product_names(self, mau05_draft_id: str) -> list[str]:
        """The Mẫu 5's products by name, in order (for choosing the one a Mẫu 8 describes)."""
        products = get_path(self._source(mau05_draft_id, MAU05).data, "products")
        return [_text(row, "name") if isinstance(row, dict) else "" for row in products or []]

    def missing_mau08(self, mau05_draft_id: str) -> list[int]:
        """Processes of the Mẫu 5 (indexes from 0) with no Mẫu 8 of the same name in its task."""
        record = self._source(mau05_draft_id, MAU05)
        described: set[str] = set()
        if record.task_id is not None:
            for summary in self.repository.drafts_of_task(record.task_id):
                if summary.form_id == MAU08:
                    name = _text(self._drafts.get(summary.id).data, ".".join(("technology", "name")))
                    described.add(name.casefold())
        products = get_path(record.data, "products") or []
        return [i for i in processes(record.data) if _text(products[i], "name").casefold() not in described]
