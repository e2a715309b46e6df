"""Backups are consistent while the app writes, and a restore brings the data back."""

import threading

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEntry, Member

from .factories import cell


def member_count():
    return db.session.scalar(sa.select(sa.func.count(Member.id)))


def test_backup_then_restore_brings_back_what_was_there(app, runner, tmp_path):
    backup_file = tmp_path / "backups" / "tracker.backup"
    result = runner.invoke(args=["backup", "--output", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    with app.app_context():
        db.session.execute(sa.delete(Member).where(Member.cell_id == cell("ap-cho").id))
        db.session.commit()
        assert member_count() == 256 - 48

    result = runner.invoke(args=["restore", "--input", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert member_count() == 256


def test_restore_asks_before_replacing_everything(app, runner, tmp_path):
    backup_file = tmp_path / "tracker.backup"
    runner.invoke(args=["backup", "--output", str(backup_file)])
    result = runner.invoke(args=["restore", "--input", str(backup_file)], input="n\n")
    assert result.exit_code != 0
    assert "Tiếp tục?" in result.output


def test_restore_refuses_a_missing_or_broken_file(app, runner, tmp_path, backend):
    missing = runner.invoke(args=["restore", "--input", str(tmp_path / "none"), "--yes"])
    assert missing.exit_code != 0
    assert "Không có tệp sao lưu" in missing.output
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"this is not a backup" * 100)
    result = runner.invoke(args=["restore", "--input", str(broken), "--yes"])
    assert result.exit_code != 0
    with app.app_context():
        assert member_count() == 256  # nothing was lost


# pg_dump reads from one snapshot by design; the SQLite path is ours to prove.
@pytest.mark.backends("sqlite")
def test_sqlite_backup_is_consistent_while_the_app_writes(app, tmp_path):
    import sqlite3

    from tracker.backup import backup_database

    stop = threading.Event()
    written = []

    def writer():
        with app.app_context():
            while not stop.is_set():
                db.session.add(AuditEntry(action="test.write", object_type="test"))
                db.session.commit()
                written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with app.app_context():
            paths = [backup_database(tmp_path / f"b{i}.sqlite3") for i in range(5)]
    finally:
        stop.set()
        thread.join()
    assert written, "the writer ran during the backups"
    for path in paths:
        copy = sqlite3.connect(path)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM member").fetchone()[0] == 256
        copy.close()
