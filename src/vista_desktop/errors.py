"""The one user-facing error type: an i18n key and its parameters.

Core code never builds prose: it raises a `VistaError` (or a subclass of its package) and the GUI or the CLI turns
it into a message in the user's language, each in one place (`ui.errors`, `cli.common`). Anything else that
escapes a use case is a defect, shown as a generic message with the details kept in the log.
"""

from __future__ import annotations

import errno


class VistaError(Exception):
    """Why an operation cannot be done, as something the user can act on; `code` is an i18n key."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        return tr(self.code, language, **self.params)

    def __str__(self) -> str:
        return self.message()

    @property
    def detail(self) -> str | None:
        """The technical reason the message leaves out (a parser's words, a library's error), for "details"."""
        message = self.message()
        for key in ("detail", "reason"):
            value = self.params.get(key)
            if value and str(value) not in message:
                return str(value)
        return None


class FileProblem(VistaError):
    """A file the user named cannot be read or written."""


class Cancelled(VistaError):
    """The user cancelled a long operation; nothing it was writing was kept."""

    def __init__(self) -> None:
        super().__init__("operation.cancelled")


# The file errors a clerk meets, in their language; anything rarer keeps the operating system's words.
_OS_REASONS = {
    errno.ENOENT: "file.reason.not_found",
    errno.EACCES: "file.reason.no_permission",
    errno.EPERM: "file.reason.no_permission",
    errno.ENOSPC: "file.reason.disk_full",
    errno.EROFS: "file.reason.read_only",
    errno.EISDIR: "file.reason.is_folder",
    errno.ENOTDIR: "file.reason.not_folder",
    errno.EBUSY: "file.reason.busy",
    errno.ENAMETOOLONG: "file.reason.name_too_long",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in the user's language ('không tìm thấy tệp hoặc thư mục')."""
    key = _OS_REASONS.get(exc.errno or -1)
    if key is not None:
        from vista_desktop.i18n import tr

        return tr(key)
    return exc.strerror or str(exc)
