"""Fixtures shared by the whole suite.

Every test that uses the ``app`` fixture runs once per database backend: SQLite (a fresh copy
of a migrated, seeded file) and PostgreSQL (a throwaway database created for the session on
the server at ``TEST_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432/postgres,
truncated and re-seeded after each test). ``pytest --db sqlite`` runs one backend only.
A backend that cannot be reached makes its tests fail, never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker import create_app, normalise_database_url
from tracker.extensions import db

from .helpers import Account, AuthActions, QueryCounter

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        action="append",
        choices=BACKENDS,
        help="database backend(s) to run the suite on (default: both)",
    )


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    chosen = metafunc.config.getoption("db") or list(BACKENDS)
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        chosen = [name for name in chosen if name in marker.args]
    metafunc.parametrize("backend", chosen, scope="session", indirect=True)


@pytest.fixture(scope="session")
def backend(request):
    return request.param


class SQLiteTemplate:
    """A migrated, seeded SQLite file; each test gets its own copy."""

    def __init__(self, root: Path):
        self.path = root / "template.sqlite3"
        build_schema_and_seed("sqlite:///" + str(self.path))
        # Fold the WAL into the main file so that a plain copy is complete.
        engine = sa.create_engine("sqlite:///" + str(self.path))
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("PRAGMA journal_mode = DELETE")
        engine.dispose()

        # The tests' own database: one file, put back to the template after each test.
        self.live = root / "tracker.sqlite3"
        self.reset()

    @property
    def url(self) -> str:
        return "sqlite:///" + str(self.live)

    def reset(self) -> None:
        """Put the template back (the app's connections are closed first)."""
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(self.live) + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.path, self.live)

    def close(self) -> None:
        pass


class PostgresDatabase:
    """A throwaway PostgreSQL database, migrated once, truncated and re-seeded per test."""

    def __init__(self):
        server = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        self.admin_url = normalise_database_url(server)
        self.name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        self.admin_engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin_engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            # A throwaway database need not wait for the disk at each commit: losing the
            # last commits in a crash loses nothing here, and every test commits many times.
            connection.exec_driver_sql(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        self.url = sa.make_url(self.admin_url).set(database=self.name).render_as_string(
            hide_password=False
        )
        build_schema_and_seed(self.url)
        self.engine = sa.create_engine(self.url)
        self.reset_sql = self._snapshot_seed()

    def _snapshot_seed(self) -> str:
        """Copy the seeded rows into a schema of their own; return the SQL that restores them.

        A reset is then one round trip: truncate everything, copy the seed back, move the
        sequences past it (re-running the seed through the ORM took ~10 times longer).
        """
        from tracker.extensions import db as tracker_db

        with self.engine.begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA seed")
            statements = []
            seeded = []
            for table in tracker_db.metadata.sorted_tables:  # parents before children
                count = connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar()
                if count:
                    connection.exec_driver_sql(
                        f'CREATE TABLE seed."{table.name}" AS TABLE public."{table.name}"'
                    )
                    seeded.append(table)
        # DELETE, children first: on tables this small it is much cheaper than TRUNCATE.
        for table in reversed(tracker_db.metadata.sorted_tables):
            statements.append(f'DELETE FROM public."{table.name}"')
        for table in tracker_db.metadata.sorted_tables:
            if table in seeded:
                statements.append(
                    f'INSERT INTO public."{table.name}" SELECT * FROM seed."{table.name}"'
                )
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                # Ids start where they did after the seed, as on a fresh database.
                sequence = f"pg_get_serial_sequence('public.\"{table.name}\"', 'id')"
                statements.append(
                    f"SELECT setval({sequence}, "
                    f'coalesce((SELECT max(id) FROM public."{table.name}"), 0) + 1, false)'
                )
        return ";\n".join(statements)

    def reset(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.reset_sql)

    def close(self) -> None:
        self.engine.dispose()
        with self.admin_engine.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin_engine.dispose()


def build_schema_and_seed(url: str) -> None:
    """Run the migrations and the reference seed, as `flask init-db` does."""
    from tracker.cli import init_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        init_database()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(backend, tmp_path_factory):
    if backend == "sqlite":
        prepared = SQLiteTemplate(tmp_path_factory.mktemp("sqlite-template"))
    else:
        prepared = PostgresDatabase()
    yield prepared
    prepared.close()


@pytest.fixture(scope="session")
def shared_app(database):
    """One app per backend and test process: building one (~65 ms, mostly URL rules) for each
    of thousands of tests was a large part of the suite's time. Each test still gets a fresh
    database and the app's original settings back (see ``app``)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database.url})


@pytest.fixture
def own_app(database, tmp_path):
    """An app of the test's own, for a test that adds routes (the shared app has served
    requests, after which Flask refuses new ones)."""
    from tracker.pagecache import pages

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database.url, "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    database.reset()
    pages.clear()


@pytest.fixture
def app(shared_app, database, tmp_path):
    """The app on a fresh, seeded database, with the settings it was created with."""
    from tracker.pagecache import pages

    app = shared_app
    config = dict(app.config)
    view_functions = dict(app.view_functions)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    # No app context stays pushed during the test: each request must get its own, as in
    # production (a shared one would carry g and the session from request to request).
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    database.reset()
    pages.clear()
    app.config.clear()
    app.config.update(config)
    app.view_functions.clear()
    app.view_functions.update(view_functions)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """One account of each role; every password is PASSWORD."""
    from .factories import make_user

    with app.app_context():
        accounts = {
            "admin": make_user("admin", "admin"),
            "committee": make_user("committee", "danguy"),
            "secretary": make_user("secretary", "bithu.apcho", cell_code="ap-cho"),
            "other_secretary": make_user("secretary", "bithu.congan", cell_code="cong-an"),
        }
        db.session.commit()
        return {key: Account.of(user) for key, user in accounts.items()}


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


def pytest_collection_modifyitems(items):
    for item in items:
        if re.search(r"browser", item.nodeid):
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------------------------
# A live server and a real browser (Debian's chromium driven by Playwright)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def live_server(app):
    """Serve the app on a free local port in a background thread; yield its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """A headless chromium for the whole session (fails, never skips, when missing)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"chromium is required for browser tests: {CHROMIUM}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots_dir(request):
    """Where browser tests save their screenshots for people to look at."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser_page(chromium):
    """Open pages at a given size: ``page = browser_page(PHONE)``; closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
