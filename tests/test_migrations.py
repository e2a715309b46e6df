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
