"""The merged commune: 60 cells with long names, in every category, on a phone and a desk.

Comparable merged communes have 19–36 affiliated cells and more (domain.md, "After 2025"):
the standings, the monthly matrix, the outstanding reports and the award proposal must stay
readable and complete with 60 of them, on a 360 px phone as on a desktop.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, CellCategory

from .browser import fits_the_screen, resize, save, sign_in
from .conftest import DESKTOP, PHONE
from .factories import make_report, same_rows
from .test_api_rankings import tokens  # noqa: F401 (a fixture)

PLACES = [
    "An Thạnh", "An Thạnh Tây", "An Thạnh Đông", "An Thạnh 1", "Phước Hòa A", "Phước Hòa B",
    "Sơn Ton", "Bến Bạ", "Vàm Hồ", "Long Ẩn", "Nguyễn Công Minh A", "Nguyễn Công Minh B",
    "Bình Danh", "Văn Sáu", "Phạm Thành Hơn A", "Phạm Thành Hơn B", "Cồn Cát",
]  # fmt: skip
KINDS = {
    CellCategory.HAMLET: "Chi bộ ấp {}",
    CellCategory.SECTOR: "Chi bộ Hợp tác xã Nông nghiệp và Dịch vụ {}",
    CellCategory.SCHOOL: "Chi bộ Trường Trung học cơ sở và Trung học phổ thông {}",
}
YEAR, MONTHS = 2022, (4, 5, 6)


@pytest.fixture
def commune(app, prepared):
    """51 more cells (60 in all), each with April to June 2022: most approved, some waiting
    for review or missing, so that every page has ranks, ties, gaps and pending months."""
    app.config["TODAY"] = "2022-07-12"
    return prepared(build_commune)


def build_commune() -> dict[str, str]:
    order = 100
    for category, pattern in KINDS.items():
        for index, place in enumerate(PLACES):
            order += 1
            db.session.add(
                Cell(
                    code=f"{category.value}-{index:02d}",
                    name=pattern.format(place),
                    category=category,
                    display_order=order,
                )
            )
    db.session.flush()
    codes = list(db.session.scalars(sa.select(Cell.code).order_by(Cell.display_order)))
    assert len(codes) == 60
    with db.session.no_autoflush, same_rows():  # one flush for all the reports
        for position, code in enumerate(codes):
            for month in MONTHS:
                if month == 6 and position % 7 == 3:
                    continue  # missing
                status = "submitted" if month == 6 and position % 5 == 1 else "approved"
                total = 60 + (position * 7 + month) % 40
                make_report(code, YEAR, month, total=total, status=status, flush=False)
    db.session.flush()
    return {
        code: db.session.scalar(sa.select(Cell.name).where(Cell.code == code)) for code in codes
    }


def test_the_api_ranks_all_sixty_and_each_category_from_one(client, tokens, commune):  # noqa: F811
    every = client.get(f"/api/v1/rankings?year={YEAR}", headers=tokens["committee"]).get_json()[
        "rankings"
    ]
    assert len(every) == 60
    assert [row["rank"] for row in every] == sorted(row["rank"] for row in every)
    for category in ("hamlet", "sector", "school"):
        rows = client.get(
            f"/api/v1/rankings?year={YEAR}&category={category}", headers=tokens["committee"]
        ).get_json()["rankings"]
        assert len(rows) == 20 and rows[0]["rank"] == 1
        assert {row["category"] for row in rows} == {category}


PAGES = [
    f"/rankings/?year={YEAR}",
    f"/rankings/?year={YEAR}&month=6",
    f"/rankings/matrix?year={YEAR}",
    f"/reports/outstanding?year={YEAR}",
    "/rankings/years",
    f"/awards/{YEAR}",
]


@pytest.mark.backends("sqlite")
def test_every_page_of_sixty_cells_fits_the_screen_and_names_them_all(
    live_server, browser_page, users, commune, screenshots_dir
):
    """Each page loaded once, read on a phone and on a desk (resized)."""
    page = browser_page(PHONE)
    sign_in(page, live_server, users["committee"])
    longest = max(commune.values(), key=len)
    for path in PAGES:
        page.set_viewport_size(PHONE)
        answer = page.goto(live_server + path)
        assert answer.status == 200, path
        text = page.locator("main").inner_text()
        if path.startswith(("/rankings/?", "/rankings/matrix")):
            missing = [name for name in commune.values() if name not in text]
            assert not missing, (path, missing[:3])
        for viewport in (PHONE, DESKTOP):
            resize(page, viewport)
            assert fits_the_screen(page, viewport), (path, viewport["width"])
            name = "scale60-" + re.sub(r"[^a-z0-9]+", "-", path).strip("-")
            save(page, screenshots_dir, f"{name}-{viewport['width']}", viewport)
    # The longest name stays whole on the phone's standings (wrapped, never cut off).
    page.goto(live_server + f"/rankings/?year={YEAR}")
    for viewport in (PHONE, DESKTOP):
        resize(page, viewport)
        cell_name = page.get_by_text(longest, exact=True).first
        assert cell_name.is_visible()
        box = cell_name.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


def test_outstanding_counts_and_names_each_gap_among_sixty(client, auth, users, commune):
    auth.login(users["committee"])
    page = client.get(f"/reports/outstanding?year={YEAR}").get_data(as_text=True)
    codes = list(commune)
    missing = [commune[code] for position, code in enumerate(codes) if position % 7 == 3]
    waiting = [p for p in range(60) if p % 5 == 1 and p % 7 != 3]
    assert len(missing) == 9 and len(waiting) == 11
    assert '<div class="card__value">9</div>kỳ sinh hoạt thường kỳ' in page
    assert f'<div class="card__value">{len(waiting)}</div>báo cáo chờ duyệt' in page
    gaps = re.findall(r"<li><strong>(.*?)</strong>:\s*thường kỳ T6", page)
    assert sorted(gaps) == sorted(missing)
