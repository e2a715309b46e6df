"""The main menu, by role. An entry shows only when its page exists and the role may open it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[Role, ...]


ALL = (Role.ADMIN, Role.COMMITTEE, Role.SECRETARY)
READERS = (Role.ADMIN, Role.COMMITTEE)

MENU = [
    NavItem("Trang chủ", "main.home", ALL),
    NavItem("Báo cáo", "reports.index", ALL),
    NavItem("Duyệt báo cáo", "reports.queue", READERS),
    NavItem("Lịch sinh hoạt", "schedule.month", ALL),
    NavItem("Xếp hạng", "rankings.index", ALL),
    NavItem("Khen thưởng", "awards.index", READERS),
    NavItem("Sơ kết", "review.index", READERS),
    NavItem("Mô hình hay", "exemplary.index", ALL),
    NavItem("Đảng viên", "members.index", ALL),
    NavItem("Quản trị", "admin.index", (Role.ADMIN,)),
    # "Mã API" lives on the account page (issue 12): not a secretary's daily task.
    NavItem("Nhật ký", "audit.index", (Role.ADMIN,)),
]


def menu_for_current_user() -> list[dict]:
    """Return the menu entries the signed-in user may open, marking the current one."""
    if not current_user.is_authenticated:
        return []
    items = []
    current_area = (request.endpoint or "").split(".")[0]
    for item in MENU:
        if current_user.role not in item.roles or item.endpoint not in current_app.view_functions:
            continue
        area = item.endpoint.split(".")[0]
        items.append(
            {
                "label": item.label,
                "url": url_for(item.endpoint),
                "active": request.endpoint == item.endpoint
                or (area == current_area and area not in ("main", "reports")),
            }
        )
    return items
