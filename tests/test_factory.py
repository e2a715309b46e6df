"""The app factory and its configuration sources."""

from pathlib import Path

from tracker import create_app, normalise_database_url


def test_test_config_is_applied(app):
    assert app.testing
    assert app.config["WTF_CSRF_ENABLED"]


def test_default_config_reads_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example:5432/tracker")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app()
    assert not app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://someone@db.example:5432/tracker"
    )
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_missing_secret_key_is_generated_once_and_kept_in_instance(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app()
    second = create_app()
    key_file = Path(first.instance_path) / "secret_key"
    assert key_file.exists()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 32


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(
        Path(app.instance_path) / "tracker.sqlite3"
    )


def test_plain_postgresql_urls_map_to_the_psycopg_driver():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"


def test_login_page_is_vietnamese(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert "Đăng nhập" in page.text
    assert 'lang="vi"' in page.text


def test_pages_need_login(client):
    answer = client.get("/")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]
