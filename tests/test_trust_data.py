"""Issue 15 (a): a restore takes only a whole backup of this app, and a backup is whole.

The contract: ``restore`` refuses (exit status ≠ 0, the current data untouched) an empty or
truncated file, another application's database, a file of another format. A backup holds the
database and the minutes attachments; attachments live in the database (README, "Tin cậy").
"""

import os
import sqlite3
import stat
import subprocess

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.extensions import db
from tracker.models import AttachmentContent, Member, Report
from tracker.services import attachments
from tracker.services import reports as service

from .factories import cell
from .reporting import PDF, report_input, user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def member_count():
    return db.session.scalar(sa.select(sa.func.count(Member.id)))


def backup(runner, path):
    result = runner.invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


def refused(app, runner, path):
    result = runner.invoke(args=["restore", "--input", str(path), "--yes"])
    assert result.exit_code != 0, result.output
    with app.app_context():
        assert member_count() == 256, "the current data is untouched"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) >= 0
    return result.output


def test_restore_refuses_an_empty_file(app, runner, tmp_path):
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    assert "rỗng" in refused(app, runner, empty)


def test_restore_refuses_another_applications_sqlite_database(app, runner, tmp_path):
    foreign = tmp_path / "notes.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, t TEXT)")
    connection.execute("INSERT INTO notes (t) VALUES ('x')")
    connection.commit()
    connection.close()
    assert "không phải bản sao lưu của ứng dụng này" in refused(app, runner, foreign)


def test_restore_refuses_a_truncated_backup(app, runner, tmp_path):
    whole = backup(runner, tmp_path / "whole.backup")
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    refused(app, runner, truncated)


def test_restore_refuses_a_text_file(app, runner, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("SQLite format 3 is not what this is\n" * 50)
    refused(app, runner, text)


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_backup_of_an_unknown_schema_version(app, runner, tmp_path):
    newer = backup(runner, tmp_path / "newer.backup")
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    connection.commit()
    connection.close()
    assert "phiên bản mới hơn" in refused(app, runner, newer)


@pytest.mark.backends("postgresql")
def test_restore_refuses_a_partial_pg_dump(app, runner, tmp_path):
    """A dump of some tables of the same server is not a whole backup of the app."""
    from tracker.backup import _libpq

    partial = tmp_path / "partial.backup"
    with app.app_context():
        url, env = _libpq()
    subprocess.run(
        ["pg_dump", "--format=custom", "--table=cell", "--table=member", "--file", str(partial),
         "--dbname", url],
        check=True, env=env,
    )
    assert "thiếu bảng" in refused(app, runner, partial)


def _report_with_minutes(data: bytes, name: str) -> int:
    report = service.create_report(
        user("bithu.apcho"), cell=cell("ap-cho"), data=report_input(), submit=False,
        attachment=attachments.Upload(name, data),
    )
    db.session.commit()
    return report.id


def test_a_backup_holds_the_attachments_and_a_restore_brings_them_back(
    app, runner, users, tmp_path, auth, client
):
    with app.app_context():
        report_id = _report_with_minutes(PDF, "bien-ban.pdf")
    saved = backup(runner, tmp_path / "with-minutes.backup")
    with app.app_context():
        report = db.session.get(Report, report_id)
        service.update_report(
            user("bithu.apcho"), report, data=report_input(), submit=False,
            attachment=attachments.Upload("moi.png", PNG),
        )
        db.session.commit()
    result = runner.invoke(args=["restore", "--input", str(saved), "--yes"])
    assert result.exit_code == 0, result.output
    auth.login("bithu.apcho")
    answer = client.get(f"/reports/{report_id}/attachment")
    assert answer.status_code == 200
    assert answer.data == PDF


def test_attachments_are_served_from_the_database_not_a_folder(app, users, auth, client):
    """Several app servers behind one PostgreSQL serve every attachment: no folder to share."""
    with app.app_context():
        report_id = _report_with_minutes(PDF, "bien-ban.pdf")
    folder = app.config["UPLOAD_FOLDER"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []
    other_server = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
         "UPLOAD_FOLDER": folder + "-elsewhere"}
    )
    browser = other_server.test_client()
    from .helpers import AuthActions

    AuthActions(browser).login("bithu.apcho")
    assert browser.get(f"/reports/{report_id}/attachment").data == PDF
    with other_server.app_context():
        db.engine.dispose()


