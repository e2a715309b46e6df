"""Database models (SQLAlchemy 2 typed declarative).

Points are stored as whole half-points (``*_half_points``): 7.5 points is 15. Timestamps are
aware UTC datetimes in ``*_at`` columns. Every state change writes an ``AuditEntry``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .domain.periods import takes_part
from .domain.scoring import Grade, to_points
from .extensions import db


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC column")
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def _enum(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """Store an enum by its value, as a checked VARCHAR on every database."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry a Vietnamese label."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class CellCategory(LabelledEnum):
    HAMLET = ("hamlet", "Chi bộ ấp")
    SECTOR = ("sector", "Chi bộ ngành")
    SCHOOL = ("school", "Chi bộ trường học")


class Role(LabelledEnum):
    ADMIN = ("admin", "Quản trị")
    COMMITTEE = ("committee", "Đảng ủy")
    SECRETARY = ("secretary", "Bí thư chi bộ")


class Gender(LabelledEnum):
    MALE = ("male", "Nam")
    FEMALE = ("female", "Nữ")


class MemberStatus(LabelledEnum):
    OFFICIAL = ("official", "Chính thức")
    PROBATIONARY = ("probationary", "Dự bị")


class CellRole(LabelledEnum):
    SECRETARY = ("secretary", "Bí thư")
    DEPUTY = ("deputy", "Phó Bí thư")
    COMMITTEE_MEMBER = ("committee_member", "Chi ủy viên")
    MEMBER = ("member", "Đảng viên")


class ReportKind(LabelledEnum):
    REGULAR = ("regular", "Thường kỳ")
    THEMATIC = ("thematic", "Chuyên đề")


class ReportStatus(LabelledEnum):
    DRAFT = ("draft", "Bản nháp")
    SUBMITTED = ("submitted", "Chờ duyệt")
    RETURNED = ("returned", "Trả lại")
    APPROVED = ("approved", "Đã duyệt")


class AttendanceStatus(LabelledEnum):
    PRESENT = ("present", "Có mặt")
    ABSENT_EXCUSED = ("absent_excused", "Vắng có lý do")
    ABSENT_UNEXCUSED = ("absent_unexcused", "Vắng không lý do")
    EXEMPTED = ("exempted", "Miễn sinh hoạt")


# --------------------------------------------------------------------------------------------
# Organisation


class Committee(db.Model):
    """The issuing party committee's names, in force from a campaign year on.

    One row per change: the committee was renamed and moved under another superior body in
    the 2025 reorganisation, and the documents of each year print the names of that year
    (``tracker.campaigns.committee_as_of``). The earliest row also serves the years before it.
    """

    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # "Đảng ủy thị trấn Cù Lao Dung"
    superior_body: Mapped[str] = mapped_column(sa.String(200))  # "Đảng bộ huyện Cù Lao Dung"
    place_name: Mapped[str] = mapped_column(sa.String(100))  # "Cù Lao Dung"
    issuer_code: Mapped[str] = mapped_column(sa.String(20))  # "ĐU", the number line's issuer
    secretary_name: Mapped[str] = mapped_column(sa.String(100), default="")  # signs documents

    __table_args__ = (
        sa.CheckConstraint("from_year BETWEEN 2000 AND 2100", name="from_year_range"),
    )


