"""Shared plumbing of the benchmarks: throwaway databases, bulk data, timing.

Benchmarks are run by hand (never in the test suite) and print ratios against a bare baseline
measured in the same run, because absolute figures drift with the machine's load.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from tracker import create_app, normalise_database_url
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent

CATEGORIES = ("hamlet", "sector", "school")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
PLACES = ("ấp", "khóm", "Trường", "Cơ quan", "Công an xã", "Quân sự xã")


@contextlib.contextmanager
def throwaway_database(database_url: str | None):
    """Yield the URL of a new, empty database; drop it afterwards.

    Without a URL: a SQLite file in a temporary folder. With a PostgreSQL URL (any database of
    the server): a new database beside it, created and dropped here.
    """
    if not database_url or database_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
            yield "sqlite:///" + str(Path(folder) / "bench.sqlite3")
        return
    server = normalise_database_url(database_url)
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def bench_app(url: str):
    """The app on ``url`` with its schema and reference data (as `flask init-db`)."""
    from tracker.cli import init_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        init_database()
    return app


def cell_name(rng: random.Random, index: int) -> str:
    return f"Chi bộ {rng.choice(PLACES)} {rng.choice(FAMILY)} {index}"


def add_cells(total: int, seed: int = 7) -> None:
    """Bring the number of cells to ``total`` with generated ones (inside an app context)."""
    from tracker.models import Cell

    existing = db.session.scalar(sa.select(sa.func.count(Cell.id)))
    rng = random.Random(seed)
    rows = [
        {
            "code": f"bench-{index}",
            "name": cell_name(rng, index),
            "category": CATEGORIES[index % 3],
            "display_order": index,
            "active": True,
        }
        for index in range(existing + 1, total + 1)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Cell.__table__), rows[start : start + 5000])
    db.session.commit()


def add_reports(years: int, seed: int = 11) -> int:
    """Add approved regular reports (a few missing or pending) and thematic meetings for the
    first ``years`` campaign years of every cell; return how many rows were written."""
    from tracker.domain.scoring import Grade
    from tracker.models import Campaign, Cell, Report

    rng = random.Random(seed)
    campaigns = db.session.execute(
        sa.select(Campaign.id, Campaign.first_month, Campaign.last_month)
        .order_by(Campaign.year)
        .limit(years)
    ).all()
    cell_ids = db.session.scalars(sa.select(Cell.id).order_by(Cell.id)).all()
    now = dt.datetime.now(dt.UTC)
    table = Report.__table__
    batch: list[dict] = []
    written = 0

    def row(cell_id, campaign_id, month, kind, status, total, grade):
        return {
            "cell_id": cell_id, "campaign_id": campaign_id, "month": month, "kind": kind,
            "status": status, "chaired_by": "", "minutes_taker": "", "delegate_present": False,
            "delegate_name": "", "topic": "", "notes": "", "ideology_covered": True,
            "hcm_study_covered": True, "criticism_done": True, "resolution_voted": True,
            "minutes_complete": True, "summoned": 30, "exempted": 2, "present": 26,
            "absent_excused": 2, "absent_unexcused": 0, "speakers": 8, "young_speakers": 1,
            "attachment_name": "", "attachment_path": "", "attachment_type": "",
            "attachment_size": 0, "self_total_half_points": total or 0,
            "final_total_half_points": total, "grade": grade, "created_at": now,
            "updated_at": now, "review_comment": "",
        }

    def flush():
        nonlocal written
        if batch:
            db.session.execute(sa.insert(table), batch)
            written += len(batch)
            batch.clear()

    for campaign_id, first, last in campaigns:
        for cell_id in cell_ids:
            strength = rng.randint(120, 196)
            for month in range(first, last + 1):
                luck = rng.random()
                if luck < 0.03:
                    continue  # a missing month
                total = min(200, max(60, strength + rng.randint(-12, 12)))
                if luck < 0.06:
                    batch.append(row(cell_id, campaign_id, month, "regular", "submitted", None, None))
                else:
                    grade = Grade.TOT if total >= 180 and rng.random() < 0.85 else (
                        Grade.KHA if total >= 140 else Grade.TRUNG_BINH if total >= 100 else Grade.KEM
                    )
                    batch.append(row(cell_id, campaign_id, month, "regular", "approved", total, grade.value))
                if month % 3 == 0 and rng.random() < 0.9:
                    batch.append(row(cell_id, campaign_id, month, "thematic", "approved", 180, "tot"))
                if len(batch) >= 20000:
                    flush()
    flush()
    # Bulk Core inserts bypass the ORM hook that keeps the year tallies (tracker/tallies.py).
    from tracker.tallies import rebuild_year_tallies

    rebuild_year_tallies(db.session.connection())
    db.session.commit()
    return written


def median_ms(function, repeat: int) -> float:
    """Run ``function`` once to warm up, then ``repeat`` times; return the median in ms."""
    function()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