def test_startup_sweeps_orphan_files_and_stale_rows(app, users, tmp_path):
    """kill -9 during an upload used to leave files; whatever is left is cleaned at start."""
    from tracker.cli import init_database

    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    (folder / ("ab" * 16 + ".pdf")).write_bytes(PDF[:10])  # half-written, named by no report
    (folder / "upload.tmp").write_bytes(b"partial")
    with app.app_context():
        report_id = _report_with_minutes(PDF, "a.pdf")
        db.session.execute(
            sa.update(Report).where(Report.id == report_id).values(attachment_path="")
        )
        db.session.commit()
        init_database()
        assert os.listdir(folder) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AttachmentContent)) == 0


def test_the_migration_moves_existing_files_into_the_database(app, tmp_path):
    from flask_migrate import downgrade, upgrade

    folder = tmp_path / "uploads"
    name = "cd" * 16 + ".pdf"
    with app.app_context():
        db.session.remove()
        downgrade(revision="5c1f0e2a9b7d")
        with db.engine.begin() as connection:
            campaign_id = connection.execute(
                sa.text("SELECT id FROM campaign WHERE year = 2023")
            ).scalar()
            cell_id = connection.execute(sa.text("SELECT id FROM cell WHERE code = 'ap-cho'")).scalar()
            connection.execute(
                sa.text(
                    "INSERT INTO report (cell_id, campaign_id, month, kind, status, chaired_by, "
                    "minutes_taker, delegate_present, delegate_name, topic, notes, "
                    "ideology_covered, hcm_study_covered, criticism_done, resolution_voted, "
                    "minutes_complete, summoned, exempted, present, absent_excused, "
                    "absent_unexcused, speakers, young_speakers, attachment_name, "
                    "attachment_path, attachment_type, attachment_size, "
                    "self_total_half_points, created_at, updated_at, review_comment) VALUES "
                    "(:cell, :campaign, 5, 'regular', 'draft', '', '', false, '', '', '', false, "
                    "false, false, false, false, 0, 0, 0, 0, 0, 0, 0, 'bb.pdf', :name, "
                    "'application/pdf', :size, 0, :now, :now, '')"
                ),
                {"cell": cell_id, "campaign": campaign_id, "now": "2023-05-20 10:00:00",
                 "name": name, "size": len(PDF)},
            )
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(PDF)
        (folder / ("ef" * 16 + ".png")).write_bytes(PNG)  # an orphan
        upgrade()
        row = db.session.scalar(sa.select(AttachmentContent))
        assert (row.name, bytes(row.data)) == (name, PDF)
        assert os.listdir(folder) == []


def test_backups_are_readable_by_their_owner_only(app, runner, tmp_path):
    path = backup(runner, tmp_path / "private.backup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_postgres_backup_never_prints_the_password(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql://tracker:S3cretPassw0rd@127.0.0.1:9/none",
         "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    )
    runner = app.test_cli_runner()
    for args in (["backup", "--output", str(tmp_path / "b")],):
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert "S3cretPassw0rd" not in result.output
        assert "S3cretPassw0rd" not in str(result.exception or "")
    real = backup_file = tmp_path / "fake.backup"
    backup_file.write_bytes(b"PGDMP" + b"\x00" * 100)
    result = runner.invoke(args=["restore", "--input", str(real), "--yes"])
    assert result.exit_code != 0
    assert "S3cretPassw0rd" not in result.output


def test_a_new_database_its_wal_and_the_secret_key_are_private(tmp_path, monkeypatch):
    from tracker.cli import init_database

    path = tmp_path / "instance-db" / "tracker.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "UPLOAD_FOLDER": str(tmp_path / "u")})
    with app.app_context():
        init_database()
        db.session.execute(sa.text("SELECT 1"))
        for name in (path, path.with_name(path.name + "-wal")):
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
        db.engine.dispose()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "UPLOAD_FOLDER": str(tmp_path / "u")})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with app.app_context():
        db.engine.dispose()


def test_the_generated_secret_key_is_private(tmp_path):
    from pathlib import Path

    from tracker import _instance_secret_key

    _instance_secret_key(Path(tmp_path))
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


@pytest.mark.backends("postgresql")
def test_a_postgres_restore_starts_from_an_empty_schema(app, runner, tmp_path):
    """A backup of an earlier version lacks tables added since (with foreign keys to the
    old ones): the restore still brings the backup back whole, in one transaction."""
    saved = backup(runner, tmp_path / "older.backup")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE added_later (id serial PRIMARY KEY, "
                "report_id integer REFERENCES report(id))"
            )
            connection.exec_driver_sql("DELETE FROM member WHERE id < 10")
        db.engine.dispose()
    result = runner.invoke(args=["restore", "--input", str(saved), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert member_count() == 256
        with db.engine.connect() as connection:
            assert "added_later" not in sa.inspect(connection).get_table_names()
