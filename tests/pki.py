"""A generated test PKI and a SoftHSM2 token, made per test session; nothing secret is committed.

Dates are fixed (valid 2025–2035, an expired certificate 2020–2021), so validity checks do not depend on the day
the suite runs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mật-khẩu-p12"
PIN = "246810"
SO_PIN = "13579135"
TOKEN_LABEL = "VISTA TEST TOKEN"
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
VALID_FROM = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
VALID_TO = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str, uid: str | None = None, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if uid:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(attrs)


def _usage(sign: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign or ca,
        content_commitment=sign,
        key_encipherment=not sign and not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _cert(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool = False,
    sign: bool = True,
    start: dt.datetime = VALID_FROM,
    end: dt.datetime = VALID_TO,
    tsa: bool = False,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(sign, ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Party:
    name: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    p12: Path
    key_der: Path
    cert_der: Path


@dataclass
class TestPki:
    folder: Path
    root_pem: Path
    rogue_root_pem: Path
    parties: dict[str, Party]

    def __getitem__(self, name: str) -> Party:
        return self.parties[name]


def make_pki(folder: Path) -> TestPki:
    folder.mkdir(parents=True, exist_ok=True)
    root_key, rogue_key = _key(), _key()
    root_name = _name("VISTA Test Root CA", org="VISTA Kiểm thử")
    rogue_name = _name("Rogue Root CA", org="Không tin cậy")
    root = _cert(root_name, root_key, root_name, root_key, ca=True)
    rogue = _cert(rogue_name, rogue_key, rogue_name, rogue_key, ca=True)
    specs = {
        "pi": (_name("Nguyễn Thị Hồng Nhung", "CCCD:079185012345"), root_name, root_key, {}),
        "org": (
            _name("Viện Khoa học Thủy lợi miền Nam", "MST:0301234567", "Viện Khoa học Thủy lợi miền Nam"),
            root_name,
            root_key,
            {},
        ),
        "head": (_name("Trần Văn Đạt", "CCCD:001075000111"), root_name, root_key, {}),
        "expired": (
            _name("Lê Văn Hết Hạn"),
            root_name,
            root_key,
            {"start": dt.datetime(2020, 1, 1, tzinfo=dt.UTC), "end": dt.datetime(2021, 1, 1, tzinfo=dt.UTC)},
        ),
        "nosign": (_name("Phạm Không Ký"), root_name, root_key, {"sign": False}),
        "rogue": (_name("Mạo Danh"), rogue_name, rogue_key, {}),
        "tsa": (_name("VISTA Test TSA"), root_name, root_key, {"tsa": True}),
    }
    parties = {}
    for name, (subject, issuer, issuer_key, kwargs) in specs.items():
        key = _key()
        cert = _cert(subject, key, issuer, issuer_key, **kwargs)
        chain = [rogue if issuer is rogue_name else root]
        p12 = folder / f"{name}.p12"
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                name.encode(), key, cert, chain, serialization.BestAvailableEncryption(PASSWORD.encode())
            )
        )
        key_der, cert_der = folder / f"{name}.key.der", folder / f"{name}.crt.der"
        key_der.write_bytes(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
        parties[name] = Party(name, key, cert, p12, key_der, cert_der)
    root_pem, rogue_pem = folder / "root.pem", folder / "rogue-root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    rogue_pem.write_bytes(rogue.public_bytes(serialization.Encoding.PEM))
    return TestPki(folder, root_pem, rogue_pem, parties)


def make_token(folder: Path, pki: TestPki) -> Path:
    """A SoftHSM2 token holding the organisation's key and certificate (Viettel-style: the certificate and the
    key carry different labels, so only CKA_ID ties them) and a certificate without a key. Returns SOFTHSM2_CONF."""
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, env=env, timeout=60)

    run("softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", SO_PIN, "--pin", PIN)
    tool = [
        shutil.which("pkcs11-tool") or "pkcs11-tool",
        "--module",
        SOFTHSM,
        "--token-label",
        TOKEN_LABEL,
        "--login",
        "--pin",
        PIN,
    ]
    org, head = pki["org"], pki["head"]
    run(*tool, "--write-object", str(org.key_der), "--type", "privkey", "--id", "01", "--label", "org signing key")
    run(
        *tool,
        "--write-object",
        str(org.cert_der),
        "--type",
        "cert",
        "--id",
        "01",
        "--label",
        "Viện KHTL's Test-CA SHA2 Certificate",
    )
    run(*tool, "--write-object", str(head.cert_der), "--type", "cert", "--id", "02", "--label", "certificate only")
    return conf
