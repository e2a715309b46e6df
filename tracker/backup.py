"""Backups and restores of the database.

SQLite: the online backup API copies a consistent snapshot while the app keeps writing.
PostgreSQL: pg_dump / pg_restore in the custom format.
"""

from __future__ import annotations

import os
import re
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


SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# Tables every backup of this app has had since its first migration.
REQUIRED_TABLES = ("alembic_version", "user_account", "cell", "campaign", "report", "member")

MSG_EMPTY = "Tệp {path} rỗng: đây không phải bản sao lưu; dữ liệu hiện tại được giữ nguyên."
MSG_FOREIGN = (
    "Tệp {path} không phải bản sao lưu của ứng dụng này ({reason}); "
    "dữ liệu hiện tại được giữ nguyên."
)
MSG_DAMAGED = "Tệp {path} bị hỏng hoặc không trọn vẹn; dữ liệu hiện tại được giữ nguyên."
MSG_NEWER = (
    "Tệp {path} là bản sao lưu của một phiên bản mới hơn của ứng dụng (lược đồ {revision}); "
    "hãy cập nhật ứng dụng trước khi khôi phục."
)
MSG_TOOL_FAILED = "{tool} không thành công (mã lỗi {code}){detail}"


def _sqlite_path() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(url.database)


def _libpq() -> tuple[str, dict[str, str]]:
    """The database URL *without* its password, and an environment that carries it.

    The password never appears on a command line (visible to ``ps``) nor in a message."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _scrub(text: str) -> str:
    """Remove the database password from a tool's message, wherever it appears."""
    password = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).password
    if password:
        text = text.replace(str(password), "***")
    return text


