"""The year's review report (báo cáo sơ kết) as a Party document (contract.md, HD 36).

Part I prints the figures of ``tracker.summary`` (those of GET /api/v1/summary) in sentences
and in a table beside the year before, then the cells' standings; parts II-IV are the
committee's own text as it wrote it on the review page; then "Nơi nhận" and the signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from ..campaigns import DocumentIdentity
from ..domain.scoring import Grade
from ..domain.vietnamese import dated_place_line, format_decimal
from ..summary import YearFigures, YearSummary
from . import party

TITLE = "Sơ kết thi đua nâng cao chất lượng sinh hoạt chi bộ năm {year}"
FILENAME = "Báo cáo sơ kết năm {year} - {committee}.docx"
EMPTY_PART = "(Đảng ủy chưa soạn phần này.)"
# A committee has tens of cells; python-docx writes a table row in about 7 ms, so a province's
# 10,000 cells would take over a minute and some 200 pages: the document lists the first ones.
STANDINGS_ROWS_MAX = 150
GRADE_ORDER = (Grade.TOT, Grade.KHA, Grade.TRUNG_BINH, Grade.KEM)


@dataclass(frozen=True)
class ReviewText:
    """The committee's parts and the document's particulars (plain values)."""

    document_number: str = ""
    document_date: dt.date | None = None
    assessment: str = ""
    direction: str = ""
    proposals: str = ""
    recipients: tuple[str, ...] = ()
    signer_name: str = ""


def count(number: int) -> str:
    """A count as Vietnamese write it: 1170 -> "1.170"."""
    return f"{number:,}".replace(",", ".")


def percent(rate) -> str:
    """0.9107 -> "91,07%"; None -> "—"."""
    if rate is None:
        return "—"
    return format_decimal(rate * 100, 2) + "%"


def _signed(number, places: int = 0) -> str:
    """+27, −3, 0; with ``places`` decimals and a decimal comma."""
    if number == 0:
        return "0"
    text = format_decimal(float(abs(number)), places) if places else count(abs(int(number)))
    return ("+" if number > 0 else "−") + text


def figure_rows(
    current: YearFigures, previous: YearFigures | None
) -> list[tuple[str, str, str, str]]:
    """(label, the year before, this year, the change) for the table of part I."""

    def whole(label: str, value_of) -> tuple[str, str, str, str]:
        now = value_of(current)
        if previous is None:
            return label, "—", count(now), "—"
        before = value_of(previous)
        return label, count(before), count(now), _signed(now - before)

    def share(label: str, value_of, text_of, scale: int, unit: str) -> tuple[str, str, str, str]:
        now = value_of(current)
        before = value_of(previous) if previous is not None else None
        change = "—"
        if now is not None and before is not None:
            change = _signed((now - before) * scale, 2 if scale == 100 else 1)
            change += unit if change != "0" else ""
        return label, text_of(before) if previous is not None else "—", text_of(now), change

    def per_meeting(f: YearFigures):
        return (
            Fraction(f.speakers, f.regular_reports_approved) if f.regular_reports_approved else None
        )

    rows = [
        whole("Số chi bộ tham gia xếp hạng", lambda f: f.cells),
        whole("Số tháng được tính", lambda f: f.months_counted),
        whole("Số báo cáo sinh hoạt thường kỳ đã duyệt", lambda f: f.regular_reports_approved),
        whole("Số báo cáo sinh hoạt chuyên đề đã duyệt", lambda f: f.thematic_reports_approved),
        whole("Số tháng thiếu báo cáo được duyệt", lambda f: f.months_missing),
        whole("trong đó chờ duyệt hoặc bị trả lại", lambda f: f.months_pending),
        whole("Số lượt chi bộ × quý không có sinh hoạt chuyên đề",
              lambda f: f.quarters_without_thematic),
        share("Tỷ lệ đảng viên dự sinh hoạt", lambda f: f.attendance_rate, percent, 100,
              " điểm %"),
        whole("Số lượt đảng viên phát biểu", lambda f: f.speakers),
        whole("trong đó đảng viên trẻ", lambda f: f.young_speakers),
        share("Bình quân lượt phát biểu mỗi buổi", per_meeting,
              lambda v: "—" if v is None else format_decimal(float(v), 1), 1, ""),
    ]  # fmt: skip
    for grade in GRADE_ORDER:
        rows.append(
            whole(f"Số chi bộ xếp loại {grade.label}", lambda f, g=grade: f.grades[g.value])
        )
    return rows


def period_sentences(f: YearFigures, counted: tuple[int, ...], last_month: int) -> list[str]:
    """Which months the figures cover and, for a year not closed, that they are provisional."""
    if not counted:
        opening = (
            f"Năm {f.year}, {count(f.cells)} chi bộ trực thuộc tham gia thi đua; chưa có tháng "
            "nào của đợt thi đua kết thúc."
        )
        return [opening]
    opening = (
        f"Năm {f.year}, {count(f.cells)} chi bộ trực thuộc tham gia thi đua; số liệu dưới đây "
        f"tính trên {count(len(counted))} tháng đã kết thúc của đợt thi đua (từ tháng "
        f"{counted[0]} đến tháng {counted[-1]})."
    )
    sentences = [opening]
    if counted[-1] < last_month:
        sentences.append(
            f"Đợt thi đua năm {f.year} chưa kết thúc (đến tháng {last_month}): các số liệu là "
            "tạm tính và còn thay đổi."
        )
    elif not f.closed:
        sentences.append(
            f"Năm thi đua {f.year} chưa khóa sổ: các số liệu là tạm tính và còn thay đổi khi "
            "báo cáo đang chờ duyệt hoặc bị trả lại được duyệt."
        )
    return sentences


def result_sentences(summary: YearSummary, first_month: int, last_month: int) -> list[str]:
    """Part I in sentences: every figure of the summary, the year before where there is one."""
    f = summary.current
    p = summary.previous
    counted = tuple(m for m in summary.standings.months if first_month <= m <= last_month)
    sentences = [
        *period_sentences(f, counted, last_month),
        f"Đảng ủy đã duyệt {count(f.regular_reports_approved)} báo cáo sinh hoạt thường kỳ và "
        f"{count(f.thematic_reports_approved)} báo cáo sinh hoạt chuyên đề"
        + (
            f" (năm {p.year}: {count(p.regular_reports_approved)} và {count(p.thematic_reports_approved)})."
            if p
            else "."
        ),
    ]
    if f.months_missing:
        sentences.append(
            f"Còn {count(f.months_missing)} tháng của các chi bộ chưa có báo cáo được duyệt, trong đó "
            f"{count(f.months_pending)} tháng có báo cáo đang chờ duyệt hoặc bị trả lại."
        )
    else:
        sentences.append("Tất cả các chi bộ đều có báo cáo được duyệt trong mọi tháng được tính.")
    if f.quarters_without_thematic:
        sentences.append(
            f"Có {count(f.quarters_without_thematic)} lượt chi bộ trong các quý đã kết thúc không có "
            "buổi sinh hoạt chuyên đề được duyệt."
        )
    else:
        sentences.append("Các chi bộ đều sinh hoạt chuyên đề trong mọi quý đã kết thúc.")
    attendance = (
        f"Tỷ lệ đảng viên dự sinh hoạt (không kể đảng viên được miễn) đạt {percent(f.attendance_rate)}"
        if f.attendance_rate is not None
        else "Chưa có báo cáo được duyệt để tính tỷ lệ đảng viên dự sinh hoạt"
    )
    if p and p.attendance_rate is not None and f.attendance_rate is not None:
        attendance += f" (năm {p.year}: {percent(p.attendance_rate)})"
    sentences.append(
        attendance
        + f"; có {count(f.speakers)} lượt đảng viên phát biểu, trong đó {count(f.young_speakers)} "
        "lượt đảng viên trẻ"
        + (f" (năm {p.year}: {count(p.speakers)} và {count(p.young_speakers)})." if p else ".")
    )
    grades = ", ".join(f"{count(f.grades[g.value])} chi bộ {g.label}" for g in GRADE_ORDER)
    sentences.append(f"Xếp loại cả năm: {grades}.")
    return sentences


def _paragraphs(doc, text: str) -> None:
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if not lines:
        party.add_paragraph(doc, EMPTY_PART, italic=True)
    for line in lines:
        party.add_paragraph(doc, line)


def review_document(
    summary: YearSummary,
    identity: DocumentIdentity,
    text: ReviewText,
    *,
    first_month: int,
    last_month: int,
    today: dt.date,
    calendar: dict | None = None,
    indicator_years: tuple[int, ...] = (),
    indicator_rows: tuple[tuple[str, ...], ...] = (),
) -> bytes:
    """The .docx of a year's review."""
    year = summary.current.year
    doc = party.new_document()
    number = text.document_number or f"      -BC/{identity.issuer_code}"
    party.add_header_block(
        doc,
        party.HeaderBlock(
            superior_body=identity.superior_body,
            issuing_body=identity.issuing_body,
            number_line=f"Số {number}",
            place_line=dated_place_line(identity.place_name, text.document_date or today),
            draft=not summary.current.closed,
        ),
    )
    party.add_title(doc, "BÁO CÁO", TITLE.format(year=year))
    if identity.plan_citation:
        party.add_paragraph(
            doc,
            f"Thực hiện {identity.plan_citation}, {identity.issuing_body} báo cáo sơ kết kết quả "
            f"thi đua năm {year} như sau:",
        )

    party.add_section_heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    party.add_section_heading(doc, "1. Số liệu chung")
    for sentence in result_sentences(summary, first_month, last_month):
        party.add_paragraph(doc, sentence)
    if calendar:
        for label, value in calendar.items():
            party.add_paragraph(doc, f"{label}: {value}.")
    previous_year = summary.previous.year if summary.previous else year - 1
    party.add_text(doc, f"Bảng 1. Số liệu năm {year} so với năm {previous_year}", italic=True,
                   align="center", keep_with_next=True)  # fmt: skip
    party.add_table(
        doc,
        [
            party.Column("Chỉ tiêu", 8.0),
            party.Column(f"Năm {previous_year}", 2.6, "center"),
            party.Column(f"Năm {year}", 2.6, "center"),
            party.Column("Tăng (+), giảm (−)", 2.8, "center"),
        ],
        figure_rows(summary.current, summary.previous),
    )
    party.add_section_heading(doc, "2. Kết quả xếp hạng các chi bộ")
    party.add_text(doc, f"Bảng 2. Xếp hạng các chi bộ năm {year}", italic=True, align="center",
                   keep_with_next=True)  # fmt: skip
    ranked = summary.standings.rows
    if len(ranked) > STANDINGS_ROWS_MAX:
        party.add_paragraph(
            doc,
            f"Bảng dưới đây nêu {STANDINGS_ROWS_MAX} chi bộ đứng đầu trong {count(len(ranked))} "
            "chi bộ; thứ hạng đầy đủ ở bảng điểm từng tháng (Excel) của năm.",
        )
    rows = []
    for index, row in enumerate(ranked[:STANDINGS_ROWS_MAX], start=1):
        average = row.average_rounded
        rows.append(
            (
                index,
                row.name,
                format_decimal(average, 2) if average is not None else "—",
                row.tot_months,
                row.months_missing,
                row.rank,
                row.grade.label if row.grade is not None else "—",
            )
        )
    party.add_table(
        doc,
        [
            party.Column("STT", 1.3, "center"),
            party.Column("Tên chi bộ", 4.6),
            party.Column("Điểm trung bình", 2.3, "center"),
            party.Column("Số kỳ Tốt", 1.7, "center"),
            party.Column("Số tháng thiếu", 1.8, "center"),
            party.Column("Xếp hạng", 1.8, "center"),
            party.Column("Xếp loại", 2.5, "center"),  # "Trung bình" on one line
        ],
        rows,
    )

    if indicator_years and indicator_rows:
        party.add_section_heading(doc, "3. Các chỉ số chất lượng sinh hoạt qua các năm")
        party.add_text(doc, "Bảng 3. Các chỉ số chất lượng sinh hoạt qua các năm", italic=True,
                       align="center", keep_with_next=True)  # fmt: skip
        width = (16.0 - 7.0) / len(indicator_years)
        party.add_table(
            doc,
            [party.Column("Chỉ số", 7.0)]
            + [party.Column(f"Năm {y}", width, "center") for y in indicator_years],
            indicator_rows,
        )

    party.add_section_heading(doc, "II. ĐÁNH GIÁ CHUNG")
    _paragraphs(doc, text.assessment)
    party.add_section_heading(doc, f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year + 1}")
    _paragraphs(doc, text.direction)
    party.add_section_heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    _paragraphs(doc, text.proposals)

    party.add_signature_block(
        doc,
        party.SignatureBlock(
            recipients=text.recipients or ("- Lưu Văn phòng Đảng ủy.",),
            signer_name=text.signer_name or identity.secretary_name,
        ),
    )
    return party.document_bytes(doc, author=identity.issuing_body, title=TITLE.format(year=year))
