"""Demo data: a living competition for one campaign year (``flask --app tracker seed-demo``).

Every report is filed, returned, resubmitted and approved through the service layer, as the
pages would do it; afterwards the timestamps of the reports and of their audit rows are moved
back to plausible dates of that year. Cells differ in quality on purpose (strong sector cells,
hamlet cells weak on attendance or preparation, gaps in a few months), and the per-member
attendance is the source of every count. Idempotent: what exists is left alone, so a second
run adds nothing. Everything is fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import click
import sqlalchemy as sa

from . import clock
from .database import begin_write
from .domain import report_rules as rules
from .domain.periods import campaign_quarters, month_has_ended
from .domain.scoring import MeetingFacts, suggest_points
from .extensions import db
from .models import (
    AuditEntry,
    Campaign,
    Cell,
    CellRole,
    Member,
    Report,
    ReportKind,
    ReportStatus,
    Role,
    User,
)
from .queries import rubric_of
from .seed import seed_reference_data
from .services import ServiceError, attachments
from .services import reports as service
from .services.accounts import create_user

DEFAULT_YEAR = 2022
DEMO_PASSWORD = "demo-thidua-2022"
COMMITTEE_USERNAME = "danguy.demo"
COMMITTEE_NAME = "Trần Văn Hùng"
ADMIN_USERNAME = "quantri.demo"
ADMIN_NAME = "Quản trị trình diễn"


@dataclass(frozen=True)
class Profile:
    """How a cell tends to meet; fractions are of the criterion's maximum."""

    presence: float  # chance that a member who must attend is present
    unexcused_share: float  # share of absences without a reason
    speak_share: float  # share of those present who speak
    young_speak: float  # chance that a young member present speaks
    duration: tuple[int, int]
    preparation: float
    procedure: float
    ideology: float
    criticism: float
    minutes: float
    results: float
    thematic_quarters: float  # chance of a thematic meeting in a quarter
    missing_months: tuple[int, ...] = ()  # campaign months without any regular report
    generous: float = 0.0  # how much the cell over-rates itself (committee corrects)


PROFILES = {
    "quan-su": Profile(0.99, 0.0, 0.55, 0.9, (120, 150), 0.97, 0.97, 1, 0.95, 1, 0.94, 1),
    "cong-an": Profile(0.97, 0.0, 0.5, 0.85, (110, 150), 0.95, 0.95, 1, 0.9, 1, 0.92, 1),
    "mam-non": Profile(0.96, 0.0, 0.6, 0.9, (95, 120), 0.93, 0.95, 1, 0.9, 0.95, 0.9, 1),
    "co-quan": Profile(
        0.93, 0.05, 0.4, 0.6, (90, 120), 0.9, 0.9, 0.9, 0.6, 0.9, 0.88, 0.9, generous=0.1
    ),
    "tieu-hoc": Profile(0.94, 0.05, 0.45, 0.7, (90, 120), 0.88, 0.9, 0.9, 0.8, 0.6, 0.86, 0.9),
    "thcs": Profile(
        0.92, 0.05, 0.4, 0.6, (80, 110), 0.65, 0.85, 0.9, 0.75, 0.85, 0.82, 0.7, generous=0.1
    ),
    "ap-cho": Profile(0.86, 0.2, 0.25, 0.25, (90, 120), 0.8, 0.85, 0.8, 0.7, 0.8, 0.78, 0.8),
    "ap-phuoc-hoa-a": Profile(
        0.84, 0.25, 0.22, 0.3, (60, 100), 0.6, 0.75, 0.7, 0.65, 0.75, 0.72, 0.6, (8,), 0.15
    ),
    "ap-phuoc-hoa-b": Profile(
        0.8, 0.35, 0.2, 0.2, (60, 95), 0.55, 0.7, 0.6, 0.55, 0.6, 0.65, 0.5, (7, 10), 0.2
    ),
}
DEFAULT_PROFILE = Profile(0.9, 0.1, 0.35, 0.5, (90, 120), 0.8, 0.85, 0.85, 0.75, 0.8, 0.8, 0.8)

