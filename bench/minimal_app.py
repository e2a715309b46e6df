"""The bare baseline of bench/http.py: a minimal Flask page reading 9 rows from the same database.

Served by the same gunicorn settings as the app: ``gunicorn "minimal_app:create_app()"``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db.init_app(app)

    @app.get("/")
    def cells():
        rows = db.session.execute(
            sa.text("SELECT code, name, category FROM cell ORDER BY display_order LIMIT 9")
        ).all()
        items = "".join(f"<li>{code}: {name} ({category})</li>" for code, name, category in rows)
        return f"<!doctype html><title>Chi bộ</title><ul>{items}</ul>"

    return app
