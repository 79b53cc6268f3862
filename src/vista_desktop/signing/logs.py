"""pyHanko's own log records, kept out of what users see.

pyHanko logs whole tracebacks at WARNING for an untrusted chain, an unknown algorithm or a revision it rejects;
the verification report says those things in words. Its records are passed on to our log at DEBUG, where a
developer still finds them.
"""

from __future__ import annotations

import logging

THIRD_PARTY = ("pyhanko", "pyhanko_certvalidator")
_forward_to = logging.getLogger("vista_desktop.signing.pyhanko")


class _ToDebug(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if _forward_to.isEnabledFor(logging.DEBUG):
            _forward_to.debug("%s: %s", record.name, record.getMessage(), exc_info=record.exc_info)


_handler = _ToDebug()


def quiet_pyhanko() -> None:
    """Idempotent: route pyHanko's WARNING-and-above records to our DEBUG log, and only there."""
    for name in THIRD_PARTY:
        logger = logging.getLogger(name)
        if _handler not in logger.handlers:
            logger.addHandler(_handler)
        logger.propagate = False
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)  # its DEBUG/INFO chatter costs time and says nothing to a user