THEMATIC_TOPICS = {
    "hamlet": [
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý thức tôn trọng nhân dân, phát huy dân chủ",
        "Xây dựng ấp văn hóa, nông thôn mới gắn với phát triển kinh tế hộ gia đình",
        "Vai trò nêu gương của đảng viên nơi cư trú",
        "Phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống trong nội bộ",
    ],
    "sector": [
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tác phong gần dân, trọng dân",
        "Nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW",
        "Đảm bảo an ninh chính trị, trật tự an toàn xã hội trên địa bàn thị trấn",
        "Phòng, chống “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
    ],
    "school": [
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tấm gương người thầy",
        "Đổi mới phương pháp dạy học, nâng cao chất lượng giáo dục toàn diện",
        "Nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW",
        "Xây dựng trường học thân thiện, học sinh tích cực",
    ],
}
MONTH_NOTES = [
    "Đánh giá kết quả thực hiện nghị quyết tháng trước; triển khai nhiệm vụ tháng {m}.",
    "Thông tin thời sự; quán triệt văn bản của cấp trên; phân công đảng viên phụ trách nhiệm vụ tháng {m}.",
    "Kiểm điểm việc thực hiện nhiệm vụ; thống nhất chỉ tiêu phát triển đảng viên và công tác dân vận tháng {m}.",
]
RETURN_COMMENTS = [
    "Biên bản chưa ghi đầy đủ ý kiến phát biểu của đảng viên; đề nghị chi bộ bổ sung và gửi lại.",
    "Chưa có nội dung tự phê bình và phê bình; đề nghị chi bộ bổ sung và tự chấm lại tiêu chí này.",
    "Số liệu vắng không lý do chưa khớp với biên bản; đề nghị chi bộ kiểm tra lại điểm danh.",
]
APPROVE_COMMENTS = [
    "Buổi sinh hoạt chuẩn bị chu đáo, nhiều đảng viên phát biểu; đề nghị phát huy.",
    "Đạt yêu cầu; cần chú ý để đảng viên trẻ tham gia phát biểu nhiều hơn.",
    "Đề nghị chi bộ chuẩn bị kỹ dự thảo nghị quyết trước buổi sinh hoạt.",
    "",
    "",
]
DELEGATES = [
    "Đồng chí Lê Văn Tâm, Đảng ủy viên",
    "Đồng chí Phạm Thị Ngọc Hân, Phó Bí thư Đảng ủy",
    "Đồng chí Huỳnh Minh Trí, Ủy viên Ban Thường vụ Đảng ủy",
]

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoSummary:
    year: int
    accounts: list[tuple[str, str, str]]  # username, role label, full name
    reports: int = 0
    approved: int = 0
    returned: int = 0
    submitted: int = 0
    drafts: int = 0
    skipped_closed: bool = False


# --------------------------------------------------------------------------------------------


def demo_years(today: dt.date) -> list[int]:
    """The years a living demo fills: 2022 (the plan's first), the year before this one for
    comparison, and this year up to last month."""
    return sorted({DEFAULT_YEAR, today.year - 1, today.year})


