"""The operator's page: the submissions received, newest first, with their status, dates and numbers.

Rendered on the server as one small HTML document, every value from the database escaped (an account name or a
reason is text typed by someone else), no script, no resource from elsewhere (the page's Content-Security-Policy
forbids both). Reviewing stays on the command line (`vista-intake review`); this page only shows.
"""

from __future__ import annotations

import base64
from html import escape
from urllib.parse import urlencode

from vista_desktop import protocol as p
from vista_intake.db import Submission, iso

OPERATOR_PATH = f"{p.API_PREFIX}/operator/submissions"
PAGE_LIMIT = 500
# HTTP Basic: the browser asks once and sends it with every request (checked each time: a page load, not a hot path).
CHALLENGE = {"WWW-Authenticate": 'Basic realm="VISTA intake operators", charset="UTF-8"'}
STATUS_LABELS = {
    p.OPEN: "Đang gửi",
    p.RECEIVED: "Đã nhận, chờ xét",
    p.ACCEPTED: "Đã chấp nhận",
    p.RETURNED: "Đã trả lại",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.number { text-align: right; white-space: nowrap; }
code { font-size: 0.8rem; }
nav a { margin-right: 1rem; }
nav a.current { font-weight: bold; text-decoration: none; color: inherit; }
"""


def basic_credentials(header: str) -> tuple[str, str] | None:
    """(operator, password) from an `Authorization: Basic …` header, or None when there is none or it is garbled."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    name, colon, password = decoded.partition(":")
    if not colon or not name or len(name) > 90:
        return None
    return name, password


def _size(total: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if total >= scale:
            return f"{total / scale:.1f} {unit}"
    return f"{total} B"


def _date(item: Submission, received: bool) -> str:
    moment = item.received_at if received else item.created_at
    text = iso(moment)
    return "" if text is None else text.replace("T", " ").replace("+00:00", " UTC")


def _row(item: Submission) -> str:
    cells = [
        f"<code>{escape(item.uuid)}</code>",
        escape(item.account),
        escape(STATUS_LABELS.get(item.status, item.status)),
        escape(_date(item, received=False)),
        escape(_date(item, received=True)),
        escape(item.registration_number or ""),
        escape(item.certificate_number or ""),
        "<br>".join(escape(reason) for reason in item.reasons),
    ]
    numbers = [str(len(p.manifest_files(item.manifest))), _size(item.total_bytes)]
    return (
        "<tr>"
        + "".join(f"<td>{cell}</td>" for cell in cells)
        + "".join(f'<td class="number">{escape(n)}</td>' for n in numbers)
        + "</tr>"
    )


def _filters(current: str | None, counts: dict[str, int], path: str) -> str:
    links = []
    for status, label in ((None, "Tất cả"), *STATUS_LABELS.items()):
        count = sum(counts.values()) if status is None else counts.get(status, 0)
        target = path + ("?" + urlencode({"status": status}) if status else "")
        mark = ' class="current"' if status == current else ""
        links.append(f'<a href="{escape(target)}"{mark}>{escape(label)} ({count})</a>')
    return "<nav>" + "".join(links) + "</nav>"


def render_submissions(
    items: list[Submission], counts: dict[str, int], status: str | None, operator: str, path: str
) -> str:
    heading = "Hồ sơ nhiệm vụ KH&amp;CN đã gửi đến"
    shown = f"{len(items)} hồ sơ" + (f" (tối đa {PAGE_LIMIT} hồ sơ mới nhất)" if len(items) >= PAGE_LIMIT else "")
    header = (
        "<tr><th>Mã hồ sơ</th><th>Tài khoản</th><th>Trạng thái</th><th>Ngày tạo</th><th>Ngày nhận</th>"
        "<th>Số đăng ký</th><th>Số giấy chứng nhận</th><th>Lý do trả lại</th><th>Số tệp</th><th>Dung lượng</th></tr>"
    )
    rows = "".join(_row(item) for item in items) or '<tr><td colspan="10">Chưa có hồ sơ nào.</td></tr>'
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>VISTA – tiếp nhận hồ sơ</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1><p>Cán bộ: {escape(operator)} · {escape(shown)}</p>"
        f"{_filters(status, counts, path)}<table><thead>{header}</thead><tbody>{rows}</tbody></table>"
        "<p>Chấp nhận hoặc trả lại hồ sơ: <code>vista-intake review MÃ-HỒ-SƠ --accept --number … --certificate …"
        "</code> hoặc <code>--return --reason …</code></p></body></html>"
    )
