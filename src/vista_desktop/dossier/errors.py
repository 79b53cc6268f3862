"""The dossier package's error: a `VistaError` with a dossier.* key."""

from __future__ import annotations

from vista_desktop.errors import VistaError


class DossierProblem(VistaError):
    """Why a dossier folder or its manifest cannot be used: a link or special file inside it, an unreadable file,
    a damaged manifest (`dossier.manifest_damaged.*`, each naming the reason)."""