def seed_demo(
    year: int | None = None, *, echo: Callable[[str], None] | None = click.echo
) -> list[DemoSummary]:
    """Add demo accounts and the reports of ``year`` (or of ``demo_years``, opening this year
    when it has no campaign yet); commit; print the demo accounts."""
    begin_write()
    seed_reference_data()
    today = clock.today()
    if year is None:
        years = demo_years(today)
        _open_this_year(today)
    else:
        years = [year]
    campaigns = {
        c.year: c for c in db.session.scalars(sa.select(Campaign).where(Campaign.year.in_(years)))
    }
    if year is not None and year not in campaigns:
        db.session.rollback()
        raise click.ClickException(f"Không có năm thi đua {year}.")
    cells = list(
        db.session.scalars(
            sa.select(Cell).where(Cell.active.is_(True)).order_by(Cell.display_order)
        )
    )
    committee, admin, secretaries, accounts = _demo_accounts(cells)
    if year is None and today.year in campaigns and campaigns[today.year].closed_at is None:
        from .schedule.demo import seed_demo_calendar

        # This year's meetings are planned before they are reported, as a cell would: the
        # month's notice and calendar then list the meetings the reports are filed for.
        seed_demo_calendar(campaigns[today.year], cells, secretaries, committee, admin, today)
    summaries = []
    for campaign in sorted(campaigns.values(), key=lambda c: c.year):
        summary = DemoSummary(year=campaign.year, accounts=accounts)
        if campaign.closed_at is not None:
            summary.skipped_closed = True
        else:
            for cell in cells:
                if cell.takes_part_in(campaign.year):
                    _seed_cell(
                        cell, campaign, secretaries[cell.id], committee, admin, today, summary
                    )
        summaries.append(summary)
    db.session.commit()
    if echo is not None:
        _print_summary(summaries, echo)
    return summaries


def _open_this_year(today: dt.date) -> None:
    """Open the calendar's year when it has no campaign yet (after the latest one)."""
    from .services.campaigns import open_campaign_year

    years = set(db.session.scalars(sa.select(Campaign.year)))
    if years and today.year not in years and today.year > max(years):
        open_campaign_year(today.year, actor=None)


def _print_summary(summaries: list[DemoSummary], echo: Callable[[str], None]) -> None:
    for summary in summaries:
        if summary.skipped_closed:
            echo(f"Năm thi đua {summary.year} đã khóa sổ: không thêm báo cáo.")
        elif summary.reports:
            echo(
                f"Đã thêm {summary.reports} báo cáo năm {summary.year}: {summary.approved} đã "
                f"duyệt, {summary.returned} bị trả lại, {summary.submitted} chờ duyệt, "
                f"{summary.drafts} bản nháp."
            )
        else:
            echo(f"Dữ liệu trình diễn năm {summary.year} đã có; không thêm gì.")
    accounts = summaries[0].accounts if summaries else []
    echo("Tài khoản trình diễn (chỉ dùng để trình diễn, mật khẩu chung: " + DEMO_PASSWORD + "):")
    for username, role, full_name in accounts:
        echo(f"  {username:<24} {role:<14} {full_name}")


def _demo_accounts(cells: list[Cell]):
    existing = {user.username: user for user in db.session.scalars(sa.select(User))}
    accounts = []

    def ensure(username: str, full_name: str, role: Role, cell: Cell | None = None) -> User:
        user = existing.get(username)
        if user is None:
            user = create_user(
                username=username, full_name=full_name, role=role, password=DEMO_PASSWORD, cell=cell
            )
        accounts.append((user.username, user.role.label, user.full_name))
        return user

    committee = ensure(COMMITTEE_USERNAME, COMMITTEE_NAME, Role.COMMITTEE)
    admin = ensure(ADMIN_USERNAME, ADMIN_NAME, Role.ADMIN)
    secretaries = {}
    leaders = {
        member.cell_id: member.full_name
        for member in db.session.scalars(
            sa.select(Member).where(Member.cell_role == CellRole.SECRETARY, Member.active.is_(True))
        )
    }
    for cell in cells:
        user = ensure(
            f"bithu.{cell.code}", leaders.get(cell.id, f"Bí thư {cell.name}"), Role.SECRETARY, cell
        )
        secretaries[cell.id] = user
    return committee, admin, secretaries, accounts


# --------------------------------------------------------------------------------------------
# One cell's year


