"""How a sync attempt ends when it does not succeed: worth retrying later, or stopped until the user acts."""

from __future__ import annotations

from vista_desktop.errors import VistaError


class SyncProblem(VistaError):
    """Stopped: the server refused in a way a retry cannot change (wrong password, too large, conflict)."""


class SyncRetry(VistaError):
    """Temporary: no network, a timeout, a busy or failing server. `retry_after` is the server's wish (seconds)."""

    def __init__(self, code: str, retry_after: float | None = None, **params: object) -> None:
        super().__init__(code, **params)
        self.retry_after = retry_after
