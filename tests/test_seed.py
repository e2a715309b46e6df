"""The reference seed: the town's committee, 9 cells, campaigns, rubric and 256 members."""

import datetime as dt

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    Campaign,
    Cell,
    CellCategory,
    CellRole,
    Committee,
    Criterion,
    Gender,
    Member,
    MemberStatus,
    Plan,
)
from tracker.seed import seed_reference_data


def count(statement):
    return db.session.scalar(statement)


def test_member_totals_match_the_seed_article(app):
    with app.app_context():
        assert count(sa.select(sa.func.count(Member.id))) == 256
        assert count(
            sa.select(sa.func.count(Member.id)).where(Member.status == MemberStatus.PROBATIONARY)
        ) == 10
        assert count(sa.select(sa.func.count(Member.id)).where(Member.gender == Gender.FEMALE)) == 103
        assert count(sa.select(sa.func.count(Member.id)).where(Member.ethnicity == "Khmer")) == 6


def test_nine_cells_three_of_each_category(app):
    with app.app_context():
        rows = db.session.execute(
            sa.select(Cell.category, sa.func.count(Cell.id)).group_by(Cell.category)
        ).all()
        names = db.session.scalars(sa.select(Cell.name).order_by(Cell.display_order)).all()
    assert dict(rows) == {CellCategory.HAMLET: 3, CellCategory.SECTOR: 3, CellCategory.SCHOOL: 3}
    assert names[:3] == ["Chi bộ ấp Chợ", "Chi bộ ấp Phước Hòa A", "Chi bộ ấp Phước Hòa B"]


def test_every_cell_has_exactly_one_secretary(app):
    with app.app_context():
        rows = db.session.execute(
            sa.select(Member.cell_id, sa.func.count(Member.id))
            .where(Member.cell_role == CellRole.SECRETARY)
            .group_by(Member.cell_id)
        ).all()
    assert len(rows) == 9
    assert all(secretaries == 1 for _, secretaries in rows)


def test_hamlet_cells_are_the_largest_and_have_the_exempted(app):
    with app.app_context():
        sizes = dict(
            db.session.execute(
                sa.select(Cell.category, sa.func.count(Member.id))
                .join(Member)
                .group_by(Cell.category)
            ).all()
        )
        exempted_categories = set(
            db.session.scalars(sa.select(Cell.category).join(Member).where(Member.exempted))
        )
    assert sizes[CellCategory.HAMLET] > sizes[CellCategory.SECTOR] > sizes[CellCategory.SCHOOL]
    assert exempted_categories == {CellCategory.HAMLET}


def test_campaigns_2022_from_april_then_full_years_to_2025(app):
    with app.app_context():
        campaigns = db.session.execute(
            sa.select(Campaign.year, Campaign.first_month, Campaign.last_month, Plan.number)
            .join(Campaign.plan)
            .order_by(Campaign.year)
        ).all()
        plan = db.session.scalar(sa.select(Plan))
    assert [tuple(row) for row in campaigns] == [
        (2022, 4, 12, "21-KH/ĐU"),
        (2023, 1, 12, "21-KH/ĐU"),
        (2024, 1, 12, "21-KH/ĐU"),
        (2025, 1, 12, "21-KH/ĐU"),
    ]
    assert (plan.issued_on, plan.issuing_body, plan.first_year, plan.last_year) == (
        dt.date(2022, 4, 14), "Đảng ủy thị trấn Cù Lao Dung", 2022, 2025
    )


def test_default_rubric_totals_100_points_with_four_gates(app):
    with app.app_context():
        for year in (2022, 2025):
            criteria = db.session.scalars(
                sa.select(Criterion).join(Campaign).where(Campaign.year == year)
                .order_by(Criterion.position)
            ).all()
            assert sum(c.max_half_points for c in criteria) == 200
            assert [c.code for c in criteria if c.gate] == [
                "attendance", "speaking", "duration", "minutes"
            ]
            assert criteria[0].code == "attendance" and criteria[-1].code == "results"


def test_committee_is_the_town_party_committee(app):
    with app.app_context():
        committee = db.session.scalar(sa.select(Committee))
    assert committee.name == "Đảng ủy thị trấn Cù Lao Dung"
    assert committee.superior_body == "Đảng bộ huyện Cù Lao Dung"
    assert committee.place_name == "Cù Lao Dung"
    assert committee.from_year == 2022


def test_seeding_again_adds_nothing(app):
    with app.app_context():
        assert seed_reference_data() == {"committee": 0, "cells": 0, "campaigns": 0, "members": 0}


def test_init_db_twice_changes_nothing(app, runner):
    def snapshot():
        with app.app_context():
            return {
                model.__tablename__: count(sa.select(sa.func.count()).select_from(model))
                for model in (Committee, Cell, Campaign, Criterion, Member)
            }

    before = snapshot()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == second.exit_code == 0
    assert "không có gì thay đổi" in second.output
    assert snapshot() == before == {
        "committee": 1, "cell": 9, "campaign": 4, "criterion": 36, "member": 256
    }


def test_member_names_are_unique_and_vietnamese(app):
    with app.app_context():
        names = db.session.scalars(sa.select(Member.full_name)).all()
    assert len(set(names)) == len(names)
    assert all(len(name.split()) >= 2 for name in names)