class Plan(db.Model):
    """The plan (kế hoạch) a campaign year carries out: cited in footers and documents."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(60), unique=True)  # "21-KH/ĐU"
    issued_on: Mapped[dt.date]
    issuing_body: Mapped[str] = mapped_column(sa.String(200))  # "Đảng ủy thị trấn Cù Lao Dung"
    title: Mapped[str] = mapped_column(sa.String(300))  # "Thi đua nâng cao chất lượng ..."
    # The years it covers, as issued (2022-2025 for Plan 21).
    first_year: Mapped[int]
    last_year: Mapped[int]

    __table_args__ = (
        sa.CheckConstraint(
            "first_year BETWEEN 2000 AND 2100 AND last_year BETWEEN first_year AND 2100",
            name="year_range",
        ),
    )

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def __repr__(self) -> str:
        return f"<Plan {self.number}>"


class Cell(db.Model):
    """A party cell (chi bộ) affiliated to the committee."""

    __tablename__ = "cell"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[CellCategory] = mapped_column(_enum(CellCategory, "cell_category"))
    display_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The first campaign year the cell takes part in (None: every year). A cell added later is
    # not ranked, nor counted as missing its reports, in the years before it existed.
    joined_year: Mapped[int | None] = mapped_column(default=None)
    # The first campaign year it no longer takes part in (dissolved or merged; None: still
    # does). It keeps its results in the years before. Equal to joined_year: never took part.
    left_year: Mapped[int | None] = mapped_column(default=None)

    members: Mapped[list[Member]] = relationship(back_populates="cell")

    __table_args__ = (
        sa.CheckConstraint(
            "left_year IS NULL OR joined_year IS NULL OR left_year >= joined_year",
            name="leaves_after_joining",
        ),
    )

    @hybrid_method
    def takes_part_in(self, year: int) -> bool:
        """The one rule of "a cell takes part in a campaign year", in Python and in SQL."""
        return takes_part(self.joined_year, self.left_year, year)

    @takes_part_in.expression
    def takes_part_in(cls, year):
        year = sa.literal(year, sa.Integer) if isinstance(year, int) else year
        return sa.and_(
            sa.or_(cls.joined_year.is_(None), cls.joined_year <= year),
            sa.or_(cls.left_year.is_(None), cls.left_year > year),
        )

    def __repr__(self) -> str:
        return f"<Cell {self.code}>"


class Member(db.Model):
    """A party member; ``cell`` is the current cell, ``transfers`` the history of moves."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    gender: Mapped[Gender] = mapped_column(_enum(Gender, "gender"))
    birth_year: Mapped[int]
    ethnicity: Mapped[str] = mapped_column(sa.String(40), default="Kinh")
    status: Mapped[MemberStatus] = mapped_column(
        _enum(MemberStatus, "member_status"), default=MemberStatus.OFFICIAL
    )
    exempted: Mapped[bool] = mapped_column(default=False)  # miễn sinh hoạt
    cell_role: Mapped[CellRole] = mapped_column(_enum(CellRole, "cell_role"), default=CellRole.MEMBER)
    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cell: Mapped[Cell] = relationship(back_populates="members")
    transfers: Mapped[list[MemberTransfer]] = relationship(
        back_populates="member", order_by="MemberTransfer.transferred_on"
    )

    __table_args__ = (
        sa.CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
    )

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.full_name}>"


class MemberTransfer(db.Model):
    """A move of a member from one cell to another (the history of transfers)."""

    __tablename__ = "member_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    from_cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"))
    to_cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"))
    transferred_on: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="transfers")
    from_cell: Mapped[Cell] = relationship(foreign_keys=[from_cell_id])
    to_cell: Mapped[Cell] = relationship(foreign_keys=[to_cell_id])


# --------------------------------------------------------------------------------------------
# Accounts


class User(UserMixin, db.Model):
    """A login account. A secretary belongs to exactly one cell."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    cell_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cell.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Changing it logs out every session of the account (password reset, deactivation).
    session_version: Mapped[int] = mapped_column(default=1)

    cell: Mapped[Cell | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'secretary' AND cell_id IS NOT NULL) OR role <> 'secretary'",
            name="secretary_has_cell",
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class ApiToken(db.Model):
    """A bearer token of the JSON API, stored as its SHA-256 digest."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown to tell tokens apart
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


# --------------------------------------------------------------------------------------------
# Campaigns and rubrics


class Campaign(db.Model):
    """One campaign year of the competition, with its settings."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    first_month: Mapped[int]
    last_month: Mapped[int]
    # Settings (defaults of domain.md), editable by the committee.
    young_age_limit: Mapped[int] = mapped_column(default=35)  # "young": younger than this
    award_quota: Mapped[int] = mapped_column(default=3)
    award_form: Mapped[str] = mapped_column(
        sa.String(300), default="Giấy khen của Ban Chấp hành Đảng bộ thị trấn Cù Lao Dung"
    )
    individual_min_speeches: Mapped[int] = mapped_column(default=6)
    # Year-end closing: once closed, reports are locked and the snapshot is what prints.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    closed_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    plan: Mapped[Plan] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "first_month BETWEEN 1 AND 12 AND last_month BETWEEN first_month AND 12",
            name="month_range",
        ),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    def __repr__(self) -> str:
        return f"<Campaign {self.year}>"


class Criterion(db.Model):
    """A criterion of a campaign year's rubric."""

    __tablename__ = "criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    max_half_points: Mapped[int]
    gate: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "code", name="uq_criterion_campaign_code"),
        sa.CheckConstraint("max_half_points > 0", name="max_positive"),
    )

    @property
    def max_points(self) -> Decimal:
        return to_points(self.max_half_points)


