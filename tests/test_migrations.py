"""The schema lives in Alembic migrations, identical to the models, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tracker.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_and_upgrade_again(app):
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert "member" not in db.inspect(connection).get_table_names()
        upgrade()
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
    assert {"member", "report", "report_score", "audit_entry", "api_token"} <= tables


def test_the_plans_migration_takes_a_database_with_data_in_place(app):
    """Upgrading from the schema before plans keeps every row and fills the new columns."""
    from tracker.models import Campaign, Cell, Committee, Plan

    with app.app_context():
        db.session.remove()
        downgrade(revision="31ba8db1d205")
        with db.engine.begin() as connection:
            # The old schema: plans were two columns of each campaign; a closed cell vanished.
            connection.execute(db.text("UPDATE cell SET active = false WHERE code = 'thcs'"))
            connection.execute(db.text("UPDATE cell SET active = false WHERE code = 'tieu-hoc'"))
            campaign_id = connection.execute(
                db.text("SELECT id FROM campaign WHERE year = 2023")
            ).scalar()
            cell_id = connection.execute(db.text("SELECT id FROM cell WHERE code = 'thcs'")).scalar()
            connection.execute(
                db.text(
                    "INSERT INTO report (cell_id, campaign_id, month, kind, status, chaired_by, "
                    "minutes_taker, delegate_present, delegate_name, topic, notes, "
                    "ideology_covered, hcm_study_covered, criticism_done, resolution_voted, "
                    "minutes_complete, summoned, exempted, present, absent_excused, "
                    "absent_unexcused, speakers, young_speakers, attachment_name, "
                    "attachment_path, attachment_type, attachment_size, "
                    "self_total_half_points, created_at, updated_at, review_comment) VALUES "
                    "(:cell, :campaign, 5, 'regular', 'draft', '', '', false, '', '', '', false, "
                    "false, false, false, false, 0, 0, 0, 0, 0, 0, 0, '', '', '', 0, 0, "
                    ":now, :now, '')"
                ),
                {"cell": cell_id, "campaign": campaign_id, "now": "2023-05-20 10:00:00"},
            )
        upgrade()
        plans = db.session.scalars(db.select(Plan)).all()
        assert [(p.number, p.issued_on.isoformat(), p.first_year, p.last_year) for p in plans] == [
            ("21-KH/ĐU", "2022-04-14", 2022, 2025)
        ]
        assert plans[0].issuing_body == "Đảng ủy thị trấn Cù Lao Dung"
        assert {c.plan_id for c in db.session.scalars(db.select(Campaign))} == {plans[0].id}
        assert db.session.scalar(db.select(Committee.from_year)) == 2022
        left = {c.code: c.left_year for c in db.session.scalars(db.select(Cell))}
        assert left["thcs"] == 2024  # took part up to its last report's year
        assert left["tieu-hoc"] == 2022  # never reported: took part in no year
        assert left["ap-cho"] is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Cell)) == 9
