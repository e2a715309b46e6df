"""Fixtures shared by the whole suite.

Every test that uses the ``app`` fixture runs once per database backend: SQLite (a fresh copy
of a migrated, seeded file) and PostgreSQL (a throwaway database created for the session on
the server at ``TEST_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432/postgres,
truncated and re-seeded after each test). ``pytest --db sqlite`` runs one backend only.
A backend that cannot be reached makes its tests fail, never skip.
"""

from __future__ import annotations

import copy
import os
import sqlite3
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
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="save the browser tests' screenshots in test-artifacts/screenshots/",
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
        self.root = root
        self.prepared = {}  # copies kept by the ``prepared`` fixture
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

    def release(self, engine) -> None:
        """Nothing to close: a reset copies pages into the open database (see ``_copy_in``)."""

    def reset(self) -> None:
        """Put the template back."""
        self._copy_in(self.path)

    def save(self, name: str) -> None:
        """Keep a copy of the database as it is now (see ``prepared``)."""
        _backup(self.live, self._saved(name))

    def restore(self, name: str) -> None:
        """Put back a copy kept by ``save``."""
        self._copy_in(self._saved(name))

    def _saved(self, name: str) -> Path:
        return self.root / f"saved-{name}.sqlite3"

    def _copy_in(self, source: Path) -> None:
        """Copy ``source`` into the tests' database with SQLite's backup API: the app's
        connections stay open and see the copy (replacing the file meant closing them and
        reconnecting for every test)."""
        _backup(source, self.live)

    def close(self) -> None:
        pass


def _backup(source: Path, target: Path) -> None:
    """Copy one SQLite database into another, page by page (safe under open connections)."""
    reader, writer = sqlite3.connect(source), sqlite3.connect(target)
    reader.backup(writer)
    reader.close()
    writer.close()


class PostgresDatabase:
    """A throwaway PostgreSQL database, migrated once, emptied and re-seeded per test."""

    def __init__(self):
        server = os.environ.get(
            "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        self.admin_url = normalise_database_url(server)
        self.name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        self.admin_engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin_engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            # A throwaway database need not wait for the disk at each commit: losing the
            # last commits in a crash loses nothing here, and every test commits many times.
            connection.exec_driver_sql(f'ALTER DATABASE "{self.name}" SET synchronous_commit = off')
        self.url = (
            sa.make_url(self.admin_url)
            .set(database=self.name)
            .render_as_string(hide_password=False)
        )
        build_schema_and_seed(self.url)
        self.engine = sa.create_engine(self.url)
        self.restore_sql = {}
        self.prepared = {}  # copies kept by the ``prepared`` fixture
        self.save("seed")

    def save(self, name: str) -> None:
        """Copy every row into a schema of its own, and keep the SQL that puts them back.

        A reset is then one round trip: empty every table, copy the rows back, set the
        sequences where they were (re-running the seed through the ORM took ~10 times longer).
        """
        from tracker.extensions import db as tracker_db

        tables = tracker_db.metadata.sorted_tables  # parents before children
        schema = f"saved_{name}".replace("-", "_")
        # DELETE, children first: on tables this small it is much cheaper than TRUNCATE.
        statements = [f'DELETE FROM public."{table.name}"' for table in reversed(tables)]
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            for table in tables:
                count = connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar()
                if count:
                    connection.exec_driver_sql(
                        f'CREATE TABLE "{schema}"."{table.name}" AS TABLE public."{table.name}"'
                    )
                    statements.append(
                        f'INSERT INTO public."{table.name}" SELECT * FROM "{schema}"."{table.name}"'
                    )
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    sequence = connection.exec_driver_sql(
                        f"SELECT pg_get_serial_sequence('public.\"{table.name}\"', 'id')"
                    ).scalar()
                    if sequence:
                        last, called = connection.exec_driver_sql(
                            f"SELECT last_value, is_called FROM {sequence}"
                        ).one()
                        statements.append(f"SELECT setval('{sequence}', {last}, {called})")
        self.restore_sql[name] = ";\n".join(statements)

    def release(self, engine) -> None:
        """Nothing to close: rows are replaced under open, idle connections (a connection
        per test cost the server a new process each time)."""

    def restore(self, name: str) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.restore_sql[name])

    def reset(self) -> None:
        self.restore("seed")

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
        chosen = SQLiteTemplate(tmp_path_factory.mktemp("sqlite-template"))
    else:
        chosen = PostgresDatabase()
    yield chosen
    chosen.close()