def _seed_cell(cell, campaign, secretary, committee, admin, today, summary) -> None:
    members = list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.cell_id == cell.id, Member.active.is_(True))
            .order_by(Member.id)
        )
    )
    if not members:
        return
    profile = PROFILES.get(cell.code, DEFAULT_PROFILE)
    rng = random.Random(f"{campaign.year}-{cell.code}")
    existing = {
        (row.month, row.kind)
        for row in db.session.execute(
            sa.select(Report.month, Report.kind).where(
                Report.cell_id == cell.id, Report.campaign_id == campaign.id
            )
        )
    }
    months = [m for m in campaign.months if (campaign.year, m) <= (today.year, today.month)]
    if not months:
        return
    last = months[-1]
    # A member who stops coming in mid-year (HD 12: more than 3 absences in a row) in the
    # weakest hamlet cells, and one who misses meetings without a reason.
    regulars = [m for m in members if not m.exempted and m.cell_role is CellRole.MEMBER]
    drifter = (
        rng.choice(regulars) if regulars and cell.code in ("ap-cho", "ap-phuoc-hoa-b") else None
    )
    truant = rng.choice(regulars) if regulars and cell.code == "ap-phuoc-hoa-b" else None
    absent_streak = set(months[2:6]) if drifter else set()
    quarters = campaign_quarters(campaign.first_month, campaign.last_month)

    for month in months:
        # Each meeting draws from its own generator, so that skipping what exists (a second
        # run) changes nothing else.
        rng = random.Random(f"{campaign.year}-{cell.code}-{month}")
        # This month's meeting has taken place by today: a report is never of a later day.
        held_on = min(dt.date(campaign.year, month, rng.randint(5, 20)), today)
        plan = _plan_status(cell.code, month, last, months, rng)
        add_thematic = rng.random() < profile.thematic_quarters
        absent = {drifter.id} if drifter and month in absent_streak else set()
        if (month, ReportKind.REGULAR) not in existing and month not in profile.missing_months:
            author = admin if cell.code == "ap-phuoc-hoa-b" and month == months[0] else secretary
            _file(
                cell,
                campaign,
                ReportKind.REGULAR,
                month,
                held_on,
                members,
                profile,
                rng,
                plan,
                author,
                committee,
                today,
                summary,
                absent=absent,
                truant=truant.id if truant and month in months[1:6:2] else None,
            )
        quarter = (month - 1) // 3 + 1
        middle = max(min(quarter * 3 - 1, campaign.last_month), campaign.first_month)
        if (
            quarter in quarters
            and month == middle
            and add_thematic
            and (month, ReportKind.THEMATIC) not in existing
        ):
            rng = random.Random(f"{campaign.year}-{cell.code}-{month}-thematic")
            ended = month_has_ended(campaign.year, quarter * 3, today)
            plan = "approved" if ended and month != last else "submitted"
            _file(
                cell,
                campaign,
                ReportKind.THEMATIC,
                month,
                held_on,
                members,
                profile,
                rng,
                plan,
                secretary,
                committee,
                today,
                summary,
                absent=absent,
                truant=None,
            )


def _plan_status(code: str, month: int, last: int, months: list[int], rng: random.Random) -> str:
    """What happens to a regular report: most approved; the last month still in review."""
    if month == last:
        if code in ("ap-phuoc-hoa-a",):
            return "draft"
        if code in ("ap-cho", "co-quan", "thcs", "tieu-hoc"):
            return "submitted"
        if code == "ap-phuoc-hoa-b":
            return "returned"
        return "approved"
    if len(months) > 2 and month == months[-2] and code in ("thcs",):
        return "returned"
    if (code.startswith("ap-") or code in ("thcs", "co-quan")) and rng.random() < 0.18:
        return "returned_then_approved"
    return "approved"


