"""RFC 3161 timestamps from a configured TSA URL, fetched with httpx (TLS verified)."""

from __future__ import annotations

from typing import Any

from asn1crypto import tsp
from pyhanko.sign.timestamps.api import TimeStamper

from vista_desktop.signing.errors import SigningProblem

TIMEOUT_SECONDS = 20


class HttpxTimeStamper(TimeStamper):
    def __init__(self, url: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        import httpx

        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
                response = await client.post(
                    self.url, content=req.dump(), headers={"Content-Type": "application/timestamp-query"}
                )
                response.raise_for_status()
        except httpx.HTTPError as exc:
            raise SigningProblem("sign.tsa_failed", url=self.url, reason=str(exc) or type(exc).__name__) from exc
        try:
            return tsp.TimeStampResp.load(response.content)
        except ValueError as exc:
            raise SigningProblem("sign.tsa_failed", url=self.url, reason="not a timestamp response") from exc


def timestamper(url: str | None) -> Any:
    return HttpxTimeStamper(url) if url else None
