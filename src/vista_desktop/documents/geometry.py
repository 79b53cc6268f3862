"""The one page geometry both renderers follow (Decree 30/2020, Appendix I), so that the PDF and the DOCX break
lines and pages by the same rules: A4, one text frame at top 20 / bottom 20 / left 30 / right 15 mm with nothing
printed outside it, sizes in points, widths in millimetres.

Text is measured with the bundled Liberation Serif, which has the metrics of the Times New Roman the DOCX names, so
a line broken here breaks at the same word in Word and LibreOffice.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from vista_desktop.documents import fonts
from vista_desktop.forms.values import nfc

PT_PER_MM = 72 / 25.4

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20.0, 20.0, 30.0, 15.0
TEXT_W_MM = PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
TEXT_H_MM = PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM
# Page numbers sit in the top margin, centred on the text frame (Decree 30: 13–14 pt, from page 2).
PAGE_NUMBER_FROM_TOP_MM = 12.0

# Sizes in points. Decree 30: body 13–14, issuer and national title 12–13, motto 13–14, signature titles and
# names bold 13–14, place and date italic 13–14.
BODY_SIZE = 13.0
TITLE_SIZE = 14.0
ISSUER_SIZE = 12.0
NATIONAL_TITLE_SIZE = 12.0
MOTTO_SIZE = 13.0
FORM_NUMBER_SIZE = 13.0
ANNEX_SIZE = 11.0
TABLE_SIZE = 12.0
SIGN_TITLE_SIZE = 13.0
SIGN_NOTE_SIZE = 12.0
SIGN_NAME_SIZE = 13.0
PAGE_NUMBER_SIZE = 13.0
# Line height as a multiple of the size (single spacing is 1.15 for these metrics; Decree 30 allows up to 1.5).
LINE_FACTOR = 1.2
# Decree 30: at least 6 pt between paragraphs.
PARAGRAPH_SPACE_PT = 6.0
HEADING_SPACE_BEFORE_PT = 6.0
FIRST_LINE_INDENT_MM = 10.0

# Table cells: the same inner padding in both renderers, so a column wraps its text at the same width.
CELL_PAD_MM = 1.5
CELL_PAD_V_PT = 2.0
GRID_LINE_PT = 0.5

# The issuer column and the national title column of the header.
HEADER_LEFT_FRACTION = 0.45
HEADER_GAP_MM = 3.0

# Signature blocks: two per row, a blank space for the handwritten or digital signature between title and name.
SIGN_COLUMNS = 2
SIGN_SPACE_MM = 26.0
SIGN_BOX_PAD_MM = 2.0
SIGN_GAP_BEFORE_MM = 6.0
SIGN_ROW_GAP_MM = 4.0

# Lines of a long paragraph that must travel with a heading, and with the signatures at the end.
KEEP_LINES = 2

EMPTY_VALUE = "……………………"


def header_widths_mm() -> tuple[float, float]:
    """The issuer column and the national title column."""
    left = TEXT_W_MM * HEADER_LEFT_FRACTION
    return left, TEXT_W_MM - left


def leading(size: float) -> float:
    return round(size * LINE_FACTOR, 2)


@cache
def _registered() -> bool:
    fonts.register_reportlab_fonts()
    return True


def text_width_mm(text: str, style: str = "regular", size: float = BODY_SIZE) -> float:
    """Width of `text` set in the bundled font, in millimetres."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _registered()
    return float(stringWidth(nfc(text), fonts.reportlab_name(style), size)) / PT_PER_MM


# Words of two syllables common in organisation names and signature titles: a line break inside one ("…THỦY LỢI
# MIỀN / NAM", "ĐƠN / VỊ") reads as a broken name, so the breaker avoids it when another break of the same number of
# lines fits.
COMPOUNDS = frozenset(
    word.strip()
    for word in """
    an toàn|bảo vệ|bệnh viện|bưu chính|cao đẳng|chăn nuôi|chất lượng|chí minh|chủ nghĩa|chủ nhiệm|chủ quản|chủ trì
    chuyển giao|cơ khí|cổ phần|công an|công nghệ|công nghiệp|công thương|công ty|cộng hòa|cộng hoà|cửu long|dân tộc
    doanh nghiệp|du lịch|duyên hải|dược liệu|đại học|đào tạo|địa chất|điện tử|đo lường|đổi mới|đồng bằng|độc lập
    đơn vị|đầu tư|giao thông|giáo dục|hàn lâm|hàng không|hạnh phúc|hà nội|hóa học|hoá học|học viện|hồ chí|hữu hạn
    kế hoạch|khí tượng|khoa học|khoáng sản|kinh tế|kỹ thuật|kĩ thuật|lao động|lâm nghiệp|môi trường|miền bắc|miền nam
    miền trung|năng lượng|nghiên cứu|ngoại giao|nhân dân|nhiệm vụ|nông nghiệp|nông thôn|nội vụ|phát triển|quản lý
    quản lí|quốc gia|quốc phòng|sáng tạo|sinh học|sở hữu|sông hồng|tài chính|tài nguyên|tây nguyên|tập đoàn
    thành phố|thể thao|thông tin|thủ trưởng|thủy lợi|thuỷ lợi|thủy sản|thuỷ sản|thủy văn|thuỷ văn|thực phẩm
    thực vật|tiêu chuẩn|tổ chức|tôn giáo|trách nhiệm|trí tuệ|trung tâm|trung ương|tư pháp|tự do|ủy ban|uỷ ban
    ứng dụng|văn hóa|văn hoá|vận tải|vật liệu|vật lý|viễn thông|việt nam|xác nhận|xã hội|xây dựng|y tế
    """.replace("\n", "|").split("|")
    if word.strip()
)