class GradeBand(db.Model):
    """The lowest total (half-points) of a grade in a campaign year."""

    __tablename__ = "grade_band"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    grade: Mapped[Grade] = mapped_column(_enum(Grade, "grade"), primary_key=True)
    min_half_points: Mapped[int]


# --------------------------------------------------------------------------------------------
# Meeting reports


class Report(db.Model):
    """The report of one cell meeting, from draft to approval."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"))
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    month: Mapped[int]
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "report_kind"))
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus, "report_status"), default=ReportStatus.DRAFT
    )

    held_on: Mapped[dt.date | None]
    duration_minutes: Mapped[int | None]
    chaired_by: Mapped[str] = mapped_column(sa.String(120), default="")
    minutes_taker: Mapped[str] = mapped_column(sa.String(120), default="")
    delegate_present: Mapped[bool] = mapped_column(default=False)
    delegate_name: Mapped[str] = mapped_column(sa.String(120), default="")
    topic: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    # Content checklist (HD 12).
    ideology_covered: Mapped[bool] = mapped_column(default=False)
    hcm_study_covered: Mapped[bool] = mapped_column(default=False)
    criticism_done: Mapped[bool] = mapped_column(default=False)
    resolution_voted: Mapped[bool] = mapped_column(default=False)
    minutes_complete: Mapped[bool] = mapped_column(default=False)

    # Attendance counts: derived from the per-member rows when those exist.
    summoned: Mapped[int] = mapped_column(default=0)
    exempted: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)
    absent_excused: Mapped[int] = mapped_column(default=0)
    absent_unexcused: Mapped[int] = mapped_column(default=0)
    speakers: Mapped[int] = mapped_column(default=0)
    young_speakers: Mapped[int] = mapped_column(default=0)

    # Minutes attachment, stored outside the web root under a generated name.
    attachment_name: Mapped[str] = mapped_column(sa.String(200), default="")
    attachment_path: Mapped[str] = mapped_column(sa.String(200), default="")
    attachment_type: Mapped[str] = mapped_column(sa.String(60), default="")
    attachment_size: Mapped[int] = mapped_column(default=0)

    # Totals are kept with the scores (sum of the criterion rows) for fast aggregation.
    self_total_half_points: Mapped[int] = mapped_column(default=0)
    final_total_half_points: Mapped[int | None]
    grade: Mapped[Grade | None] = mapped_column(_enum(Grade, "grade"))

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")

    cell: Mapped[Cell] = relationship()
    campaign: Mapped[Campaign] = relationship()
    scores: Mapped[list[ReportScore]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    attendance: Mapped[list[ReportAttendance]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __table_args__ = (
        # One regular report per cell and month, decided by the database.
        sa.Index(
            "uq_report_regular_cell_month",
            "cell_id",
            "campaign_id",
            "month",
            unique=True,
            sqlite_where=sa.text("kind = 'regular'"),
            postgresql_where=sa.text("kind = 'regular'"),
        ),
        sa.Index("ix_report_campaign_status", "campaign_id", "status", "kind", "month"),
        # The standings aggregate a campaign's reports per cell from this index alone (an
        # index-only scan, already in cell order): every column they read is in it.
        sa.Index(
            "ix_report_standings",
            "campaign_id",
            "cell_id",
            "month",
            "kind",
            "status",
            "grade",
            "final_total_half_points",
        ),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    @property
    def self_total(self) -> Decimal:
        return to_points(self.self_total_half_points)

    @property
    def final_total(self) -> Decimal | None:
        return to_points(self.final_total_half_points)

    @property
    def year(self) -> int:
        return self.campaign.year

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.kind.value} {self.month}>"


class ReportScore(db.Model):
    """The points of one criterion in one report: self-assessed and, once reviewed, final."""

    __tablename__ = "report_score"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("report.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), primary_key=True)
    self_half_points: Mapped[int]
    final_half_points: Mapped[int | None]

    report: Mapped[Report] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class ReportAttendance(db.Model):
    """Whether one member attended a meeting, and whether she spoke."""

    __tablename__ = "report_attendance"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("report.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), primary_key=True, index=True)
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, "attendance_status"))
    spoke: Mapped[bool] = mapped_column(default=False)
    absence_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    report: Mapped[Report] = relationship(back_populates="attendance")
    member: Mapped[Member] = relationship()


class YearTally(db.Model):
    """What a cell's reports add up to over a whole campaign year, kept by tracker/tallies.py.

    A maintained aggregate: every flush that changes a report recomputes the rows of its cell
    and year in the same transaction. The standings of a campaign year whose months have all
    ended read these rows instead of aggregating every report, which keeps them as fast as one
    bare SQL statement at 10,000 cells.
    """

    __tablename__ = "year_tally"

    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    # Approved regular reports: the sum of their final totals and how many had each grade.
    total_half_points: Mapped[int] = mapped_column(default=0)
    tot_months: Mapped[int] = mapped_column(default=0)
    kha_months: Mapped[int] = mapped_column(default=0)
    trung_binh_months: Mapped[int] = mapped_column(default=0)
    kem_months: Mapped[int] = mapped_column(default=0)
    # Regular reports submitted or returned: waiting for approval.
    pending_months: Mapped[int] = mapped_column(default=0)
    # Quarters with an approved thematic meeting: bit q-1 for quarter q.
    thematic_quarter_mask: Mapped[int] = mapped_column(default=0)


class ChangeCounter(db.Model):
    """A number that grows with every committed change of the app's data (tracker/pagecache.py).

    Pages that are costly to draw and read often (the rankings) are kept per process, keyed
    by this number: any change makes a new key, so a kept page is never out of date.
    """

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


# --------------------------------------------------------------------------------------------
# Year-end awards


class AwardProposal(db.Model):
    """The year-end proposal of awards of a campaign year."""

    __tablename__ = "award_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), unique=True)
    document_number: Mapped[str] = mapped_column(sa.String(60), default="")  # "35-DS/ĐU"
    document_date: Mapped[dt.date | None]
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship()
    cells: Mapped[list[AwardCell]] = relationship(
        back_populates="proposal", order_by="AwardCell.position", cascade="all, delete-orphan"
    )
    members: Mapped[list[AwardMember]] = relationship(
        back_populates="proposal", order_by="AwardMember.position", cascade="all, delete-orphan"
    )


class AwardCell(db.Model):
    """A cell proposed for an award."""

    __tablename__ = "award_cell"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("award_proposal.id"))
    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"))
    position: Mapped[int] = mapped_column(default=0)
    award_form: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    proposal: Mapped[AwardProposal] = relationship(back_populates="cells")
    cell: Mapped[Cell] = relationship()

    __table_args__ = (sa.UniqueConstraint("proposal_id", "cell_id", name="uq_award_cell_once"),)


class AwardMember(db.Model):
    """A member proposed for an award."""

    __tablename__ = "award_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("award_proposal.id"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"))
    position: Mapped[int] = mapped_column(default=0)
    award_form: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    proposal: Mapped[AwardProposal] = relationship(back_populates="members")
    member: Mapped[Member] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "member_id", name="uq_award_member_once"),
    )


# --------------------------------------------------------------------------------------------
# Audit trail and login throttling


class AuditEntry(db.Model):
    """One recorded action: who did what to which object, with the data before and after."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))  # "report.approve"
    object_type: Mapped[str] = mapped_column(sa.String(40))  # "report"
    object_id: Mapped[int | None]
    cell_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cell.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")

    user: Mapped[User | None] = relationship()
    cell: Mapped[Cell | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)