def _run(tool: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool; a failure is a BackupError with its message, password removed."""
    result = subprocess.run(
        [_require(tool), *args],
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    if result.returncode != 0:
        detail = _scrub(result.stderr.strip())[-800:]
        raise BackupError(
            MSG_TOOL_FAILED.format(
                tool=tool, code=result.returncode, detail=f": {detail}" if detail else "."
            )
        )
    return result


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"Không tìm thấy {tool}. Cài gói postgresql-client (Debian: apt-get install "
            f"postgresql-client) hoặc chạy {tool} trên máy chủ cơ sở dữ liệu."
        )
    return path


def _private_file(path: Path) -> None:
    """Create (or empty) ``path`` readable by its owner only (0600) before anything is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def known_revisions() -> set[str]:
    """Every schema revision this version of the app knows (its migrations)."""
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    return {script.revision for script in ScriptDirectory(directory).walk_revisions()}


def backup_database(output: Path) -> Path:
    """Write a consistent copy of the database (attachments included) to ``output``."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_path()
    if source is not None:
        if output.exists() and output.resolve() == source.resolve():
            raise BackupError("Tệp sao lưu không được trùng với tệp cơ sở dữ liệu.")
        _private_file(output)
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
    url, env = _libpq()
    _private_file(output)
    _run("pg_dump", ["--format=custom", "--no-owner", "--file", str(output), "--dbname", url], env)
    return output


def _check_revision(backup: Path, revision: str | None) -> None:
    if not revision:
        raise BackupError(MSG_FOREIGN.format(path=backup, reason="không có phiên bản lược đồ"))
    if revision not in known_revisions():
        raise BackupError(MSG_NEWER.format(path=backup, revision=revision))


def check_sqlite_backup(backup: Path) -> None:
    """Refuse anything but a whole SQLite backup of this app (reads only)."""
    with open(backup, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if not head:
        raise BackupError(MSG_EMPTY.format(path=backup))
    if head != SQLITE_MAGIC:
        raise BackupError(MSG_FOREIGN.format(path=backup, reason="không phải tệp SQLite"))
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(MSG_DAMAGED.format(path=backup)) from error
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(MSG_DAMAGED.format(path=backup))
        tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [name for name in REQUIRED_TABLES if name not in tables]
        if missing:
            raise BackupError(
                MSG_FOREIGN.format(path=backup, reason="thiếu bảng " + ", ".join(missing))
            )
        row = src.execute("SELECT version_num FROM alembic_version").fetchone()
        _check_revision(backup, row[0] if row else None)
    except sqlite3.DatabaseError as error:
        raise BackupError(MSG_DAMAGED.format(path=backup)) from error
    finally:
        src.close()


def check_postgres_backup(backup: Path) -> None:
    """Refuse anything but a whole pg_dump (custom format) of this app (reads only)."""
    with open(backup, "rb") as handle:
        head = handle.read(len(PG_CUSTOM_MAGIC))
    if not head:
        raise BackupError(MSG_EMPTY.format(path=backup))
    if head != PG_CUSTOM_MAGIC:
        raise BackupError(
            MSG_FOREIGN.format(path=backup, reason="không phải bản pg_dump định dạng custom")
        )
    env = dict(os.environ)
    try:
        listing = _run("pg_restore", ["--list", str(backup)], env).stdout
        # Reading every data block finds a truncated file before anything is dropped.
        _run("pg_restore", ["--file", os.devnull, str(backup)], env)
        data = _run(
            "pg_restore",
            ["--data-only", "--table=alembic_version", "--file", "-", str(backup)],
            env,
        ).stdout
    except BackupError as error:
        raise BackupError(MSG_DAMAGED.format(path=backup)) from error
    tables = set(re.findall(r"\bTABLE \S+ (\S+) ", listing))
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise BackupError(
            MSG_FOREIGN.format(path=backup, reason="thiếu bảng " + ", ".join(missing))
        )
    match = re.search(r"COPY \S*alembic_version \(version_num\) FROM stdin;\n([^\n\\]+)\n", data)
    _check_revision(backup, match.group(1).strip() if match else None)


def restore_database(backup: Path) -> None:
    """Replace the whole database by the content of ``backup`` (stop the app first).

    The file is checked first, without touching the current data: it must be a whole backup
    of this app (not empty, not truncated, not another application's database, a schema
    revision this version knows)."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"Không có tệp sao lưu {backup}.")
    target = _sqlite_path()
    if target is not None:
        check_sqlite_backup(backup)
    else:
        check_postgres_backup(backup)
    db.session.remove()
    db.engine.dispose()
    if target is not None:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(MSG_DAMAGED.format(path=backup)) from error
        finally:
            src.close()
        os.chmod(target, 0o600)
        return
    url, env = _libpq()
    _restore_postgres(backup, url, env)


def _drop_everything_sql() -> str:
    """SQL that drops every table and enum type of the ``public`` schema.

    A backup of an earlier version lacks the tables added since; ``pg_restore --clean`` would
    leave them (and fail on their foreign keys). The restore starts from an empty schema."""
    import sqlalchemy as sa

    engine = sa.create_engine(
        current_app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars().all()
            types = connection.execute(
                sa.text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            ).scalars().all()
    finally:
        engine.dispose()

    def names(items):
        return ", ".join('public."{}"'.format(name.replace('"', '""')) for name in items)

    statements = []
    if tables:
        statements.append(f"DROP TABLE IF EXISTS {names(tables)} CASCADE;")
    if types:
        statements.append(f"DROP TYPE IF EXISTS {names(types)} CASCADE;")
    return "\n".join(statements) + "\n"


def _restore_postgres(backup: Path, url: str, env: dict[str, str]) -> None:
    """Drop the current tables and load the backup, all in one transaction (psql
    --single-transaction): on any error nothing changes."""
    import tempfile

    prelude = _drop_everything_sql()
    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as folder:
        prelude_path = Path(folder) / "prelude.sql"
        prelude_path.write_text(prelude, encoding="utf-8")
        reader_errors = Path(folder) / "pg_restore.err"
        with open(reader_errors, "w+", encoding="utf-8", errors="replace") as errors:
            reader = subprocess.Popen(
                [_require("pg_restore"), "--no-owner", "--no-privileges", "--schema=public",
                 "--file", "-", str(backup)],
                stdout=subprocess.PIPE,
                stderr=errors,
                env=env,
            )
            try:
                loader = subprocess.run(
                    [_require("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
                     "--set", "ON_ERROR_STOP=1", "--file", str(prelude_path), "--file", "-",
                     "--dbname", url],
                    stdin=reader.stdout,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env=env,
                    text=True,
                    errors="replace",
                    check=False,
                )
            finally:
                reader.stdout.close()
                reader_status = reader.wait()
            errors.seek(0)
            reader_message = errors.read()
    if reader_status != 0 or loader.returncode != 0:
        # psql stopping first makes pg_restore die of a broken pipe: psql says why.
        failed, code, message = (
            ("psql", loader.returncode, loader.stderr)
            if loader.returncode != 0
            else ("pg_restore", reader_status, reader_message)
        )
        detail = _scrub(message.strip())[-800:]
        raise BackupError(
            MSG_TOOL_FAILED.format(
                tool=failed, code=code, detail=f": {detail}" if detail else "."
            )
        )


@click.command("backup")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database and its attachments (SQLite online backup, or pg_dump)."""
    try:
        written = backup_database(output)
    except BackupError as error:
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
    except BackupError as error:
        raise CommandFailed(str(error)) from error
    click.echo(f"Đã khôi phục từ {backup}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
