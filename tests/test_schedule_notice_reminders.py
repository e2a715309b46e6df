"""The monthly notice (.docx, read back with python-docx) and the reminder e-mails, sent to a
real SMTP server (aiosmtpd) on a loopback port."""

from __future__ import annotations

import email
import email.policy
import io
import socket

import pytest
import sqlalchemy as sa
from docx import Document

from tracker.extensions import db
from tracker.models import CalendarAccount, Committee, OutboxMessage, User
from tracker.schedule import service

from .factories import cell, make_report


def user(username) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def plan(code, starts_at, kind="regular", attendee=None, topic="Triển khai nghị quyết"):
    admin = user("admin")
    meeting = service.plan_meeting(
        admin,
        service.check_meeting(cell=cell(code), cell_named=True, kind=kind, starts_at=starts_at,
                              place="Hội trường", topic=topic),
    )
    if attendee:
        service.assign_attendee(admin, meeting, attendee)
    return meeting


def document_text(data: bytes) -> tuple[str, list[list[str]]]:
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = doc.tables
    for table in tables:
        for row in table.rows:
            for cell_ in row.cells:
                text += "\n" + cell_.text
    rows = [[c.text for c in row.cells] for row in tables[-2].rows] if len(tables) >= 2 else []
    return text, rows


def test_the_notice_lists_the_month_cites_the_plan_and_names_the_committee_of_the_year(app, client, users, auth):
    with app.app_context():
        plan("ap-cho", "2023-03-03T19:30", attendee="danguy")
        plan("cong-an", "2023-03-10T07:30", kind="thematic", topic="Học tập và làm theo Bác")
        db.session.add(Committee(from_year=2025, name="Đảng ủy xã An Thạnh", superior_body="Đảng bộ thành phố Cần Thơ",
                                 place_name="An Thạnh", issuer_code="ĐU", secretary_name=""))
        db.session.commit()
    auth.login(users["committee"])
    answer = client.get("/lich/thong-bao.docx?year=2023&month=3")
    assert answer.status_code == 200
    assert "wordprocessingml" in answer.mimetype
    text, rows = document_text(answer.data)
    assert "ĐẢNG ỦY THỊ TRẤN CÙ LAO DUNG" in text and "ĐẢNG BỘ HUYỆN CÙ LAO DUNG" in text
    assert "An Thạnh" not in text  # 2023 prints the names of 2023
    assert "LỊCH" in text and "sinh hoạt chi bộ tháng 3/2023" in text
    assert "Kế hoạch số 21-KH/ĐU" in text
    assert "T/M ĐẢNG ỦY" in text and "Lưu Văn phòng Đảng ủy." in text
    assert rows[0] == ["STT", "Chi bộ", "Ngày", "Giờ", "Địa điểm", "Nội dung", "Đảng ủy viên dự"]
    assert rows[1][1] == "Chi bộ ấp Chợ" and rows[1][2].endswith("03/03/2023") and rows[1][3] == "19g30"
    assert rows[1][6] == "Danguy"
    assert rows[2][5] == "Chuyên đề: Học tập và làm theo Bác"
    assert any(r[2] == "Chưa có lịch" and r[1] == "Chi bộ Công an" for r in rows)
    assert rows[1][2] == "Thứ Sáu, 03/03/2023"  # one line: a row is one line when names fit
    # The signature is never on a page alone: the last two rows and the closing words go with it.
    document = Document(io.BytesIO(answer.data))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
            for row in table.rows[1:]]  # fmt: skip
    assert kept[-2:] == [True, True] and not any(kept[1:-2])
    assert kept[0]  # and the first row with the second: the table never starts with one row
    closing = next(p for p in document.paragraphs if p.text.startswith("Các chi bộ thông báo"))
    assert closing.paragraph_format.keep_with_next


def test_the_notice_command_writes_the_document_and_refuses_a_bad_month(app, runner, users, tmp_path):
    with app.app_context():
        plan("ap-cho", "2023-03-03T19:30")
        db.session.commit()
    output = tmp_path / "lich.docx"
    result = runner.invoke(args=["calendar-notice", "--year", "2023", "--month", "3", "--output", str(output)])
    assert result.exit_code == 0, result.output
    text, _rows = document_text(output.read_bytes())
    assert "sinh hoạt chi bộ tháng 3/2023" in text
    bad = runner.invoke(args=["calendar-notice", "--year", "2022", "--month", "2", "--output", str(output)])
    assert bad.exit_code != 0 and "không thuộc đợt thi đua" in bad.output
    bad = runner.invoke(args=["calendar-notice", "--year", "2031", "--month", "2", "--output", str(output)])
    assert bad.exit_code != 0 and "Không có năm thi đua 2031" in bad.output


# ---- reminders ---------------------------------------------------------------------------------


