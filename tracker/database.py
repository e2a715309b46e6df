"""Engine tuning and transaction helpers.

SQLite: foreign keys on, WAL journal, a busy timeout, and write transactions opened with
``BEGIN IMMEDIATE``. A deferred transaction that reads and then writes cannot wait for the
write lock (SQLite fails it at once with "database is locked" under contention), so every
request that may write (POST, PUT, PATCH, DELETE) and every CLI write takes the lock first.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
IMMEDIATE = "tracker_sqlite_immediate"


def configure_engine(engine: Engine) -> None:
    """Install the SQLite connection settings; other databases need none."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_tracker_configured", False):
        return
    engine._tracker_configured = True
    if _is_file_database(engine) and not engine.url.database.startswith("file:"):
        make_private(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN, so that it can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if _is_file_database(engine):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_private(database: str) -> None:
    """Create the SQLite file readable by its owner only (0600), and tighten an existing one
    and its WAL and shared-memory files: they hold password hashes and members' data.
    SQLite gives the WAL and journal files the permissions of the database file."""
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except (FileNotFoundError, PermissionError):
            pass


def _is_file_database(engine: Engine) -> bool:
    database = engine.url.database
    return bool(database) and database != ":memory:" and not database.startswith("file::memory")


def begin_write() -> None:
    """Open the session's transaction as a write transaction, unless one is already open.

    Call it before the first query of a unit of work that will write. On PostgreSQL it only
    opens the transaction.
    """
    session = db.session()
    if session.in_transaction():
        return
    session.connection(execution_options={IMMEDIATE: True})


def reads_before_writing(view):
    """Mark a view that reads an upload first and takes the write lock itself, afterwards
    (``begin_write_after_reading``): parsing a workbook may take seconds, during which other
    users' writes would wait for the lock."""
    view.reads_before_writing = True
    return view


def begin_write_after_reading() -> None:
    """End the read-only transaction of the request so far (loading the user) and take the
    write lock: a deferred transaction that has read cannot wait for it on SQLite."""
    session = db.session()
    if session.in_transaction() and not session.new and not session.dirty:
        session.rollback()
    begin_write()


def start_write_transaction() -> None:
    """Before a request that may write, take the SQLite write lock (see module docstring)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "reads_before_writing", False):
            return
        begin_write()
