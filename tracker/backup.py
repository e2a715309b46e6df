"""Backups and restores of the database.

SQLite: the online backup API copies a consistent snapshot while the app keeps writing.
PostgreSQL: pg_dump / pg_restore in the custom format.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from .cli import CommandFailed
from .extensions import db


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in Vietnamese."""


def _sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(url.database)


def _libpq_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"Không tìm thấy {tool}. Cài gói postgresql-client (Debian: apt-get install "
            f"postgresql-client) hoặc chạy {tool} trên máy chủ cơ sở dữ liệu."
        )
    return path


def backup_database(output: Path) -> Path:
    """Write a consistent copy of the database to ``output``; return it."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path()
    if source is not None:
        if output.resolve() == source.resolve():
            raise BackupError("Tệp sao lưu không được trùng với tệp cơ sở dữ liệu.")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(output)
        try:
            src.backup(dst)  # one step: a snapshot under a read transaction
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("Bản sao lưu không toàn vẹn.")
        finally:
            dst.close()
            src.close()
        return output
    subprocess.run(
        [_require("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), _libpq_url()],
        check=True,
    )
    return output


def restore_database(backup: Path) -> None:
    """Replace the whole database by the content of ``backup`` (stop the app first)."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"Không có tệp sao lưu {backup}.")
    db.session.remove()
    db.engine.dispose()
    target = _sqlite_path()
    if target is not None:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("Tệp sao lưu bị hỏng.")
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Tệp {backup} không phải bản sao lưu SQLite.") from error
        finally:
            src.close()
        return
    subprocess.run(
        [_require("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--dbname", _libpq_url(), str(backup)],
        check=True,
    )


@click.command("backup")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database (SQLite online backup, or pg_dump for PostgreSQL)."""
    try:
        written = backup_database(output)
    except (BackupError, subprocess.CalledProcessError) as error:
        raise CommandFailed(str(error)) from error
    click.echo(f"Đã sao lưu vào {written} ({written.stat().st_size:,} byte).")


@click.command("restore")
@click.option("--input", "backup", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại.")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the database by a backup (stop the app first)."""
    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện tại sẽ bị thay bằng bản sao lưu. Tiếp tục?", abort=True)
    try:
        restore_database(backup)
    except (BackupError, subprocess.CalledProcessError) as error:
        raise CommandFailed(str(error)) from error
    click.echo(f"Đã khôi phục từ {backup}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
