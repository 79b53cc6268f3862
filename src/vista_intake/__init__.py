"""The reference intake server: receives the signed dossiers that VISTA Desktop sends (the protocol of
`vista_desktop.protocol`, over tus 1.0 resumable uploads), checks them, and lets an operator accept them with a
registration number or return them with reasons.

Installable without Qt (`pip install vista-desktop[server]`); it imports nothing of the desktop app but
`vista_desktop.protocol`. All state is in the database and the storage folder, so several worker processes may
serve one deployment.
"""

from vista_intake.config import IntakeConfig

__all__ = ["IntakeConfig"]
