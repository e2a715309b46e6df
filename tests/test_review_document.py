"""The year's review report (.docx): `flask --app tracker export-summary` and the download,
read back with python-docx: the HD 36 layout, the figures of /api/v1/summary, the committee's
parts as written, and the committee's name as of that year."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from tracker.extensions import db
from tracker.models import Committee, User
from tracker.services.review import ReviewInput, save_review

from .factories import campaign, make_report
from .ranking_data import make_season

# The document's layout and texts do not depend on the database: these run on SQLite. The
# figures it prints (summary, standings, indicators, calendar counts) run on both.
ON_SQLITE = pytest.mark.backends("sqlite")


@pytest.fixture
def year_2022(app, prepared):
    app.config["TODAY"] = "2023-02-01"
    prepared(make_season)


def export(runner, tmp_path, year=2022) -> Document:
    target = tmp_path / f"so-ket-{year}.docx"
    result = runner.invoke(args=["export-summary", "--year", str(year), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert f"báo cáo sơ kết năm {year}" in result.output
    return Document(io.BytesIO(target.read_bytes()))


def body_text(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@ON_SQLITE
def test_the_document_has_the_party_header_title_and_signature(runner, tmp_path, year_2022):
    doc = export(runner, tmp_path)
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == [
        "ĐẢNG BỘ HUYỆN CÙ LAO DUNG",
        "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG",
    ]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    text = body_text(doc)
    assert text[0] == "BÁO CÁO"
    assert text[1] == "Sơ kết thi đua nâng cao chất lượng sinh hoạt chi bộ năm 2022"
    assert text[3].startswith("Thực hiện Kế hoạch số 21-KH/ĐU ngày 14/04/2022")
    headings = [line for line in text if line[:3] in ("I. ", "II.", "III", "IV.")]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2023",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    signature = doc.tables[-1].rows[0].cells
    assert signature[0].paragraphs[0].text == "Nơi nhận:"
    assert signature[0].paragraphs[-1].text == "- Lưu Văn phòng Đảng ủy."
    assert [p.text for p in signature[1].paragraphs if p.text][:2] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_part_one_carries_the_figures_of_the_summary_endpoint(
    app, client, runner, tmp_path, year_2022, users
):
    from tracker.services.accounts import create_token

    with app.app_context():
        raw, _ = create_token(db.session.get(User, users["committee"].id), label="t")
        db.session.commit()
    figures = client.get(
        "/api/v1/summary?year=2022", headers={"Authorization": f"Bearer {raw}"}
    ).get_json()
    doc = export(runner, tmp_path)
    text = "\n".join(body_text(doc))
    # The number of approved monthly reports, stated as a plain number.
    assert (
        f"Đảng ủy đã duyệt {figures['regular_reports_approved']} báo cáo sinh hoạt thường kỳ"
        in text
    )
    assert f"và {figures['thematic_reports_approved']} báo cáo sinh hoạt chuyên đề" in text
    assert f"Còn {figures['months_missing']} tháng" in text
    assert f"trong đó {figures['months_pending']} tháng" in text
    assert f"Có {figures['quarters_without_thematic']} lượt chi bộ" in text
    rate = f"{figures['attendance_rate'] * 100:.2f}".replace(".", ",") + "%"
    assert f"đạt {rate}" in text
    figures_table = table_rows(doc.tables[1])
    assert figures_table[0] == ["Chỉ tiêu", "Năm 2021", "Năm 2022", "Tăng (+), giảm (−)"]
    by_label = {row[0]: row[1:] for row in figures_table[1:]}
    assert by_label["Số báo cáo sinh hoạt thường kỳ đã duyệt"] == [
        "—",
        str(figures["regular_reports_approved"]),
        "—",
    ]
    assert by_label["Số chi bộ xếp loại Tốt"][1] == str(figures["grades"]["tot"])
    assert by_label["Số chi bộ xếp loại Kém"][1] == str(figures["grades"]["kem"])
    assert by_label["Tỷ lệ đảng viên dự sinh hoạt"][1] == rate


def test_the_standings_table_follows_the_rankings_and_repeats_its_header(
    runner, tmp_path, year_2022
):
    doc = export(runner, tmp_path)
    standings = doc.tables[2]
    rows = table_rows(standings)
    assert rows[0][:3] == ["STT", "Tên chi bộ", "Điểm trung bình"]
    assert [row[1] for row in rows[1:3]] == ["Chi bộ ấp Chợ", "Chi bộ Quân sự"]
    assert rows[1][2] == "94,78"
    header = standings.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None


def test_the_previous_year_stands_beside_each_figure(runner, tmp_path, app):
    app.config["TODAY"] = "2024-01-15"
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=90)
        make_report("ap-cho", 2023, 5, total=90)
        make_report("ap-cho", 2023, 6, total=90)
        db.session.commit()
    doc = export(runner, tmp_path, 2023)
    by_label = {row[0]: row[1:] for row in table_rows(doc.tables[1])[1:]}
    assert by_label["Số báo cáo sinh hoạt thường kỳ đã duyệt"] == ["1", "2", "+1"]
    assert by_label["Số tháng thiếu báo cáo được duyệt"] == ["80", "106", "+26"]
    assert by_label["Tỷ lệ đảng viên dự sinh hoạt"] == ["95,00%", "95,00%", "0"]
    assert "(năm 2022: 1 và 0)" in "\n".join(body_text(doc))


@ON_SQLITE
def test_a_year_not_over_says_which_months_it_counts_and_that_it_is_provisional(
    runner, tmp_path, app
):
    app.config["TODAY"] = "2022-11-20"  # April to October have ended
    doc = export(runner, tmp_path)
    text = "\n".join(body_text(doc))
    assert "tính trên 7 tháng đã kết thúc của đợt thi đua (từ tháng 4 đến tháng 10)" in text
    assert "Đợt thi đua năm 2022 chưa kết thúc (đến tháng 12): các số liệu là tạm tính" in text
    right = [p.text for p in doc.tables[0].rows[0].cells[1].paragraphs]
    assert "DỰ THẢO" in right


@ON_SQLITE
def test_an_ended_year_not_closed_is_provisional_and_a_closed_one_is_not(runner, tmp_path, app):
    app.config["TODAY"] = "2023-02-01"
    text = "\n".join(body_text(export(runner, tmp_path)))
    assert "(từ tháng 4 đến tháng 12)" in text
    assert "Năm thi đua 2022 chưa khóa sổ: các số liệu là tạm tính" in text
    with app.app_context():
        campaign(2022).closed_at = dt.datetime(2023, 1, 31, tzinfo=dt.UTC)
        db.session.commit()
    doc = export(runner, tmp_path)
    assert "tạm tính" not in "\n".join(body_text(doc))
    assert "DỰ THẢO" not in [p.text for p in doc.tables[0].rows[0].cells[1].paragraphs]


def test_a_previous_year_without_any_report_is_not_compared(runner, tmp_path, app):
    """2023 was left open without a report (the app was not used that year): the 2024 review
    prints "—" beside it, not 0 reports and every cell Kém."""
    app.config["TODAY"] = "2025-01-15"
    with app.app_context():
        make_report("ap-cho", 2024, 5, total=90)
        db.session.commit()
    doc = export(runner, tmp_path, 2024)
    by_label = {row[0]: row[1:] for row in table_rows(doc.tables[1])[1:]}
    assert by_label["Số báo cáo sinh hoạt thường kỳ đã duyệt"] == ["—", "1", "—"]
    assert by_label["Số chi bộ xếp loại Kém"][0] == "—"
    assert "năm 2023:" not in "\n".join(body_text(doc))


@ON_SQLITE
def test_the_committee_parts_are_printed_as_written(runner, tmp_path, year_2022, app, users):
    with app.app_context():
        save_review(
            campaign(2022),
            ReviewInput(
                document_number="45-BC/ĐU",
                assessment="Ưu điểm: các chi bộ sinh hoạt đều.\nHạn chế: đảng viên trẻ ít phát biểu.",
                direction="Tăng sinh hoạt chuyên đề về Bác.",
                proposals="Đề nghị Huyện ủy tập huấn ghi biên bản.",
                recipients="Ban Thường vụ Huyện ủy (để báo cáo);\n- Các chi bộ trực thuộc;",
                signer_name="Nguyễn Văn Thử",
            ),
            actor=db.session.get(User, users["committee"].id),
        )
        db.session.commit()
    doc = export(runner, tmp_path)
    text = body_text(doc)
    assert "Hạn chế: đảng viên trẻ ít phát biểu." in text
    assert "Tăng sinh hoạt chuyên đề về Bác." in text
    assert "Đề nghị Huyện ủy tập huấn ghi biên bản." in text
    left = doc.tables[0].rows[0].cells[0]
    assert "Số 45-BC/ĐU" in [p.text for p in left.paragraphs]
    signature = doc.tables[-1].rows[0].cells
    assert [p.text for p in signature[0].paragraphs] == [
        "Nơi nhận:",
        "- Ban Thường vụ Huyện ủy (để báo cáo);",
        "- Các chi bộ trực thuộc;",
        "- Lưu Văn phòng Đảng ủy.",
    ]
    assert signature[1].paragraphs[-1].text == "Nguyễn Văn Thử"


def test_each_year_prints_the_committee_name_of_that_year(runner, tmp_path, app):
    app.config["TODAY"] = "2026-01-15"
    with app.app_context():
        db.session.add(
            Committee(
                from_year=2025,
                name="Đảng ủy xã An Thạnh",
                superior_body="Đảng bộ thành phố Cần Thơ",
                place_name="An Thạnh",
                issuer_code="ĐU",
                secretary_name="Trần Văn Mới",
            )
        )
        db.session.commit()
    old = export(runner, tmp_path, 2024).tables[0].rows[0].cells[0]
    new_doc = export(runner, tmp_path, 2025)
    new = new_doc.tables[0].rows[0].cells[0]
    assert [p.text for p in old.paragraphs][:2] == [
        "ĐẢNG BỘ HUYỆN CÙ LAO DUNG",
        "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG",
    ]
    assert [p.text for p in new.paragraphs][:2] == [
        "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ",
        "ĐẢNG ỦY XÃ AN THẠNH",
    ]
    right = [p.text for p in new_doc.tables[0].rows[0].cells[1].paragraphs]
    assert any(line.startswith("An Thạnh, ngày ") for line in right), right
    assert new_doc.tables[-1].rows[0].cells[1].paragraphs[-1].text == "Trần Văn Mới"


@ON_SQLITE
def test_export_summary_refuses_a_year_without_a_campaign(runner, tmp_path):
    result = runner.invoke(
        args=["export-summary", "--year", "2031", "--output", str(tmp_path / "x.docx")]
    )
    assert result.exit_code == 1
    assert "Không có năm thi đua 2031." in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.docx").exists()


def test_part_one_tabulates_the_quality_indicators_year_over_year(runner, tmp_path, app):
    app.config["TODAY"] = "2024-01-15"
    with app.app_context():
        make_report("ap-cho", 2022, 5, total=90, attendance=(20, 0, 15, 5, 0))
        make_report("ap-cho", 2023, 5, total=90, attendance=(20, 0, 18, 2, 0))
        db.session.commit()
    doc = export(runner, tmp_path, 2023)
    rows = table_rows(doc.tables[3])
    assert rows[0] == ["Chỉ số", "Năm 2022", "Năm 2023"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Tỷ lệ dự sinh hoạt"] == ["75,0%", "90,0%"]
    assert "Điểm tiêu chí tự phê bình và phê bình" in by_label
    assert "Buổi chuyên đề học tập và làm theo Bác" in by_label


def test_late_and_overdue_reports_of_the_calendar_are_counted_in_the_review(
    runner, tmp_path, app, client, auth, users
):
    from .test_schedule_deadlines import filed, plan

    app.config["TODAY"] = "2023-07-05"
    with app.app_context():
        filed("ap-cho", 3, dt.date(2023, 3, 3), dt.date(2023, 3, 8))  # on time
        filed("ap-cho", 4, dt.date(2023, 4, 3), dt.date(2023, 4, 9))  # late
        filed("ap-cho", 5, dt.date(2023, 5, 3), None, status="draft")  # overdue: a draft
        plan("ap-cho", "2023-06-03T19:30")  # overdue: planned, no report
        plan("ap-cho", "2023-07-03T19:30")  # not yet due
    text = "\n".join(body_text(export(runner, tmp_path, 2023)))
    assert "Số báo cáo gửi muộn so với hạn nộp: 1." in text
    assert "Số buổi sinh hoạt đã quá hạn mà chưa gửi báo cáo: 2." in text
    auth.login(users["committee"])
    page = client.get("/review/2023").text
    assert "Số báo cáo gửi muộn so với hạn nộp" in page
    assert "Số buổi sinh hoạt đã quá hạn mà chưa gửi báo cáo" in page


@ON_SQLITE
def test_a_very_large_committee_gets_the_first_ranks_and_a_pointer(
    runner, tmp_path, app, monkeypatch
):
    from tracker.documents import review

    monkeypatch.setattr(review, "STANDINGS_ROWS_MAX", 4)
    app.config["TODAY"] = "2023-02-01"
    doc = export(runner, tmp_path)
    assert len(doc.tables[2].rows) == 1 + 4
    assert "Bảng dưới đây nêu 4 chi bộ đứng đầu trong 9 chi bộ" in "\n".join(body_text(doc))
