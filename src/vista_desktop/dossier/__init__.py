"""The dossier as a set of files: listing a dossier folder (plain files only), hashing it, its manifest (writing,
reading strictly) and comparing a folder with a manifest.

Pure Python on the standard library and `vista_desktop.fileio`/`tasks`: no pyHanko, PKCS#11, Qt or SQLAlchemy.
Signing the manifest is `signing.cms`; the use cases that join the two are in `services.dossier`.
"""

from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.dossier.folder import DossierDiff, build_manifest, compare
from vista_desktop.dossier.hashing import hash_file, hash_files
from vista_desktop.dossier.manifest import (
    FORMAT,
    MAX_MANIFEST_BYTES,
    VERSION,
    FileEntry,
    Manifest,
    new_manifest,
    parse_manifest,
    read_bounded,
    read_manifest,
)
from vista_desktop.dossier.walk import MANIFEST, SIGNATURE, DossierFile, list_files

__all__ = [
    "FORMAT",
    "MANIFEST",
    "MAX_MANIFEST_BYTES",
    "SIGNATURE",
    "VERSION",
    "DossierDiff",
    "DossierFile",
    "DossierProblem",
    "FileEntry",
    "Manifest",
    "build_manifest",
    "compare",
    "hash_file",
    "hash_files",
    "list_files",
    "new_manifest",
    "parse_manifest",
    "read_bounded",
    "read_manifest",
]