def _file(
    cell,
    campaign,
    kind,
    month,
    held_on,
    members,
    profile,
    rng,
    plan,
    author,
    committee,
    today,
    summary,
    *,
    absent,
    truant,
) -> None:
    """File one report through the services, following ``plan``, then backdate it."""
    year = campaign.year
    rows = []
    for member in members:
        if member.exempted:
            status = "exempted"
        elif member.id in absent:
            status = "absent_excused" if rng.random() < 0.5 else "absent_unexcused"
        elif member.id == truant:
            status = "absent_unexcused"
        elif rng.random() < profile.presence:
            status = "present"
        else:
            status = (
                "absent_unexcused" if rng.random() < profile.unexcused_share else "absent_excused"
            )
        reason = ""
        if status == "absent_excused":
            reason = rng.choice(
                ["Đi công tác", "Bệnh", "Việc gia đình", "Đi làm ăn xa", "Chăm người nhà ốm"]
            )
        rows.append([member, status, False, reason])
    present = [row for row in rows if row[1] == "present"]
    limit = campaign.young_age_limit
    for row in present:
        young = rules.is_young(row[0].birth_year, year, limit)
        chance = profile.young_speak if young else profile.speak_share
        if row[0].cell_role is not CellRole.MEMBER:
            chance = max(chance, 0.8)  # the cell committee speaks
        row[2] = rng.random() < chance
    attendance_rows = [
        rules.AttendanceRow(m.id, m.birth_year, status, spoke, reason)
        for m, status, spoke, reason in rows
    ]
    _clean, counts, _errors = rules.derive_attendance(
        attendance_rows, year=year, young_age_limit=limit
    )
    duration = rng.randint(*profile.duration)
    rubric = rubric_of(campaign)
    facts = MeetingFacts(
        required=counts.summoned - counts.exempted,
        present=counts.present,
        absent_unexcused=counts.absent_unexcused,
        duration_minutes=duration,
        speakers=counts.speakers,
        young_speakers=counts.young_speakers,
        young_present=counts.young_present,
    )
    suggested = suggest_points(facts, rubric.lines)
    minutes_complete = rng.random() < profile.minutes + 0.05
    criticism_done = rng.random() < profile.criticism + 0.1
    quality = {
        "preparation": profile.preparation,
        "procedure": profile.procedure,
        "ideology": profile.ideology,
        "criticism": profile.criticism if criticism_done else profile.criticism * 0.5,
        "minutes": profile.minutes if minutes_complete else 0.5,
        "results": profile.results,
    }
    scores = {}
    for line in rubric.lines:
        if line.code in suggested:
            half = suggested[line.code]
        else:
            fraction = quality.get(line.code, 0.85) + profile.generous + rng.uniform(-0.06, 0.05)
            half = round(line.max_half_points * min(max(fraction, 0.3), 1))
        scores[line.code] = _points(half)
    by_role = {m.cell_role: m.full_name for m in members}
    chair = by_role.get(CellRole.SECRETARY, members[0].full_name)
    taker = by_role.get(
        CellRole.COMMITTEE_MEMBER, by_role.get(CellRole.DEPUTY, members[-1].full_name)
    )
    category = cell.category.value
    topic = (
        rng.choice(THEMATIC_TOPICS.get(category, THEMATIC_TOPICS["sector"]))
        if kind is ReportKind.THEMATIC
        else ""
    )
    data = rules.ReportInput(
        kind=kind.value,
        year=year,
        month=month,
        held_on=held_on.isoformat(),
        duration_minutes=duration,
        topic=topic,
        notes=rng.choice(MONTH_NOTES).format(m=month),
        chaired_by=chair,
        minutes_taker=taker,
        delegate_name=rng.choice(DELEGATES),
        scores=scores,
    )
    delegate = rng.random() < (0.5 if kind is ReportKind.THEMATIC else 0.2)
    flags = {
        "ideology_covered": rng.random() < profile.ideology + 0.05,
        "hcm_study_covered": kind is ReportKind.THEMATIC or rng.random() < 0.5,
        "criticism_done": criticism_done,
        "resolution_voted": rng.random() < profile.procedure + 0.05,
        "minutes_complete": minutes_complete,
        "delegate_present": delegate,
    }
    upload = None
    if cell.code in ("quan-su", "cong-an", "mam-non") and plan != "draft":
        upload = attachments.Upload(f"Bien ban sinh hoat thang {month}.pdf", MINIMAL_PDF)

    submitted_at = _local(held_on + dt.timedelta(days=rng.randint(1, 5)), rng)
    reviewed_at = _local(held_on + dt.timedelta(days=rng.randint(7, 14)), rng)
    now = dt.datetime.now(dt.UTC)
    submitted_at, reviewed_at = min(submitted_at, now), min(reviewed_at, now)
    try:
        marker = now
        report = service.create_report(
            author,
            cell=cell,
            data=data,
            rows=attendance_rows,
            flags=flags,
            submit=plan != "draft",
            attachment=upload,
        )
        _backdate(report, marker, submitted_at)
        if plan in ("returned", "returned_then_approved"):
            marker = _now()
            service.return_report(committee, report, comment=rng.choice(RETURN_COMMENTS))
            _backdate(report, marker, reviewed_at)
            if plan == "returned_then_approved":
                marker = _now()
                resubmitted_at = min(reviewed_at + dt.timedelta(days=2), now)
                flags = dict(flags, minutes_complete=True, criticism_done=True)
                service.update_report(
                    author, report, data=data, rows=attendance_rows, flags=flags, submit=True
                )
                _backdate(report, marker, resubmitted_at)
                reviewed_at = min(resubmitted_at + dt.timedelta(days=3), now)
        if plan in ("approved", "returned_then_approved"):
            marker = _now()
            service.approve_report(
                committee,
                report,
                scores=_committee_view(scores, rubric, profile, rng),
                comment=rng.choice(APPROVE_COMMENTS),
            )
            _backdate(report, marker, reviewed_at)
    except ServiceError as error:  # a demo must never leave half a report behind
        raise click.ClickException(
            f"{cell.name} T{month}: {error.message} {error.fields}"
        ) from error
    report.created_at = submitted_at - dt.timedelta(hours=2)
    report.updated_at = max(report.submitted_at or submitted_at, report.reviewed_at or submitted_at)
    summary.reports += 1
    key = {
        "approved": "approved",
        "returned_then_approved": "approved",
        "returned": "returned",
        "submitted": "submitted",
        "draft": "drafts",
    }[plan]
    setattr(summary, key, getattr(summary, key) + 1)


