"""Logging, configured once at start-up: a rotating file in the platform log folder, personal data redacted."""

from __future__ import annotations

import logging
import logging.handlers
import re

from vista_desktop.paths import log_dir

# Libraries that log at INFO on routine work (fontTools on every signature stamp, Alembic on every start): their
# warnings still reach the log, their chatter does not.
QUIET_LIBRARIES = (
    "fontTools",
    "pyhanko",
    "pyhanko_certvalidator",
    "PIL",
    "httpx",
    "httpcore",
    "alembic",
    "asyncio",
    "reportlab",
    "urllib3",
)

# A 12-digit run is a citizen ID until proven otherwise: keep the province code, hide the rest.
CITIZEN_ID_RE = re.compile(r"(?<!\d)(\d{3})\d{9}(?!\d)")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = CITIZEN_ID_RE.sub(r"\1•••••••••", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: int = logging.INFO, stderr_level: int | None = None) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_vista", False) for h in root.handlers):
        return
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        log_dir() / "vista-desktop.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if stderr_level is not None:
        stream = logging.StreamHandler()
        stream.setLevel(stderr_level)
        handlers.append(stream)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        handler._vista = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
