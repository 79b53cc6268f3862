"""What a user needs to know about a certificate, and whether it may sign now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import x509

from vista_desktop.signing.errors import CertificateProblem

# Vietnamese personal certificates carry the citizen ID or the tax code in UID ("CCCD:…", "CMND:…", "MST:…").
UID_RE = re.compile(r"(CCCD|CMND|MST|HC)\s*[:：]\s*([0-9A-Za-z-]+)", re.IGNORECASE)
SIGNING_USAGES = {"digital_signature", "non_repudiation"}


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    common_name: str
    organisation: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    key_usage: frozenset[str]
    citizen_id: str | None
    tax_code: str | None
    sha256: str


def _attribute(name: x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


def describe(cert: x509.Certificate) -> CertificateInfo:
    subject = cert.subject
    uid = _attribute(subject, "user_id") + " " + _attribute(subject, "serial_number")
    ids = {kind.upper(): value for kind, value in UID_RE.findall(uid)}
    usage = cert.key_usage_value.native if cert.key_usage_value is not None else set()
    return CertificateInfo(
        subject=subject.human_friendly,
        common_name=_attribute(subject, "common_name"),
        organisation=_attribute(subject, "organization_name"),
        issuer=cert.issuer.human_friendly,
        serial=format(cert.serial_number, "X"),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        key_usage=frozenset(usage),
        citizen_id=ids.get("CCCD") or ids.get("CMND"),
        tax_code=ids.get("MST"),
        sha256=cert.sha256.hex(),
    )


def check_can_sign(cert: x509.Certificate, moment: datetime | None = None) -> CertificateInfo:
    """Raise CertificateProblem with the exact reason when `cert` cannot make a signature at `moment`."""
    info = describe(cert)
    now = moment or datetime.now(UTC)
    if now < info.not_before:
        raise CertificateProblem(
            "sign.cert_not_yet_valid", name=info.common_name, date=info.not_before.astimezone().strftime("%d/%m/%Y")
        )
    if now > info.not_after:
        raise CertificateProblem(
            "sign.cert_expired", name=info.common_name, date=info.not_after.astimezone().strftime("%d/%m/%Y")
        )
    if info.key_usage and not info.key_usage & SIGNING_USAGES:
        raise CertificateProblem("sign.cert_key_usage", name=info.common_name, usages=", ".join(sorted(info.key_usage)))
    return info