@pytest.fixture(scope="session")
def shared_app(database):
    """One app per backend and test process: building one (~65 ms, mostly URL rules) for each
    of thousands of tests was a large part of the suite's time. Each test still gets a fresh
    database and the app's original settings back (see ``app``)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url})
    yield app
    with app.app_context():
        db.engine.dispose()  # PostgreSQL keeps its connections from test to test


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
        database.release(db.engine)
    database.reset()
    pages.clear()
    app.config.clear()
    app.config.update(config)
    app.view_functions.clear()
    app.view_functions.update(view_functions)


# Columns holding a secret whose raw value a test may keep (an API token, a session, a feed
# address): a copy put back would replace them with another test's. Their values are part of
# the state that ``prepared`` matches, so a build after such rows is always made afresh.
SECRETS = {
    "api_token": "token_hash",
    "login_session": "key_hash",
    "calendar_account": "feed_secret",
}


@pytest.fixture
def prepared(app, database):
    """Rows that many tests start from, built once per database and test process.

    ``prepared(build)`` calls ``build()`` in an app context, commits, and returns what it
    returned (plain values: ids, names). The first test to ask keeps a copy of the whole
    database; the next ones in the same state get the copy put back instead of building
    again (a season of reports took ~200 ms to insert; putting it back takes a few). The
    state is the build function, ``key``, the app's TODAY, the number of rows of every table
    and the secrets held (``SECRETS``), so a build on other rows or another day runs afresh.
    """
    from tracker.pagecache import pages

    def state_before(build, key):
        tables = db.metadata.sorted_tables
        counts = db.session.execute(
            sa.select(
                *(sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables)
            )
        ).one()
        secrets = [
            tuple(sorted(map(str, db.session.scalars(sa.select(db.metadata.tables[t].c[c])))))
            for t, c in SECRETS.items()
        ]
        today = app.config.get("TODAY")
        return (build.__module__, build.__qualname__, key, today, tuple(counts), tuple(secrets))

    def build_or_restore(build, key=()):
        with app.app_context():
            state = state_before(build, key)
            db.session.remove()
            database.release(db.engine)
            if state in database.prepared:
                name, value = database.prepared[state]
                database.restore(name)
                pages.clear()
                return copy.deepcopy(value)
            value = build()
            db.session.commit()
            db.session.remove()
            database.release(db.engine)
        name = f"p{len(database.prepared) + 1}"
        database.save(name)
        database.prepared[state] = (name, copy.deepcopy(value))
        return value

    return build_or_restore


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """One account of each role; every password is PASSWORD."""
    with app.app_context():
        accounts = make_accounts()
        db.session.commit()
        return accounts


def make_accounts() -> dict[str, Account]:
    """(Four rows, in one flush: putting back a kept copy, as ``prepared`` does, was no
    faster.)"""
    from .factories import make_user

    accounts = {
        "admin": make_user("admin", "admin", flush=False),
        "committee": make_user("committee", "danguy", flush=False),
        "secretary": make_user("secretary", "bithu.apcho", cell_code="ap-cho", flush=False),
        "other_secretary": make_user("secretary", "bithu.congan", cell_code="cong-an", flush=False),
    }
    db.session.flush()
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
    """Mark every test that drives chromium (``-m browser``, ``-m "not browser"``)."""
    for item in items:
        if {"chromium", "browser_page"} & set(getattr(item, "fixturenames", ())):
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
    # A short poll: shutting down waits for it (the default half second, for every test).
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
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
    """Where browser tests save their screenshots for people to look at, with
    ``--screenshots``; None without it (taking them is a tenth of the browser tests' time)."""
    if not request.config.getoption("screenshots"):
        return None
    path = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# What a test may listen to on a page: a page given back with a listener still on is not kept.
PAGE_EVENTS = (
    "close", "console", "crash", "dialog", "domcontentloaded", "download", "filechooser",
    "frameattached", "framedetached", "framenavigated", "load", "pageerror", "popup",
    "request", "requestfailed", "requestfinished", "response", "websocket", "worker",
)  # fmt: skip


class PagePool:
    """Pages kept from test to test, per kind of context.

    A new page costs chromium a renderer process (about 0.7 s of CPU here, more than most
    page loads); a kept page costs only the test's own navigations. A page goes back clean
    or not at all: its cookies, the storage of the site it shows, the offline switch and the
    timeout are reset; a page that was closed, opened a popup or still has a listener the
    test added is closed with its context. Each test's live server has a port of its own,
    so a kept page never shows a previous test's site as the next test's.
    """

    def __init__(self, browser):
        self.browser = browser
        self.idle: dict[tuple, list] = {}
        self.kinds: dict[int, tuple] = {}  # id(page) -> (kind, listener counts when made)

    def take(self, viewport: dict, init_script: Path | None = None, **options):
        kind = (init_script, *sorted(options.items()))
        idle = self.idle.setdefault(kind, [])
        if idle:
            page = idle.pop()
            page.set_viewport_size(viewport)
            return page
        context = self.browser.new_context(viewport=viewport, locale="vi-VN", **options)
        if init_script is not None:
            context.add_init_script(path=init_script)
        page = context.new_page()
        page.set_default_timeout(10_000)
        self.kinds[id(page)] = (kind, _listener_counts(page))
        return page

    def give_back(self, page) -> None:
        from playwright.sync_api import Error as PlaywrightError

        kind, listeners = self.kinds[id(page)]
        context = page.context
        clean = (
            not page.is_closed() and len(context.pages) == 1 and _listener_counts(page) == listeners
        )
        if clean:
            try:
                page.evaluate(
                    "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"
                )
                context.clear_cookies()
                context.set_offline(False)
                page.set_default_timeout(10_000)
            except PlaywrightError:  # a page that cannot be reset is not kept
                clean = False
        if clean:
            self.idle[kind].append(page)
        else:
            del self.kinds[id(page)]
            context.close()


def _listener_counts(page) -> tuple[int, ...]:
    events = page._impl_obj  # Playwright's own emitter: the public API can only remove one
    return tuple(events.listener_count(name) for name in PAGE_EVENTS)


@pytest.fixture(scope="session")
def page_pool(chromium):
    return PagePool(chromium)


@pytest.fixture
def browser_page(page_pool):
    """Open pages at a given size: ``page = browser_page(PHONE)``; given back after the test
    (see ``PagePool``). Context options (``java_script_enabled=False``, ``bypass_csp=True``,
    ``init_script=path``) are passed on."""
    taken = []

    def open_page(viewport=DESKTOP, **options):
        page = page_pool.take(viewport, **options)
        taken.append(page)
        return page

    yield open_page
    for page in taken:
        page_pool.give_back(page)