def _greedy(widths: Sequence[float], space: float, limit: float) -> int:
    lines, current = 1, -space
    for width in widths:
        if current + space + width > limit and current > 0:
            lines += 1
            current = width
        else:
            current += space + width
    return lines


def balanced_lines(text: str, style: str, size: float, width_mm: float) -> list[str]:
    """Break `text` into as few lines as fit `width_mm`, never inside a known two-syllable word when it can be
    helped, and with the lines as even as possible, so that a short tail ("…THỦY LỢI MIỀN / NAM") never stands alone.
    Both renderers print the lines as given."""
    words = nfc(text).split()
    if not words:
        return []
    widths = [text_width_mm(w, style, size) for w in words]
    space = text_width_mm(" ", style, size)
    count = _greedy(widths, space, width_mm)
    if count == 1:
        return [" ".join(words)]
    n = len(words)
    penalty = [0] + [int(f"{words[j - 1]} {words[j]}".casefold() in COMPOUNDS) for j in range(1, n)]

    def span(i: int, j: int) -> float:
        return sum(widths[i:j]) + space * (j - i - 1)

    # best[(k, i)]: the least (overflow, broken words, widest line, sum of squares) for words[i:] on k lines, with
    # the first line's end.
    Cost = tuple[float, int, float, float]
    best: dict[tuple[int, int], tuple[Cost, int]] = {}

    def solve(k: int, i: int) -> Cost:
        if (k, i) in best:
            return best[(k, i)][0]
        if k == 1:
            w = span(i, n)
            cost: Cost = (max(w - width_mm, 0.0), 0, w, w * w)
            best[(k, i)] = (cost, n)
            return cost
        result: tuple[Cost, int] = ((float("inf"), 0, 0.0, 0.0), i + 1)
        for j in range(i + 1, n - k + 2):
            first = span(i, j)
            over, broken, widest, squares = solve(k - 1, j)
            candidate: Cost = (
                over + (max(first - width_mm, 0.0) if j > i + 1 else 0.0),
                broken + penalty[j],
                max(first, widest),
                squares + first * first,
            )
            if candidate < result[0]:
                result = (candidate, j)
        best[(k, i)] = result
        return result[0]

    solve(count, 0)
    lines, start, k = [], 0, count
    while k > 0 and start < n:
        end = best[(k, start)][1]
        lines.append(" ".join(words[start:end]))
        start, k = end, k - 1
    return lines


def min_column_mm(header: str, sample: str = "") -> float:
    """The narrowest a table column may be: its header's longest word in bold and `sample` (a value that must
    stay on one line, such as a 12-digit citizen ID) fit between the cell paddings."""
    longest = max((text_width_mm(w, "bold", TABLE_SIZE) for w in nfc(header).split()), default=0.0)
    needed = max(longest, text_width_mm(sample, "regular", TABLE_SIZE) if sample else 0.0)
    return needed + 2 * CELL_PAD_MM + 1.0  # 1 mm for rounding in Word's twips and the grid lines


def column_widths_mm(weights: Sequence[float], minimums: Sequence[float], total: float = TEXT_W_MM) -> list[float]:
    """Share `total` by `weights`, giving every column at least its minimum (taken from the widest others)."""
    widths = [0.0] * len(weights)
    fixed: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        room = total - sum(widths[i] for i in fixed)
        weight = sum(weights[i] for i in free) or 1.0
        short = [i for i in free if room * weights[i] / weight < minimums[i]]
        if not short:
            for i in free:
                widths[i] = room * weights[i] / weight
            return widths
        for i in short:
            widths[i] = minimums[i]
            fixed.add(i)
