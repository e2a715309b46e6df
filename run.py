"""Start the tracker: prepare the database, then serve the app.

    python run.py [--host 127.0.0.1] [--port 5000] [--debug] [--demo]

Creates or upgrades the database, seeds it when empty, creates a first admin account with a
random password (printed once) when there is none, and serves the app with waitress (which
also runs on Windows), or with Flask's development server under --debug.
"""

from __future__ import annotations

import argparse
import secrets
import select

import sqlalchemy as sa

from tracker import create_app
from tracker.cli import init_database
from tracker.database import begin_write
from tracker.extensions import db
from tracker.models import Role, User
from tracker.services.accounts import create_user

FIRST_ADMIN = "admin"

# Waitress, set deliberately (its defaults let 100 slow clients take every connection):
# idle or slow connections are many and cheap (no thread is held until a request is whole),
# so allow many, poll() them (select() stops at 1,024 descriptors), drop idle ones after
# 30 s, and bound headers and bodies. In production put a reverse proxy in front (README).
WAITRESS_CONNECTION_LIMIT = 1000
WAITRESS_SETTINGS = {
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "asyncore_use_poll": hasattr(select, "poll"),  # not on Windows
    "backlog": 1024,
    "max_request_header_size": 64 * 1024,
    "ident": "tracker",
}


def waitress_settings(app, threads: int = 8) -> dict:
    """The keyword arguments of waitress.serve/create_server for this app."""
    body_limit = int(app.config.get("MAX_CONTENT_LENGTH") or 12 * 1024 * 1024)
    return {
        **WAITRESS_SETTINGS,
        "threads": threads,
        "connection_limit": _connection_limit(),
        "max_request_body_size": body_limit + 1024 * 1024,
    }


def _connection_limit() -> int:
    """As many connections as the process may open files for, with room to spare."""
    limit = WAITRESS_CONNECTION_LIMIT
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = limit + 200
        if soft != resource.RLIM_INFINITY and soft < wanted:
            new_soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
            soft = new_soft
        if soft != resource.RLIM_INFINITY:
            limit = max(100, min(limit, soft - 200))
    except (ImportError, ValueError, OSError):  # Windows has no resource module
        pass
    return limit


def ensure_first_admin() -> str | None:
    """Create the first admin account if there is none; return its password (else None)."""
    begin_write()
    if db.session.scalar(sa.select(User.id).where(User.role == Role.ADMIN).limit(1)):
        db.session.rollback()
        return None
    password = secrets.token_urlsafe(12)
    create_user(
        username=FIRST_ADMIN, full_name="Quản trị viên", role=Role.ADMIN, password=password
    )
    db.session.commit()
    return password


def prepare(app, demo: bool = False) -> None:
    with app.app_context():
        init_database()
        password = ensure_first_admin()
        if demo:
            from tracker.demo import seed_demo

            seed_demo()
    if password:
        print("=" * 64)
        print("Tài khoản quản trị đầu tiên (chỉ hiển thị một lần):")
        print(f"  Tên đăng nhập: {FIRST_ADMIN}")
        print(f"  Mật khẩu:      {password}")
        print("Hãy đăng nhập và đổi mật khẩu ngay.")
        print("=" * 64, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Thi đua nâng cao chất lượng sinh hoạt chi bộ")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--debug", action="store_true", help="Flask development server")
    parser.add_argument("--demo", action="store_true", help="add demo reports (seed-demo)")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    args = parser.parse_args(argv)

    app = create_app()
    prepare(app, demo=args.demo)
    print(f"Đang phục vụ tại http://{args.host}:{args.port}/", flush=True)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
    else:
        from waitress import serve

        serve(app, host=args.host, port=args.port, **waitress_settings(app, args.threads))


if __name__ == "__main__":
    main()
