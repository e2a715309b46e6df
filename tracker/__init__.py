"""The party-cell meeting-quality competition tracker."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

import config as default_config

from .extensions import csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the app."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    load_config(app, test_config)
    trust_proxies(app)
    register_extensions(app)
    register_input_guard(app)
    register_database_hooks(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_static_files(app)
    register_security_headers(app)
    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    """Read config.py, then instance/config.py, then the environment, then test settings."""
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_object(default_config.Config)
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(default_config.environment_overrides())
    else:
        app.config.from_object(default_config.TestConfig)
        app.config.update(test_config)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or (
        "sqlite:///" + str(Path(app.instance_path) / "tracker.sqlite3")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


def trust_proxies(app: Flask) -> None:
    """Take the client address from X-Forwarded-For only when proxies are configured."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _instance_secret_key(instance: Path) -> str:
    """Return the key kept in instance/secret_key, generating it on first use."""
    path = instance / "secret_key"
    if not path.exists():
        # Write a private temporary file, then link it into place: a second process starting
        # at the same moment either wins or reads the complete key of the first.
        temporary = instance / f".secret_key.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Map a plain PostgreSQL URL to the psycopg 3 driver of the requirements."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of extensions.py to the app."""
    from . import models  # noqa: F401  (the models must be known before Alembic looks)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from . import compression  # issue 12: compressed responses

    compression.init_app(app)


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters before any view or database work (tracker/guards.py)."""
    from .guards import init_app

    init_app(app)


def register_database_hooks(app: Flask) -> None:
    """Tune SQLite connections (foreign keys, WAL, write locks) and roll back after errors."""
    from . import pagecache, tallies  # noqa: F401  (their hooks follow every change)
    from .database import configure_engine, start_write_transaction

    with app.app_context():
        configure_engine(db.engine)
    app.before_request(start_write_transaction)


def register_blueprints(app: Flask) -> None:
    """Attach each feature area of the app."""
    from .admin import years as _admin_years  # noqa: F401  (its pages join the admin area)
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .api.docs import bp as api_docs_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .awards.views import bp as awards_bp
    from .main import bp as main_bp
    from .members.views import bp as members_bp
    from .rankings.views import bp as rankings_bp
    from .reports.views import bp as reports_bp
    from .review.exemplary import bp as exemplary_bp
    from .review.views import bp as review_bp
    from .schedule.views import bp as schedule_bp
    from .tokens.views import bp as tokens_bp

    for blueprint in (
        auth_bp,
        main_bp,
        admin_bp,
        members_bp,
        reports_bp,
        rankings_bp,
        awards_bp,
        review_bp,
        exemplary_bp,
        tokens_bp,
        api_bp,
        api_docs_bp,
        audit_bp,
        schedule_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Show errors as Vietnamese pages (JSON under /api/)."""
    from .errors import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Make the Vietnamese formatting helpers available in templates."""
    from .templating import init_app

    init_app(app)


def register_static_files(app: Flask) -> None:
    """Static addresses carry the file's digest, so browsers keep the files."""
    from .static_files import init_app

    init_app(app)


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every answer."""
    from .security import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """Add the ``flask --app tracker`` commands."""
    from . import backup, cli
    from .schedule import cli as schedule_cli

    # Each module adds its own commands; backup and schedule use cli's helpers, one way.
    for commands in (cli, backup, schedule_cli):
        commands.init_app(app)