def subject_of(message) -> str:
    return str(message["Subject"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port that keeps what it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 Message accepted for delivery"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, received
    controller.stop()


def reminder_world(app):
    """Today 01/03/2023; ấp Chợ meets on 03/03 (danguy attends); its January report is overdue."""
    app.config["TODAY"] = "2023-03-01"
    with app.app_context():
        plan("ap-cho", "2023-01-05T19:30")  # planned, never reported: overdue
        plan("ap-cho", "2023-03-03T19:30", attendee="danguy")
        plan("cong-an", "2023-03-20T19:30")  # too far ahead
        for username, email in (("bithu.apcho", "bithu@example.vn"), ("danguy", "danguy@example.vn")):
            db.session.add(CalendarAccount(user_id=user(username).id, email=email))
        db.session.commit()


def test_without_smtp_the_command_prints_what_it_would_send_and_stores_nothing(app, runner, users):
    reminder_world(app)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Chưa cấu hình máy chủ thư" in result.output
    assert "Tới bithu@example.vn: Nhắc lịch sinh hoạt thường kỳ 19:30 ngày 03/03/2023" in result.output
    assert "Tới danguy@example.vn: Phân công dự sinh hoạt Chi bộ ấp Chợ" in result.output
    assert "Quá hạn nộp báo cáo sinh hoạt thường kỳ tháng 1/2023" in result.output
    assert "20/03/2023" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_reminders_go_through_smtp_once(app, runner, users, smtp_server):
    port, received = smtp_server
    reminder_world(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="lich@danguy.example.vn")
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "3 thư đã gửi" in first.output
    assert sorted(m["To"] for m in received) == ["bithu@example.vn", "bithu@example.vn", "danguy@example.vn"]
    subjects = {subject_of(m) for m in received}
    assert "Phân công dự sinh hoạt Chi bộ ấp Chợ 19:30 ngày 03/03/2023" in subjects
    body = next(m for m in received if m["To"] == "danguy@example.vn").get_content()
    assert "Hội trường" in body and "Triển khai nghị quyết" in body
    second = runner.invoke(args=["send-reminders"])
    assert "0 thư đã gửi, 3 thư đã gửi từ trước" in second.output
    assert len(received) == 3
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert len(rows) == 3 and all(row.sent_at is not None for row in rows)


def test_a_moved_meeting_is_reminded_again_and_a_filed_report_stops_the_overdue_one(app, runner, users, smtp_server):
    port, received = smtp_server
    reminder_world(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    runner.invoke(args=["send-reminders"])
    with app.app_context():
        from tracker.models import Meeting
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.month == 3, Meeting.cell_id == cell("ap-cho").id))
        service.reschedule_meeting(user("admin"), meeting, service.check_meeting(
            cell=cell("ap-cho"), cell_named=True, kind="regular", starts_at="2023-03-04T08:00", place="Hội trường", topic=""))
        make_report("ap-cho", 2023, 1, status="submitted")
        db.session.commit()
    before = len(received)
    result = runner.invoke(args=["send-reminders"])
    assert "2 thư đã gửi" in result.output, result.output
    assert [subject_of(m).endswith("04/03/2023") for m in received[before:]] == [True, True]


def test_an_unreachable_smtp_server_leaves_the_reminders_for_the_next_run(app, runner, users):
    reminder_world(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "không kết nối được máy chủ thư" in result.output
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert len(rows) == 3 and all(row.sent_at is None and row.error for row in rows)


def test_the_outbox_page_shows_what_was_sent_to_the_committee_only(app, client, runner, users, auth, smtp_server):
    port, _received = smtp_server
    reminder_world(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    runner.invoke(args=["send-reminders"])
    auth.login(users["secretary"])
    assert client.get("/lich/thu-nhac").status_code == 403
    auth.logout()
    auth.login(users["committee"])
    page = client.get("/lich/thu-nhac").get_data(as_text=True)
    assert "danguy@example.vn" in page and "Đã gửi" in page


def test_a_notice_of_2025_prints_the_names_in_force_from_2025(app, client, users, auth):
    with app.app_context():
        plan("ap-cho", "2025-09-03T19:30")
        db.session.add(Committee(from_year=2025, name="Đảng ủy xã An Thạnh", superior_body="Đảng bộ thành phố Cần Thơ",
                                 place_name="An Thạnh", issuer_code="ĐU", secretary_name="Lê Văn Minh"))
        db.session.commit()
    auth.login(users["admin"])
    text, _rows = document_text(client.get("/lich/thong-bao.docx?year=2025&month=9").data)
    assert "ĐẢNG ỦY XÃ AN THẠNH" in text and "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ" in text
    assert "Lê Văn Minh" in text and "THỊ TRẤN CÙ LAO DUNG" not in text
