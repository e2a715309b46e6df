"""Default settings of the tracker app.

The app factory loads, in order: the class below, then ``instance/config.py`` when present,
then the environment (``DATABASE_URL``, ``SECRET_KEY``). A later source wins.
"""

import os
from typing import ClassVar


class Config:
    """Settings shared by every deployment."""

    # Set from instance/ by the factory when absent (see tracker/config_loader.py).
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}

    # Uploaded minutes live outside the web root, under instance/ unless configured.
    UPLOAD_FOLDER = None
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # the form's 10 MB attachment plus the fields
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

    PASSWORD_HASH_METHOD = "scrypt"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Set to True behind HTTPS (instance/config.py or PREFERRED_URL_SCHEME=https).
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    # A signed-in session ends on the server after this long, whatever the browser keeps.
    LOGIN_SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a secretary may take an evening to fill a report

    # Login throttling (services/accounts.py): failures of one account from one address
    # allowed without delay (four times as many per address over all accounts), then
    # growing delays 1, 2, 4… seconds up to LOGIN_MAX_DELAY_SECONDS; failures are
    # remembered for LOGIN_FAILURE_WINDOW_SECONDS.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_DELAY_SECONDS = 15 * 60
    LOGIN_FAILURE_WINDOW_SECONDS = 24 * 3600

    # Number of reverse proxies in front of the app whose X-Forwarded-For / -Proto / -Host
    # headers are trusted (0: none; the client address is the connection's). Set it to 1
    # behind one nginx/Caddy/IIS that sets those headers; never when clients connect directly.
    TRUSTED_PROXIES = 0

    # Time zone of the committee: months end at midnight local time.
    TIMEZONE = "Asia/Ho_Chi_Minh"
    # Fixed "today" for demonstrations and tests (ISO date); None means the real date.
    TODAY = None


class TestConfig(Config):
    """Settings for the test suite (the fixtures add the database URL)."""

    TESTING = True
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test-secret-key-not-for-production"
    LOGIN_MAX_FAILURES = 1000
    # Fast hashing: the tests create many accounts.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def environment_overrides(environ=os.environ):
    """Return the settings that the environment sets."""
    overrides = {}
    if environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    if environ.get("TRUSTED_PROXIES", "").strip().isdigit():
        overrides["TRUSTED_PROXIES"] = int(environ["TRUSTED_PROXIES"].strip())
    if environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = environ["SECRET_KEY"]
    return overrides
