"""The Verify panel: every signature of a PDF — signer, time, intact, trusted, coverage — and the verdict."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.i18n import tr
from vista_desktop.services.signing import DocumentSigning
from vista_desktop.signing import SigningProblem
from vista_desktop.ui.signing_bridge import FutureBridge

OK_STYLE = "color: #1e6b2f; font-weight: bold;"
BAD_STYLE = "color: #b3261e; font-weight: bold;"
COLUMNS = (
    "ui.verify.col.field",
    "ui.verify.col.signer",
    "ui.verify.col.time",
    "ui.verify.col.intact",
    "ui.verify.col.trusted",
    "ui.verify.col.problems",
)


class VerifyDialog(QDialog):
    def __init__(self, pdf: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verify-dialog")
        self.setWindowTitle(tr("ui.verify.title"))
        self.resize(900, 420)
        self.pdf = pdf
        self.report: Any = None
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("signatures")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        buttons = QDialogButtonBox()
        buttons.addButton(tr("ui.wizard.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        open_button = QPushButton(tr("ui.verify.open"))
        open_button.clicked.connect(self.choose_file)
        trust_button = QPushButton(tr("ui.verify.add_root"))
        trust_button.clicked.connect(self.add_root)
        buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(trust_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        for widget in (self.file_label, self.verdict, self.table, buttons):
            layout.addWidget(widget)
        self.bridge = FutureBridge(self)
        self.bridge.finished.connect(self._verified)
        if pdf is not None:
            self.verify(pdf)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.verify.open"), "", tr("ui.export.filter_pdf"))
        if path:
            self.verify(Path(path))

    def add_root(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.verify.add_root"), "", tr("ui.verify.cert_filter"))
        if path:
            self.trust_certificate(Path(path))

    def trust_certificate(self, path: Path) -> None:
        try:
            DocumentSigning.trust_certificate(path)
        except SigningProblem as problem:
            self._verdict(problem.message(), False)
            return
        if self.pdf is not None:
            self.verify(self.pdf)

    def verify(self, pdf: Path) -> None:
        self.pdf = pdf
        self.file_label.setText(str(pdf))
        self.verdict.setText(tr("ui.verify.running"))
        self.verdict.setStyleSheet("")
        DocumentSigning.verify(pdf).add_done_callback(self.bridge.finished.emit)

    def _verified(self, future: Future[Any]) -> None:
        self.table.setRowCount(0)
        try:
            report = future.result()
        except SigningProblem as problem:
            self._verdict(problem.message(), False)
            return
        self.report = report
        for sig in report.signatures:
            when = sig.signing_time.astimezone().strftime("%d/%m/%Y %H:%M:%S %z") if sig.signing_time else ""
            problems = "; ".join(tr(code) for code in sig.problems)
            values = (
                sig.field,
                sig.signer,
                when,
                tr("ui.yes") if sig.intact else tr("ui.no"),
                tr("ui.yes") if sig.trusted else tr("ui.no"),
                problems,
            )
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if report.ok:
            self._verdict(tr("verify.ok"), True)
        else:
            codes = list(report.problems) or [c for s in report.signatures for c in s.problems][:1]
            self._verdict("; ".join(tr(c) for c in dict.fromkeys(codes)), False)

    def _verdict(self, text: str, ok: bool) -> None:
        self.verdict.setText(("✓ " if ok else "✗ ") + text)
        self.verdict.setStyleSheet(OK_STYLE if ok else BAD_STYLE)
