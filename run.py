"""Start the tracker: prepare the database, then serve the app.

    python run.py [--host 127.0.0.1] [--port 5000] [--debug] [--demo]

Creates or upgrades the database, seeds it when empty, creates a first admin account with a
random password (printed once) when there is none, and serves the app with waitress (which
also runs on Windows), or with Flask's development server under --debug.
"""

from __future__ import annotations

import argparse
import secrets

import sqlalchemy as sa

from tracker import create_app
from tracker.cli import init_database
from tracker.database import begin_write
from tracker.extensions import db
from tracker.models import Role, User
from tracker.services.accounts import create_user

FIRST_ADMIN = "admin"


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

        serve(app, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
