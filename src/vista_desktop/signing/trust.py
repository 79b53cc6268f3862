"""The app's own trust store: the bundled Vietnamese roots, plus roots and intermediates the user adds."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko_certvalidator import ValidationContext

from vista_desktop.fileio import atomic_write
from vista_desktop.paths import data_dir
from vista_desktop.resources import resource_path
from vista_desktop.signing.errors import CertificateProblem, os_reason

log = logging.getLogger(__name__)


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM (one or several) or DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    try:
        if pem.detect(data):
            return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        cert = x509.Certificate.load(data)
        cert.native  # noqa: B018 (parses the whole structure now, so a corrupt file fails here)
        return [cert]
    except (ValueError, TypeError) as exc:
        raise CertificateProblem("sign.not_a_certificate", path=str(path)) from exc


def user_trust_dir() -> Path:
    folder = data_dir() / "trust"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class TrustStore:
    roots: list[x509.Certificate] = field(default_factory=list)
    intermediates: list[x509.Certificate] = field(default_factory=list)

    @classmethod
    def default(cls, extra: Iterable[Path] = ()) -> TrustStore:
        """Bundled roots, the user's added certificates, and any files named (e.g. `verify --trust CA.pem`)."""
        store = cls()
        bundled = sorted(resource_path("trust").glob("*.pem"))
        for path in [*bundled, *sorted(user_trust_dir().glob("*.pem")), *extra]:
            store.add(load_certificates(Path(path)))
        return store

    def add(self, certificates: Iterable[x509.Certificate]) -> None:
        for cert in certificates:
            # asn1crypto answers "yes", "maybe" or "no", all truthy strings
            (self.roots if cert.self_signed != "no" else self.intermediates).append(cert)

    def validation_context(
        self, moment: datetime | None = None, extra: Iterable[x509.Certificate] = ()
    ) -> ValidationContext:
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=[*self.intermediates, *extra],
            allow_fetching=False,
            moment=moment,
            best_signature_time=moment,
        )


def install_user_certificate(path: Path) -> list[x509.Certificate]:
    """Copy a root or intermediate the user trusts into the app's own store."""
    certs = load_certificates(path)
    target = user_trust_dir()
    for cert in certs:
        armored = pem.armor("CERTIFICATE", cert.dump())
        atomic_write(target / f"{cert.sha256.hex()[:16]}.pem", armored)
    return certs
