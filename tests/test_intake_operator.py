"""The operator's page on the intake server: only operators (HTTP Basic, rate-limited) see it; it lists every
submission with its status, dates and numbers, every value escaped; `vista-intake operators add` creates them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_intake import ACCOUNT, PASSWORD, LiveServer, intake_config, manifest_of, start_server
from vista_desktop import protocol as p

OPERATOR, OPERATOR_PASSWORD = "can-bo-tiep-nhan", "mật-khẩu-cán-bộ"
PAGE = f"{p.API_PREFIX}/operator/submissions"
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(intake_config(tmp_path, sign_in_failures=3))
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    server.intake.db.add_operator(OPERATOR, OPERATOR_PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


def submission(live: LiveServer, account: str = ACCOUNT) -> str:
    db = live.intake.db
    submission_id = str(uuid.uuid4())
    manifest = manifest_of({"mau-01.pdf": b"%PDF-1.7 ...", "phu-luc.xlsx": b"PK..."})
    db.create_submission(submission_id, account, manifest, p.manifest_digest(manifest), 3_500_000)
    return submission_id


def received(live: LiveServer, account: str = ACCOUNT) -> str:
    submission_id = submission(live, account)
    assert live.intake.db.set_received(submission_id, {"protocol": p.PROTOCOL})
    return submission_id


def as_operator(password: str = OPERATOR_PASSWORD, name: str = OPERATOR) -> httpx.BasicAuth:
    return httpx.BasicAuth(name, password)


def test_the_page_asks_for_an_operator_and_refuses_everyone_else(live: LiveServer, http: httpx.Client) -> None:
    anonymous = http.get(PAGE)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic ")
    assert http.get(PAGE, auth=as_operator("wrong")).status_code == 401
    assert http.get(PAGE, auth=httpx.BasicAuth("nobody", OPERATOR_PASSWORD)).status_code == 401
    assert http.get(PAGE, auth=httpx.BasicAuth(ACCOUNT, PASSWORD)).status_code == 401  # a submitter is no operator
    token = http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": PASSWORD}).json()["access_token"]
    assert http.get(PAGE, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert http.get(PAGE, headers={"Authorization": "Basic %%%not-base64"}).status_code == 401
    assert http.get(PAGE, headers={"Authorization": "Basic //79/A=="}).status_code == 401  # not UTF-8


def test_failed_operator_sign_ins_are_rate_limited(live: LiveServer, http: httpx.Client) -> None:
    for _ in range(3):
        assert http.get(PAGE, auth=as_operator("wrong")).status_code == 401
    limited = http.get(PAGE, auth=as_operator())  # even the right password, until the window has passed
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    # The submitting account of the same name is counted apart.
    assert http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": PASSWORD}).status_code == 200


def test_the_page_lists_every_submission_with_status_dates_and_numbers(live: LiveServer, http: httpx.Client) -> None:
    db = live.intake.db
    sending = submission(live)
    accepted = received(live)
    assert db.review(accepted, p.ACCEPTED, number="ĐK-2026/0042", certificate="GCN-17")
    returned = received(live)
    assert db.review(returned, p.RETURNED, reasons=["Thiếu mẫu 05", "Chữ ký không hợp lệ"])
    page = http.get(PAGE, auth=as_operator())
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    html = page.text
    for submission_id in (sending, accepted, returned):
        assert submission_id in html
    for text in ("Đang gửi", "Đã chấp nhận", "Đã trả lại", "ĐK-2026/0042", "GCN-17", "Thiếu mẫu 05", "3.3 MB"):
        assert text in html, text
    assert "<script" not in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [row.split("<code>")[1].split("</code>")[0] for row in rows] == [returned, accepted, sending]  # newest first


def test_the_page_filters_by_status(live: LiveServer, http: httpx.Client) -> None:
    accepted = received(live)
    live.intake.db.review(accepted, p.ACCEPTED, number="1", certificate="2")
    waiting = received(live)
    page = http.get(PAGE, params={"status": p.RECEIVED}, auth=as_operator())
    assert page.status_code == 200
    assert waiting in page.text and accepted not in page.text
    assert "Đã nhận, chờ xét (1)" in page.text and "Tất cả (2)" in page.text
    assert http.get(PAGE, params={"status": "deleted"}, auth=as_operator()).status_code == 400


def test_values_typed_by_others_are_escaped(live: LiveServer, http: httpx.Client) -> None:
    live.intake.db.add_account(HOSTILE, PASSWORD)
    returned = received(live, account=HOSTILE)
    live.intake.db.review(returned, p.RETURNED, reasons=[f"</td></table>{HOSTILE}"])
    html = http.get(PAGE, auth=as_operator()).text
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;/td&gt;&lt;/table&gt;" in html


def test_operators_are_added_from_the_command_line(
    live: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vista_intake.cli import main

    config = live.config
    monkeypatch.setenv("NEW_OPERATOR_PASSWORD", "một-mật-khẩu-khác")
    location = ["--storage", str(config.storage)]
    assert main(["operators", "add", "truong-phong", "--password-env", "NEW_OPERATOR_PASSWORD", *location]) == 0
    assert "truong-phong ready" in capsys.readouterr().out
    assert http.get(PAGE, auth=httpx.BasicAuth("truong-phong", "một-mật-khẩu-khác")).status_code == 200
    monkeypatch.delenv("NEW_OPERATOR_PASSWORD")
    assert main(["operators", "add", "x", "--password-env", "NEW_OPERATOR_PASSWORD", *location]) == 1