class LoginFailure(db.Model):
    """A failed login, kept for throttling by account and by address."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(sa.String(60), index=True)
    remote_addr: Mapped[str] = mapped_column(sa.String(64), index=True)


# --------------------------------------------------------------------------------------------
# Trust: attachments kept in the database, server-side login sessions


class AttachmentContent(db.Model):
    """The bytes of a report's minutes attachment.

    Kept in the database, not in a folder: a backup (SQLite copy or pg_dump) then holds the
    data and its attachments together, a restore brings both back as one, a crash mid-upload
    leaves nothing behind (the row is part of the change's transaction), and every app server
    in front of one PostgreSQL serves every attachment. ``name`` is the report's
    ``attachment_path`` at the time it was stored (a generated name).
    """

    __tablename__ = "attachment_content"

    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(db.Model):
    """One signed-in browser session, known to the server so that it can be ended.

    The session cookie carries a random key; only its SHA-256 digest is stored. Logging out
    deletes the row; a password change, an admin reset or locking the account deletes the
    account's rows. A cookie whose row is gone opens nothing, even if copied before.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# --------------------------------------------------------------------------------------------
# The year's review (sơ kết) and the exemplary meetings (nhân rộng), issue 14


class YearReview(db.Model):
    """The committee's own parts of a year's review report (II-IV), kept as a draft.

    Editable while the campaign year is open; frozen when it is closed, editable again when
    the admin reopens it. Part I (the figures) is never stored: it is computed.
    """

    __tablename__ = "year_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), unique=True)
    document_number: Mapped[str] = mapped_column(sa.String(60), default="")  # "45-BC/ĐU"
    document_date: Mapped[dt.date | None]
    assessment: Mapped[str] = mapped_column(sa.Text, default="")  # II. strengths, shortcomings
    direction: Mapped[str] = mapped_column(sa.Text, default="")  # III. direction and tasks
    proposals: Mapped[str] = mapped_column(sa.Text, default="")  # IV. proposals
    recipients: Mapped[str] = mapped_column(sa.Text, default="")  # "Nơi nhận", one a line
    signer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    campaign: Mapped[Campaign] = relationship()
    updated_by: Mapped[User | None] = relationship()


class ExemplaryMeeting(db.Model):
    """A meeting the committee marked as a model to copy ("mô hình hay"), with what to copy.

    The one place where a secretary sees another cell's report: only the marked ones,
    read-only, with their minutes.
    """

    __tablename__ = "exemplary_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("report.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.String(1000))
    marked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    report: Mapped[Report] = relationship()
    marked_by: Mapped[User | None] = relationship()


