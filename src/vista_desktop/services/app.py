"""The composition root: one object that opens the drafts database once and hands out the services.

The GUI and the CLI both start here. The database opens on first use (the GUI calls `open_storage` on a worker
after its window is shown; the CLI's file-only commands never open it): checked, recovered when damaged,
upgraded in one transaction, the recycle bin purged. Every service reaches the same repository through it, and
`close` at exit marks a clean shutdown, so the next start skips the full check.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vista_desktop.errors import VistaError
    from vista_desktop.services.database import DatabaseService
    from vista_desktop.services.deadlines import DeadlineService
    from vista_desktop.services.documents import DocumentService
    from vista_desktop.services.dossier_builder import DossierBuilderService
    from vista_desktop.services.dossier_signing import DossierSigningService
    from vista_desktop.services.drafts import DraftService
    from vista_desktop.services.lifecycle import LifecycleService
    from vista_desktop.services.results import ResultsService
    from vista_desktop.services.signing import SigningService
    from vista_desktop.services.sync import SyncService
    from vista_desktop.services.update_periods import UpdatePeriodService
    from vista_desktop.services.xlsx import XlsxService
    from vista_desktop.storage.database import OpenedDatabase
    from vista_desktop.storage.drafts import DraftRepository
    from vista_desktop.storage.recovery import RecoveryReport
    from vista_desktop.storage.snapshot import ListSnapshot


class AppServices:
    def __init__(self, database: Path | None = None) -> None:
        self._database = database
        self._opened: OpenedDatabase | None = None
        self._repository: DraftRepository | None = None
        self._lock = threading.RLock()
        self.list_snapshot: Future[ListSnapshot | None] | None = None

    @property
    def database_path(self) -> Path:
        from vista_desktop.paths import database_path

        return self._database or database_path()

    def prefetch_list(self) -> Future[ListSnapshot | None]:
        """Start reading the drafts list with the sqlite3 driver alone, on a thread of its own, while the GUI is
        still loading; `list_snapshot` holds the result: None when the database is not there or not current (then
        the list waits for `open_storage`). See storage.snapshot."""
        future: Future[ListSnapshot | None] = Future()
        path = self.database_path

        def read() -> None:
            from vista_desktop.storage.snapshot import read_list_snapshot

            try:
                future.set_result(read_list_snapshot(path))
            except BaseException as exc:  # the list then waits for the full open, which reports the problem
                future.set_exception(exc)

        threading.Thread(target=read, name="drafts-list-snapshot", daemon=True).start()
        self.list_snapshot = future
        return future

    def listing(self) -> ListSnapshot:
        """The drafts list as the window shows it (the same shape as the start-up snapshot), from the database."""
        from vista_desktop.storage.snapshot import ListSnapshot

        repository = self.repository()
        task_names = {t.id: t.code or t.title for t in repository.tasks()}
        return ListSnapshot(repository.list(), repository.documents(), task_names)

    def open_storage(self) -> None:
        """Open (and if needed recover, create or upgrade) the database now; later calls reuse it."""
        self.repository()

    @property
    def storage_open(self) -> bool:
        return self._repository is not None

    def repository(self) -> DraftRepository:
        with self._lock:
            if self._repository is None:
                from vista_desktop.storage.database import open_database_safely
                from vista_desktop.storage.drafts import DraftRepository

                # The daily backup is left to `take_daily_backup`, run after the drafts list is on screen.
                self._opened = open_database_safely(self.database_path, backup=False)
                self._repository = DraftRepository(self._opened.engine)
            return self._repository

    @property
    def recovery(self) -> RecoveryReport | None:
        """What start-up did with a damaged database (None when it was sound), to tell the user once."""
        return self._opened.recovery if self._opened is not None else None

    def take_daily_backup(self) -> VistaError | None:
        """Today's backup if none was taken yet; a failure (a full disk) is returned as a warning, not raised."""
        from vista_desktop.storage.database import take_daily_backup
        from vista_desktop.storage.errors import StorageProblem

        try:
            take_daily_backup(self.database_path)
        except StorageProblem as problem:
            return problem
        return None

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.close()
            self._opened, self._repository = None, None
            services = ("drafts", "documents", "signing", "database", "lifecycle", "deadlines", "results")
            for name in (*services, "dossier_builder", "dossier_signing"):
                self.__dict__.pop(name, None)  # services hold the old repository: made anew on next use

    @cached_property
    def drafts(self) -> DraftService:
        from vista_desktop.services.drafts import DraftService

        return DraftService(self.repository)

    @cached_property
    def documents(self) -> DocumentService:
        from vista_desktop.services.documents import DocumentService

        return DocumentService(self.repository)

    @cached_property
    def signing(self) -> SigningService:
        from vista_desktop.services.signing import SigningService

        return SigningService(self.repository)

    @cached_property
    def lifecycle(self) -> LifecycleService:
        from vista_desktop.services.lifecycle import LifecycleService

        return LifecycleService(self.repository)

    @cached_property
    def deadlines(self) -> DeadlineService:
        from vista_desktop.services.deadlines import DeadlineService

        return DeadlineService(self.repository)

    @cached_property
    def update_periods(self) -> UpdatePeriodService:
        from vista_desktop.services.update_periods import UpdatePeriodService

        return UpdatePeriodService()

    @cached_property
    def xlsx(self) -> XlsxService:
        from vista_desktop.services.xlsx import XlsxService

        return XlsxService(lambda: self.drafts)

    @cached_property
    def results(self) -> ResultsService:
        from vista_desktop.services.results import ResultsService

        return ResultsService(self.drafts, self.repository)

    @cached_property
    def sync(self) -> SyncService:
        from vista_desktop.paths import data_dir
        from vista_desktop.services.sync import SyncService
        from vista_desktop.storage.outbox import OutboxRepository

        def outbox() -> OutboxRepository:
            self.repository()  # opens (and upgrades) the database on first use
            assert self._opened is not None
            return OutboxRepository(self._opened.engine)

        return SyncService(outbox, lambda: data_dir() / "outbox")

    @cached_property
    def dossier_builder(self) -> DossierBuilderService:
        from vista_desktop.services.dossier_builder import DossierBuilderService
        from vista_desktop.storage.dossier_files import DossierFileRepository

        def files() -> DossierFileRepository:
            self.repository()  # opens (and upgrades) the database on first use
            assert self._opened is not None
            return DossierFileRepository(self._opened.engine)

        return DossierBuilderService(self.drafts, self.results, self.documents, files)

    @cached_property
    def dossier_signing(self) -> DossierSigningService:
        from vista_desktop.paths import data_dir
        from vista_desktop.services.dossier_signing import DossierSigningService

        return DossierSigningService(self.dossier_builder, self.documents, lambda: data_dir() / "dossiers")

    @cached_property
    def database(self) -> DatabaseService:
        from vista_desktop.services.database import DatabaseService

        return DatabaseService(self)