def _committee_view(scores: dict, rubric, profile: Profile, rng: random.Random) -> dict:
    """The committee lowers an over-rated criterion or two (more often for generous cells)."""
    adjusted = {}
    if rng.random() < 0.25 + profile.generous * 2:
        for code in rng.sample(
            ["preparation", "criticism", "results", "procedure"], k=rng.randint(1, 2)
        ):
            current = Decimal(str(scores[code]))
            adjusted[code] = float(max(current - Decimal(rng.choice(["0.5", "1", "1.5", "2"])), 0))
    return adjusted


def _points(half: int):
    return half // 2 if half % 2 == 0 else half / 2


def _local(day: dt.date, rng: random.Random) -> dt.datetime:
    local = dt.datetime.combine(
        day, dt.time(rng.randint(7, 16), rng.choice([0, 15, 30, 45])), tzinfo=clock.local_zone()
    )
    return local.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _backdate(report: Report, since: dt.datetime, when: dt.datetime) -> None:
    """Move the stamps written since ``since`` (report and audit rows) to ``when``."""
    db.session.flush()
    db.session.execute(
        sa.update(AuditEntry)
        .where(
            AuditEntry.object_type == "report",
            AuditEntry.object_id == report.id,
            AuditEntry.at >= since,
        )
        .values(at=when)
    )
    if report.submitted_at and report.submitted_at >= since:
        report.submitted_at = when
    if report.reviewed_at and report.reviewed_at >= since:
        report.reviewed_at = when
    if report.status is ReportStatus.DRAFT:
        report.updated_at = when
