"""The dossier folder and its signed manifest: what is covered, what is refused, and clear verdicts on damage."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from vista_desktop.dossier import (
    MANIFEST,
    SIGNATURE,
    DossierProblem,
    build_manifest,
    compare,
    list_files,
    parse_manifest,
)
from vista_desktop.errors import Cancelled, VistaError
from vista_desktop.tasks import TaskContext

from .pki import PASSWORD

CATALOGS = Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / "resources" / "i18n"
SOURCES = [
    Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / part
    for part in ("dossier", "services/dossier.py", "signing/cms.py")
]


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    folder = tmp_path / "hồ sơ"
    (folder / "phụ lục" / "mã nguồn").mkdir(parents=True)
    (folder / "mau-05.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    (folder / "phụ lục" / "số liệu.csv").write_text("tỉnh,độ mặn\nBến Tre,4.2\n", encoding="utf-8")
    (folder / "phụ lục" / "mã nguồn" / "manifest.json").write_text('{"name": "npm package"}', encoding="utf-8")
    (folder / "phụ lục" / "mã nguồn" / "manifest.json.p7s").write_bytes(b"not ours")
    (folder / "phụ lục" / "rỗng.txt").write_bytes(b"")
    return folder


def paths(folder: Path) -> list[str]:
    return [f.path for f in list_files(folder)]


# Walking ----------------------------------------------------------------------------------------------------------


def test_only_the_top_level_manifest_pair_is_left_out(dossier: Path) -> None:
    (dossier / MANIFEST).write_text("{}", encoding="utf-8")
    (dossier / SIGNATURE).write_bytes(b"x")
    assert paths(dossier) == [
        "mau-05.pdf",
        "phụ lục/mã nguồn/manifest.json",
        "phụ lục/mã nguồn/manifest.json.p7s",
        "phụ lục/rỗng.txt",
        "phụ lục/số liệu.csv",
    ]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda d, out: (d / "phụ lục" / "ngoài.txt").symlink_to(out / "secret.txt"), "phụ lục/ngoài.txt"),
        (lambda d, out: (d / "thư mục ngoài").symlink_to(out, target_is_directory=True), "thư mục ngoài"),
        (lambda d, out: (d / "phụ lục" / "gãy").symlink_to(out / "không có"), "phụ lục/gãy"),
        (lambda d, out: (d / "cùng chỗ.pdf").symlink_to(d / "mau-05.pdf"), "cùng chỗ.pdf"),
        (lambda d, out: os.mkfifo(d / "phụ lục" / "ống"), "phụ lục/ống"),
    ],
    ids=["file link outside", "folder link", "dangling link", "link inside", "fifo"],
)
def test_links_and_special_files_are_refused_by_name(dossier: Path, tmp_path: Path, make, name: str) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not part of the dossier", encoding="utf-8")
    make(dossier, outside)
    with pytest.raises(DossierProblem) as caught:
        list_files(dossier)
    assert caught.value.params["name"] == name
    assert name in caught.value.message()
    assert caught.value.code in ("dossier.link_refused", "dossier.special_refused")


def test_a_link_to_its_own_folder_is_refused_not_looped(dossier: Path) -> None:
    (dossier / "phụ lục" / "link").symlink_to(dossier / "phụ lục")
    with pytest.raises(DossierProblem, match="phụ lục/link"):
        build_manifest(dossier)


def test_names_equal_in_nfc_are_ambiguous_and_names_are_nfc(tmp_path: Path) -> None:
    folder = tmp_path / "nfc"
    folder.mkdir()
    (folder / unicodedata.normalize("NFD", "báo cáo.pdf")).write_bytes(b"a")
    assert paths(folder) == ["báo cáo.pdf"]  # NFC in the manifest, whatever the disk holds
    (folder / "báo cáo.pdf").write_bytes(b"b")
    if len(os.listdir(folder)) == 2:  # a file system that keeps both spellings apart
        with pytest.raises(DossierProblem, match=re.escape("báo cáo.pdf")):
            list_files(folder)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DossierProblem) as caught:
        list_files(tmp_path / "không có")
    assert caught.value.code == "dossier.not_a_folder"


# Building and reading the manifest ---------------------------------------------------------------------------------


def test_manifest_version_2_round_trip(dossier: Path) -> None:
    manifest = build_manifest(dossier, slots={"mau-05.pdf": "registration_form"}, extra={"forms": ["mau-05"]})
    document = json.loads(manifest.to_bytes())
    assert document["format"] == "vista-dossier-manifest" and document["version"] == 2
    assert document["forms"] == ["mau-05"] and document["app_version"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", document["created"])
    first = document["files"][0]
    assert first == {
        "path": "mau-05.pdf",
        "size": (dossier / "mau-05.pdf").stat().st_size,
        "sha256": first["sha256"],
        "slot": "registration_form",
    }
    assert "slot" not in document["files"][1]
    assert parse_manifest(manifest.to_bytes(), "m") == manifest


def test_version_1_manifests_are_still_read() -> None:
    digest = "ab" * 32
    data = {"format": "vista-dossier-manifest", "version": 1, "created": "2025-01-01T00:00:00+00:00"}
    data["files"] = [{"name": "phụ lục/a.csv", "size": 3, "sha256": digest.upper()}]
    manifest = parse_manifest(json.dumps(data).encode(), "m")
    assert manifest.version == 1
    assert [(e.path, e.size, e.sha256) for e in manifest.files] == [("phụ lục/a.csv", 3, digest)]


HEADER = '"format": "vista-dossier-manifest", "version": 2'
ENTRY = '{"path": "a.pdf", "size": 1, "sha256": "' + "0" * 64 + '"}'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[]", "not_object"),
        ("{" + HEADER + ', "files": [1, 2]}', "entry_not_object"),
        ("{" + HEADER + ', "files": [{"path": "a.pdf", "sha256": "' + "0" * 64 + '"}]}', "missing_field"),
        ("{" + HEADER + ', "files": [{"path": "a.pdf", "size": "1", "sha256": "' + "0" * 64 + '"}]}', "wrong_type"),
        ("{" + HEADER + ', "files": [{"path": "a.pdf", "size": true, "sha256": "' + "0" * 64 + '"}]}', "wrong_type"),
        ("{" + HEADER + ', "files": [{"path": "a.pdf", "size": -1, "sha256": "' + "0" * 64 + '"}]}', "bad_size"),
        ("{" + HEADER + ', "files": [{"path": "a.pdf", "size": 1, "sha256": "xyz"}]}', "bad_sha256"),
        ("{" + HEADER + ', "files": [{"path": 7, "size": 1, "sha256": "' + "0" * 64 + '"}]}', "wrong_type"),
        ("{" + HEADER + ', "files": [' + ENTRY.replace("a.pdf", "/etc/passwd") + "]}", "unsafe_path"),
        ("{" + HEADER + ', "files": [' + ENTRY.replace("a.pdf", "../../x") + "]}", "unsafe_path"),
        ("{" + HEADER + ', "files": [' + ENTRY.replace("a.pdf", "a/./b") + "]}", "unsafe_path"),
        ("{" + HEADER + ', "files": [' + ENTRY.replace("a.pdf", "C:/x") + "]}", "unsafe_path"),
        ("{" + HEADER + ', "files": [' + ENTRY.replace("a.pdf", "a\\\\..\\\\b") + "]}", "unsafe_path"),
        ("{" + HEADER + ', "files": [' + ENTRY + ", " + ENTRY + "]}", "duplicate_path"),
        ("{" + HEADER + ', "files": {}}', "files_not_list"),
        ("{" + HEADER + "}", "files_not_list"),
        ('{"format": "other", "version": 2, "files": []}', "wrong_format"),
        ('{"format": "vista-dossier-manifest", "version": "2", "files": []}', "bad_header"),
        ("{" + HEADER + ', "created": 5, "files": []}', "bad_header"),
        ('{"files": [', "not_json"),
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
    ],
)
def test_a_malformed_manifest_is_a_clear_problem(text: str, reason: str) -> None:
    with pytest.raises(DossierProblem) as caught:
        parse_manifest(text.encode("utf-8"), "hồ sơ/manifest.json")
    assert caught.value.code == f"dossier.manifest_damaged.{reason}"
    message = caught.value.message()
    assert "bị hỏng" in message and "hồ sơ/manifest.json" in message
    assert caught.value.message("en").startswith("The dossier manifest")


def test_a_manifest_from_a_newer_app_says_so() -> None:
    with pytest.raises(DossierProblem) as caught:
        parse_manifest(b'{"format": "vista-dossier-manifest", "version": 3, "files": []}', "m")
    assert caught.value.code == "dossier.manifest_newer" and "3" in caught.value.message()


def test_not_utf8() -> None:
    with pytest.raises(DossierProblem, match="UTF-8"):
        parse_manifest(b"\xff\xfe{}", "m")


# Comparing -----------------------------------------------------------------------------------------------------------


def test_a_flipped_byte_names_the_file_and_subfolder_manifests_are_covered(dossier: Path) -> None:
    manifest = build_manifest(dossier)
    assert compare(dossier, manifest).clean
    inner = dossier / "phụ lục" / "mã nguồn" / "manifest.json"
    inner.write_text(inner.read_text(encoding="utf-8").replace("npm", "npx"), encoding="utf-8")  # same size
    pdf = dossier / "mau-05.pdf"
    data = bytearray(pdf.read_bytes())
    data[3000] ^= 0x01
    pdf.write_bytes(bytes(data))
    (dossier / "phụ lục" / "số liệu.csv").unlink()
    (dossier / "phụ lục" / "mã nguồn" / SIGNATURE).unlink()
    (dossier / "thêm.txt").write_text("x", encoding="utf-8")
    diff = compare(dossier, manifest)
    assert diff.changed == ("mau-05.pdf", "phụ lục/mã nguồn/manifest.json")
    assert diff.missing == ("phụ lục/mã nguồn/manifest.json.p7s", "phụ lục/số liệu.csv")
    assert diff.added == ("thêm.txt",)


def test_progress_is_reported_by_bytes(dossier: Path) -> None:
    (dossier / "lớn.bin").write_bytes(os.urandom(3 << 20))
    seen: list[tuple[float | None, str]] = []
    build_manifest(dossier, context=TaskContext(lambda fraction, message: seen.append((fraction, message))))
    fractions = [f for f, _ in seen if f is not None]
    assert len(fractions) >= 4 and fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert any(message == "lớn.bin" for _, message in seen)


# The use cases, with a real signature ----------------------------------------------------------------------------------


@pytest.fixture
def identity(pki):  # type: ignore[no-untyped-def]
    from vista_desktop.signing.identities import Pkcs12Identity

    return Pkcs12Identity(pki["pi"].p12)


@pytest.fixture
def trust(pki):  # type: ignore[no-untyped-def]
    from vista_desktop.signing.trust import TrustStore, load_certificates

    store = TrustStore()
    store.add(load_certificates(pki.root_pem))
    return store


def test_sign_and_verify_then_a_flipped_byte_is_named(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest, verify_manifest

    signed = sign_manifest(dossier, identity, PASSWORD, trust)
    assert signed.files == 5 and signed.signer.common_name == "Nguyễn Thị Hồng Nhung"
    assert signed.manifest.read_bytes().startswith(b"{")
    report = verify_manifest(dossier, trust)
    assert report.ok and report.problems == () and report.signer == "Nguyễn Thị Hồng Nhung"
    inner = dossier / "phụ lục" / "mã nguồn" / "manifest.json.p7s"
    inner.write_bytes(b"not ouR")
    report = verify_manifest(dossier, trust)
    assert not report.ok and report.intact and report.changed == ("phụ lục/mã nguồn/manifest.json.p7s",)


def test_verify_reports_an_untrusted_and_a_forged_manifest(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest, verify_manifest
    from vista_desktop.signing.trust import TrustStore

    sign_manifest(dossier, identity, PASSWORD, trust)
    untrusted = verify_manifest(dossier, TrustStore())
    assert untrusted.intact and not untrusted.trusted and untrusted.problems == ("dossier.signature_untrusted",)
    manifest = dossier / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("mau-05", "mau-06"), encoding="utf-8")
    forged = verify_manifest(dossier, trust)
    assert not forged.intact and forged.problems == ("dossier.signature_not_intact",)
    assert forged.added == ("mau-05.pdf",) and forged.missing == ("mau-06.pdf",)


def test_a_corrupted_signature_file_is_a_verdict(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest, verify_manifest

    sign_manifest(dossier, identity, PASSWORD, trust)
    (dossier / SIGNATURE).write_bytes(b"garbage, not DER")
    report = verify_manifest(dossier, trust)
    assert not report.ok and not report.intact and report.signer is None
    assert report.problems == ("cms.signature_damaged",)
    assert report.added == report.missing == report.changed == ()


def test_a_malformed_signed_manifest_is_a_problem_not_a_traceback(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest, verify_manifest

    sign_manifest(dossier, identity, PASSWORD, trust)
    (dossier / MANIFEST).write_text('{"format": "vista-dossier-manifest", "version": 2, "files": [1, 2]}')
    with pytest.raises(DossierProblem) as caught:
        verify_manifest(dossier, trust)
    assert caught.value.code == "dossier.manifest_damaged.entry_not_object"


def test_verify_without_a_manifest_or_signature(dossier: Path, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import verify_manifest

    with pytest.raises(DossierProblem) as caught:
        verify_manifest(dossier, trust)
    assert caught.value.code == "dossier.no_manifest"
    (dossier / MANIFEST).write_text("{}", encoding="utf-8")
    with pytest.raises(DossierProblem) as caught:
        verify_manifest(dossier, trust)
    assert caught.value.code == "dossier.no_signature"


def test_signing_refuses_a_dossier_with_a_link(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest

    (dossier / "phụ lục" / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(DossierProblem, match="phụ lục/passwd"):
        sign_manifest(dossier, identity, PASSWORD, trust)
    assert not (dossier / MANIFEST).exists() and not (dossier / SIGNATURE).exists()


def test_cancel_while_hashing_writes_nothing_and_keeps_the_old_pair(dossier: Path, identity, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest

    sign_manifest(dossier, identity, PASSWORD, trust)
    before = {name: (dossier / name).read_bytes() for name in (MANIFEST, SIGNATURE)}
    (dossier / "lớn.bin").write_bytes(os.urandom(8 << 20))
    seen: list[float] = []

    def listener(fraction: float | None, message: str) -> None:
        seen.append(fraction or 0.0)
        if message == "lớn.bin" and fraction is not None and fraction > 0.2:
            context.cancel()  # as the Cancel button does, from whichever thread

    context = TaskContext(listener)
    with pytest.raises(Cancelled):
        sign_manifest(dossier, identity, PASSWORD, trust, context=context)
    assert 0.2 < max(seen) < 0.9
    assert {name: (dossier / name).read_bytes() for name in (MANIFEST, SIGNATURE)} == before
    assert sorted(p.name for p in dossier.iterdir() if p.name.startswith(".")) == []  # no temporary file left


# Catalogs and layers -----------------------------------------------------------------------------------------------


def test_every_dossier_key_has_both_languages_and_the_same_placeholders() -> None:
    vi = json.loads((CATALOGS / "vi" / "dossier.json").read_text(encoding="utf-8"))
    en = json.loads((CATALOGS / "en" / "dossier.json").read_text(encoding="utf-8"))
    assert set(vi) == set(en)
    for key in vi:
        assert set(re.findall(r"{(\w+)}", vi[key])) == set(re.findall(r"{(\w+)}", en[key])), key
    used: set[str] = set()
    for source in SOURCES:
        for path in [source] if source.is_file() else sorted(source.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"""["']((?:dossier|cms)\.[a-z_.]+)["']""", text))
            used |= {f"dossier.manifest_damaged.{r}" for r in re.findall(r"""_damaged\(source, "(\w+)\"""", text)}
    used = {k for k in used if not k.endswith(".") and k != "dossier.manifest_damaged"}
    assert used and used <= set(vi), sorted(used - set(vi))


def test_the_dossier_package_imports_no_pyhanko_pkcs11_qt_or_sqlalchemy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, vista_desktop.dossier\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('pyhanko', 'pyhanko_certvalidator', 'pkcs11', 'PySide6', 'sqlalchemy', 'asn1crypto')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_problems_are_vista_errors() -> None:
    assert issubclass(DossierProblem, VistaError)
