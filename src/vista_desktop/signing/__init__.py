"""Signing and verifying: the only package that imports pyHanko and python-pkcs11.

Public surface: identities (PKCS#12 files, PKCS#11 tokens), `sign_pdf`, `verify_pdf`, `sign_manifest`,
`verify_manifest`, the trust store, and the errors they raise. Heavy modules load on first use.
"""

from vista_desktop.signing.errors import (
    CertificateProblem,
    CredentialError,
    DocumentProblem,
    SigningProblem,
    TokenError,
)

__all__ = ["CertificateProblem", "CredentialError", "DocumentProblem", "SigningProblem", "TokenError"]