# --------------------------------------------------------------------------------------------
# The meeting calendar (tracker/schedule): planned meetings, who follows which cell, each
# account's calendar settings, the per-year report deadline and the reminder outbox.


class DeadlineRule(LabelledEnum):
    AFTER_MEETING = ("after_meeting", "Trong số ngày sau buổi sinh hoạt")
    NEXT_MONTH_DAY = ("next_month_day", "Đến ngày cố định của tháng sau")


class Meeting(db.Model):
    """A planned cell meeting (regular or thematic) of a campaign month.

    ``uid`` is generated once and never changes, so phone calendars keep the same event
    across reads and reschedules. ``starts_at`` is stored in UTC; the month is that of the
    local (Asia/Ho_Chi_Minh) date.
    """

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(80), unique=True)
    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    month: Mapped[int]
    kind: Mapped[ReportKind] = mapped_column(_enum(ReportKind, "meeting_kind"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    topic: Mapped[str] = mapped_column(sa.String(300), default="")
    attendee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cell: Mapped[Cell] = relationship()
    campaign: Mapped[Campaign] = relationship()
    attendee: Mapped[User | None] = relationship(foreign_keys=[attendee_id])

    __table_args__ = (
        # One regular meeting per cell and month, decided by the database.
        sa.Index(
            "uq_meeting_regular_cell_month",
            "cell_id",
            "campaign_id",
            "month",
            unique=True,
            sqlite_where=sa.text("kind = 'regular'"),
            postgresql_where=sa.text("kind = 'regular'"),
        ),
        sa.Index("ix_meeting_campaign_month", "campaign_id", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    @property
    def year(self) -> int:
        return self.campaign.year

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind.value} {self.month}>"


class CellFollower(db.Model):
    """A committee member who follows (phụ trách) a cell: attends its meetings by default."""

    __tablename__ = "cell_follower"

    cell_id: Mapped[int] = mapped_column(sa.ForeignKey("cell.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cell: Mapped[Cell] = relationship()
    user: Mapped[User] = relationship()


class CalendarAccount(db.Model):
    """An account's calendar settings: the secret subscription address and the reminder e-mail.

    The feed secret is kept as it is (not hashed) because the account page shows the address
    again, as phone calendars' own "secret address" pages do; it opens nothing but that
    account's read-only feed, and can be revoked or replaced at any time.
    """

    __tablename__ = "calendar_account"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    feed_secret: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    feed_created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str] = mapped_column(sa.String(200), default="")

    user: Mapped[User] = relationship()


class ReportDeadline(db.Model):
    """When a campaign year's reports are due: N days after the meeting, or day N of the
    next month. A year without a row uses the default (5 days after the meeting)."""

    __tablename__ = "report_deadline"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    rule: Mapped[DeadlineRule] = mapped_column(_enum(DeadlineRule, "deadline_rule"))
    days: Mapped[int]

    __table_args__ = (sa.CheckConstraint("days BETWEEN 1 AND 60", name="days_range"),)


class OutboxMessage(db.Model):
    """A reminder e-mail, keyed so that the same reminder is never sent twice."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
