"""The reference data of the town: committee, cells, campaigns, the default rubric, members.

Everything here is fictional where no public source exists (domain.md). ``seed_reference_data``
is idempotent: it adds only what is missing, and members only into an empty register.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa

from .domain.scoring import DEFAULT_BANDS, Grade
from .extensions import db
from .models import (
    Campaign,
    Cell,
    CellCategory,
    CellRole,
    Committee,
    Criterion,
    Gender,
    GradeBand,
    Member,
    MemberStatus,
    Plan,
)

COMMITTEE = {
    "from_year": 2022,
    "name": "Đảng ủy thị trấn Cù Lao Dung",
    "superior_body": "Đảng bộ huyện Cù Lao Dung",
    "place_name": "Cù Lao Dung",
    "issuer_code": "ĐU",
    "secretary_name": "Trần Văn Hùng",
}


@dataclass(frozen=True)
class CellSeed:
    code: str
    name: str
    category: CellCategory
    members: int
    women: int
    probationary: int
    khmer: int
    exempted: int
    born_from: int
    born_to: int


CELLS = [
    CellSeed("ap-cho", "Chi bộ ấp Chợ", CellCategory.HAMLET, 48, 16, 1, 1, 4, 1942, 1996),
    CellSeed("ap-phuoc-hoa-a", "Chi bộ ấp Phước Hòa A", CellCategory.HAMLET, 44, 14, 1, 2, 3, 1943, 1997),
    CellSeed("ap-phuoc-hoa-b", "Chi bộ ấp Phước Hòa B", CellCategory.HAMLET, 42, 13, 1, 2, 3, 1945, 1998),
    CellSeed("quan-su", "Chi bộ Quân sự", CellCategory.SECTOR, 14, 1, 1, 0, 0, 1975, 2000),
    CellSeed("cong-an", "Chi bộ Công an", CellCategory.SECTOR, 18, 3, 1, 0, 0, 1972, 1999),
    CellSeed("co-quan", "Chi bộ Cơ quan", CellCategory.SECTOR, 36, 16, 2, 1, 0, 1966, 1997),
    CellSeed("mam-non", "Chi bộ Trường Mầm non", CellCategory.SCHOOL, 14, 14, 1, 0, 0, 1970, 1998),
    CellSeed("tieu-hoc", "Chi bộ Trường Tiểu học", CellCategory.SCHOOL, 20, 14, 1, 0, 0, 1968, 1998),
    CellSeed("thcs", "Chi bộ Trường THCS thị trấn", CellCategory.SCHOOL, 20, 12, 1, 0, 0, 1969, 1997),
]

PLAN = {
    "number": "21-KH/ĐU",
    "issued_on": dt.date(2022, 4, 14),
    "issuing_body": "Đảng ủy thị trấn Cù Lao Dung",
    "title": "Thi đua nâng cao chất lượng sinh hoạt chi bộ",
    "first_year": 2022,
    "last_year": 2025,
}
# 2022 ran from April; 2023 to 2025 run January to December.
CAMPAIGNS = [(2022, 4, 12), (2023, 1, 12), (2024, 1, 12), (2025, 1, 12)]

# (code, title, max points, gate)
DEFAULT_RUBRIC = [
    ("attendance", "Tỷ lệ đảng viên dự sinh hoạt (trên 85%, không vắng không lý do)", 15, True),
    ("preparation", "Công tác chuẩn bị (họp chi ủy, nội dung, dự thảo nghị quyết)", 15, False),
    ("procedure", "Đúng thời gian, trình tự, đủ nội dung", 10, False),
    (
        "ideology",
        "Nội dung tư tưởng; học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        5,
        False,
    ),
    ("criticism", "Tự phê bình và phê bình; nguyên tắc tập trung dân chủ", 10, False),
    ("speaking", "Đảng viên tham gia phát biểu (có đảng viên trẻ)", 10, True),
    ("duration", "Thời lượng từ 90 phút trở lên", 5, True),
    ("minutes", "Biên bản ghi đầy đủ ý kiến và kết luận", 5, True),
    ("results", "Kết quả thực hiện nghị quyết kỳ trước", 25, False),
]

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ",
                "Hồ", "Ngô", "Dương", "Lý", "Trương", "Lâm"]
KHMER_FAMILY_NAMES = ["Thạch", "Sơn", "Kim", "Danh", "Lâm"]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Minh", "Hoàng", "Thanh", "Quốc", "Hữu", "Công", "Tấn"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Mỹ", "Bích", "Thu", "Hồng"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hòa", "Hùng", "Huy",
              "Khánh", "Khoa", "Lâm", "Lộc", "Long", "Minh", "Nam", "Nghĩa", "Nhân", "Phúc",
              "Phong", "Quang", "Sang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn",
              "Trí", "Trung", "Tuấn", "Việt", "Vinh", "Vũ"]
FEMALE_GIVEN = ["Anh", "Bích", "Châu", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng",
                "Hiền", "Hoa", "Hồng", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My",
                "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Thủy",
                "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Xuân", "Yến"]
KHMER_GIVEN_MALE = ["Sóc", "Phol", "Sa Rết", "Mây", "Thươl"]
KHMER_GIVEN_FEMALE = ["Sa Ry", "Chanh Đa", "Sô Phia", "Sa Vy", "Mỹ Linh"]


def seed_reference_data(today: dt.date | None = None) -> dict[str, int]:
    """Add the committee, cells, campaigns, rubrics and (into an empty register) members.

    Return how many rows of each kind were added; a second run adds nothing.
    """
    added = {"committee": 0, "cells": 0, "campaigns": 0, "members": 0}
    if db.session.scalar(sa.select(sa.func.count(Committee.id))) == 0:
        db.session.add(Committee(**COMMITTEE))
        added["committee"] = 1

    existing_cells = set(db.session.scalars(sa.select(Cell.code)))
    for order, seed in enumerate(CELLS, start=1):
        if seed.code not in existing_cells:
            db.session.add(
                Cell(code=seed.code, name=seed.name, category=seed.category, display_order=order)
            )
            added["cells"] += 1

    plan = db.session.scalar(sa.select(Plan).where(Plan.number == PLAN["number"]))
    if plan is None:
        plan = Plan(**PLAN)
        db.session.add(plan)
    existing_years = set(db.session.scalars(sa.select(Campaign.year)))
    for year, first, last in CAMPAIGNS:
        if year not in existing_years:
            db.session.add(new_campaign(year, first, last, plan))
            added["campaigns"] += 1
    db.session.flush()

    if db.session.scalar(sa.select(sa.func.count(Member.id))) == 0:
        cells = {cell.code: cell for cell in db.session.scalars(sa.select(Cell))}
        members = fictional_members(cells)
        db.session.add_all(members)
        added["members"] = len(members)
    db.session.flush()
    return added


def new_campaign(year: int, first_month: int, last_month: int, plan: Plan) -> Campaign:
    """Return a campaign year with the default rubric, grade bands and settings."""
    campaign = Campaign(
        year=year,
        plan=plan,
        first_month=first_month,
        last_month=last_month,
    )
    campaign.criteria = [
        Criterion(code=code, title=title, max_half_points=2 * points, gate=gate, position=index)
        for index, (code, title, points, gate) in enumerate(DEFAULT_RUBRIC, start=1)
    ]
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(new_campaign_bands(campaign))
    return campaign


def new_campaign_bands(campaign: Campaign) -> list[GradeBand]:
    """The default grade bands of a campaign year (domain.md)."""
    return [
        GradeBand(campaign_id=campaign.id, grade=grade, min_half_points=bound)
        for grade, bound in (
            (Grade.TOT, DEFAULT_BANDS.tot),
            (Grade.KHA, DEFAULT_BANDS.kha),
            (Grade.TRUNG_BINH, DEFAULT_BANDS.trung_binh),
            (Grade.KEM, 0),
        )
    ]


def fictional_members(cells: dict[str, Cell], rng_seed: int = 21) -> list[Member]:
    """Build the 256 fictional members: 10 probationary, 103 women, 6 Khmer (the seed)."""
    rng = random.Random(rng_seed)
    used_names: set[str] = set()
    members: list[Member] = []
    for seed in CELLS:
        cell = cells[seed.code]
        everyone = range(seed.members)
        rank_and_file = range(4, seed.members)  # not in the cell committee
        women = set(rng.sample(everyone, seed.women))
        khmer = set(rng.sample(range(1, seed.members), seed.khmer))
        probationary = set(rng.sample(rank_and_file, seed.probationary))
        exempted = set(rng.sample([i for i in rank_and_file if i not in probationary], seed.exempted))
        for index in everyone:
            female = index in women
            if index in exempted:  # the exempted are the eldest (retired members of the hamlets)
                birth_year = rng.randint(seed.born_from, seed.born_from + 8)
            elif index in probationary:
                birth_year = rng.randint(max(seed.born_to - 6, seed.born_from), seed.born_to)
            else:
                birth_year = rng.randint(seed.born_from + 5, seed.born_to)
            members.append(
                Member(
                    full_name=_unique_name(rng, used_names, female=female, khmer=index in khmer),
                    gender=Gender.FEMALE if female else Gender.MALE,
                    birth_year=birth_year,
                    ethnicity="Khmer" if index in khmer else "Kinh",
                    status=(
                        MemberStatus.PROBATIONARY
                        if index in probationary
                        else MemberStatus.OFFICIAL
                    ),
                    exempted=index in exempted,
                    cell_role=_cell_role(index),
                    cell=cell,
                )
            )
    return members


def _cell_role(index: int) -> CellRole:
    if index == 0:
        return CellRole.SECRETARY
    if index == 1:
        return CellRole.DEPUTY
    if index in (2, 3):
        return CellRole.COMMITTEE_MEMBER
    return CellRole.MEMBER


def _unique_name(rng: random.Random, used: set[str], *, female: bool, khmer: bool) -> str:
    while True:
        if khmer:
            family = rng.choice(KHMER_FAMILY_NAMES)
            given = rng.choice(KHMER_GIVEN_FEMALE if female else KHMER_GIVEN_MALE)
            middle = "Thị" if female else ""
        else:
            family = rng.choice(FAMILY_NAMES)
            middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
            given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        name = " ".join(part for part in (family, middle, given) if part)
        if name not in used:
            used.add(name)
            return name
