"""The settings of one intake deployment."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# verify(manifest bytes, detached signature) -> "" when the signature holds, else the reason it does not.
SignatureVerifier = Callable[[bytes, bytes], str]

ENV_DB, ENV_STORAGE, ENV_VERIFIER = "VISTA_INTAKE_DB", "VISTA_INTAKE_STORAGE", "VISTA_INTAKE_VERIFIER"


@dataclass(frozen=True)
class IntakeConfig:
    storage: Path
    db_url: str = ""  # empty: SQLite in the storage folder
    max_file_bytes: int = 8 << 30
    max_submission_bytes: int = 32 << 30
    token_seconds: int = 3600
    upload_days: int = 7  # an unfinished upload expires (tus expiration extension)
    sign_in_failures: int = 5  # per account within `sign_in_window` seconds, then 429
    sign_in_window: int = 900
    idle_seconds: float = 60.0  # a request body silent this long counts as a cut connection (frees the upload)
    verify_signature: SignatureVerifier | None = None

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.storage / 'intake.sqlite3'}"

    @staticmethod
    def from_environment() -> IntakeConfig:
        """For worker processes started by uvicorn (`--workers N`): the settings travel in the environment."""
        storage = Path(os.environ.get(ENV_STORAGE, "intake-data"))
        verifier = load_verifier(os.environ.get(ENV_VERIFIER, ""))
        return IntakeConfig(storage=storage, db_url=os.environ.get(ENV_DB, ""), verify_signature=verifier)


def load_verifier(spec: str) -> SignatureVerifier | None:
    """`module:function` named by the operator (the desktop CLI names its own CMS verifier)."""
    if not spec:
        return None
    import importlib

    module, _, name = spec.partition(":")
    verifier: SignatureVerifier = getattr(importlib.import_module(module), name)
    return verifier
