"""What the audit log calls each action: the keys the code writes, in plain Vietnamese.

Every key passed to ``services.audit.record`` (directly or through a helper) needs a label
here; tests/test_audit_labels.py reads the source and fails when one is missing.
"""

from __future__ import annotations

# The actions by subject, as the filter of the log groups them.
ACTION_GROUPS: list[tuple[str, dict[str, str]]] = [
    (
        "Đăng nhập, đăng xuất",
        {
            "login.success": "Đăng nhập",
            "login.failure": "Đăng nhập sai",
            "login.throttled": "Tạm khóa đăng nhập",
            "logout": "Đăng xuất",
        },
    ),
    (
        "Tài khoản và mã API",
        {
            "user.create": "Tạo tài khoản",
            "user.update": "Sửa tài khoản",
            "user.password": "Đặt lại mật khẩu",
            "user.password_change": "Đổi mật khẩu",
            "user.deactivate": "Khóa tài khoản",
            "user.reactivate": "Mở khóa tài khoản",
            "token.create": "Tạo mã API",
            "token.revoke": "Thu hồi mã API",
        },
    ),
    (
        "Đảng viên",
        {
            "member.create": "Thêm đảng viên",
            "member.update": "Sửa thông tin đảng viên",
            "member.deactivate": "Thôi sinh hoạt đảng viên",
            "member.reactivate": "Cho đảng viên sinh hoạt lại",
            "member.transfer": "Chuyển sinh hoạt đảng viên",
            "member.import": "Nhập danh sách đảng viên",
        },
    ),
    (
        "Báo cáo sinh hoạt",
        {
            "report.create": "Lập báo cáo",
            "report.update": "Sửa báo cáo",
            "report.attach": "Đính kèm biên bản",
            "report.score": "Chấm điểm tiêu chí",
            "report.submit": "Gửi báo cáo",
            "report.resubmit": "Gửi lại báo cáo",
            "report.approve": "Duyệt báo cáo",
            "report.return": "Trả lại báo cáo",
            "report.reopen": "Mở lại báo cáo",
        },
    ),
    (
        "Tổ chức và năm thi đua",
        {
            "committee.update": "Sửa thông tin Đảng ủy",
            "committee.add": "Thêm tên gọi Đảng ủy từ một năm",
            "committee.delete": "Xóa tên gọi Đảng ủy",
            "cell.create": "Thêm chi bộ",
            "cell.update": "Sửa chi bộ",
            "rubric.update": "Sửa thang điểm",
            "campaign.settings": "Sửa thiết lập năm thi đua",
            "campaign.open": "Mở năm thi đua",
            "campaign.plan": "Đổi kế hoạch của năm thi đua",
            "plan.create": "Đăng ký kế hoạch thi đua",
            "plan.update": "Sửa kế hoạch thi đua",
            "campaign.close": "Khóa sổ năm thi đua",
            "campaign.reopen": "Mở lại năm thi đua",
        },
    ),
    (
        "Khen thưởng",
        {
            "award.proposal.create": "Lập đề xuất khen thưởng",
            "award.proposal.reset": "Đặt lại đề xuất khen thưởng",
            "award.document.update": "Sửa thông tin văn bản khen thưởng",
            "award.cell.add": "Thêm chi bộ vào đề xuất khen",
            "award.cell.remove": "Bỏ chi bộ khỏi đề xuất khen",
            "award.cell.move": "Đổi thứ tự chi bộ đề xuất khen",
            "award.cell.update": "Sửa đề xuất khen chi bộ",
            "award.member.add": "Thêm đảng viên vào đề xuất khen",
            "award.member.remove": "Bỏ đảng viên khỏi đề xuất khen",
            "award.member.move": "Đổi thứ tự đảng viên đề xuất khen",
            "award.member.update": "Sửa đề xuất khen đảng viên",
        },
    ),
    (
        "Sơ kết và nhân rộng",
        {
            "review.update": "Soạn báo cáo sơ kết",
            "exemplary.mark": "Chọn mô hình hay",
            "exemplary.update": "Sửa ghi chú mô hình hay",
            "exemplary.unmark": "Bỏ mô hình hay",
        },
    ),
    (
        "Lịch sinh hoạt",
        {
            "meeting.plan": "Lập lịch sinh hoạt",
            "meeting.reschedule": "Đổi lịch sinh hoạt",
            "meeting.cancel": "Hủy lịch sinh hoạt",
            "meeting.assign": "Phân công người dự",
            "meeting.followers": "Phân công Đảng ủy viên phụ trách",
            "calendar.feed_new": "Tạo địa chỉ lịch bí mật",
            "calendar.feed_revoke": "Thu hồi địa chỉ lịch bí mật",
            "calendar.email": "Đổi địa chỉ nhận nhắc lịch",
            "calendar.deadline": "Đặt hạn nộp báo cáo",
        },
    ),
]

ACTION_LABELS: dict[str, str] = {
    key: label for _group, labels in ACTION_GROUPS for key, label in labels.items()
}


def action_label(action: str) -> str:
    """The Vietnamese name of an action; an unknown key is shown as it is."""
    return ACTION_LABELS.get(action, action)


def action_groups(chosen: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's options: (subject, [(key, label), ...]); a chosen unknown key is kept."""
    groups = [(group, list(labels.items())) for group, labels in ACTION_GROUPS]
    if chosen and chosen not in ACTION_LABELS:
        groups.append(("Khác", [(chosen, chosen)]))
    return groups
