"""Responses are compressed, and at 60 cells every page stays at or under 100 KB on the wire
(issue 12, "Measured, to keep"). Measured with the bytes the server sends (gzip), HTML only:
the stylesheet and scripts are counted separately and cached by the browser."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Cell, Gender, Member, Report

from .factories import make_report
from .ranking_data import add_cells, make_season

LIMIT = 100 * 1024
STATIC = Path(__file__).resolve().parent.parent / "tracker" / "static"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Thạch"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hòa", "Lan", "Minh", "Ngọc", "Phúc", "Tâm", "Vân"]


@pytest.fixture
def sixty_cells(app):
    """60 cells of about 28 members each (1,700 members), a season of reports."""
    app.config["TODAY"] = "2022-11-20"
    with app.app_context():
        make_season()
        add_cells(51)
        cells = list(db.session.scalars(sa.select(Cell)))
        assert len(cells) == 60
        number = 0
        for cell in cells:
            for index in range(28):
                number += 1
                women = index % 2 == 0
                db.session.add(
                    Member(
                        full_name=f"{FAMILY[number % 10]} {'Thị' if women else 'Văn'} "
                        f"{GIVEN[number % 11]} {number}",
                        gender=Gender.FEMALE if women else Gender.MALE,
                        birth_year=1950 + number % 50,
                        cell=cell,
                    )
                )
        for cell in cells[9:]:
            for month in (4, 5, 6, 7, 8, 9, 10):
                make_report(cell.code, 2022, month, total=80 + month)
        db.session.commit()
        return db.session.scalar(sa.select(Report.id).limit(1))


PAGES = [
    ("committee", "/"),
    ("committee", "/reports/?year=2022"),
    ("committee", "/reports/queue"),
    ("committee", "/reports/outstanding?year=2022"),
    ("committee", "/reports/attendance?year=2022"),
    ("committee", "/rankings/?year=2022"),
    ("committee", "/rankings/matrix?year=2022"),
    ("committee", "/rankings/years"),
    ("committee", "/rankings/cells/ap-cho?year=2022"),
    ("committee", "/members/"),
    ("committee", "/awards/2022"),
    ("admin", "/audit/"),
    ("admin", "/api/docs"),
    ("secretary", "/"),
    ("secretary", "/reports/new?year=2022&month=11"),
    ("secretary", "/reports/{report}"),
]


@pytest.mark.backends("sqlite")
def test_every_page_is_compressed_and_at_most_100_kb_on_the_wire_at_60_cells(
    client, auth, users, sixty_cells
):
    sizes = {}
    for role, url in PAGES:
        auth.login(users[role])
        answer = client.get(url.format(report=sixty_cells), headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, url
        assert answer.headers.get("Content-Encoding") == "gzip", url
        wire = len(answer.get_data())
        plain = len(gzip.decompress(answer.get_data()))
        sizes[url] = (wire, plain)
        assert wire <= LIMIT, (url, wire, plain)
        auth.logout()
    print(
        "\n".join(
            f"{url}: {wire:,} B on the wire ({plain:,} B)" for url, (wire, plain) in sizes.items()
        )
    )


def test_the_stylesheet_and_scripts_are_compressed_too(client):
    for path in ("/static/css/app.css", "/static/js/report-form.js"):
        answer = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert answer.status_code == 200
        assert answer.headers.get("Content-Encoding") in ("br", "gzip"), path
        assert "Accept-Encoding" in answer.headers.get("Vary", "")


def test_a_client_that_asks_for_no_compression_gets_plain_pages(client):
    answer = client.get("/login", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in answer.headers
    assert "Đăng nhập" in answer.get_data(as_text=True)


def test_pages_link_their_assets_by_digest_and_browsers_keep_them(client):
    """A page's stylesheet, scripts and icon carry their file's digest: a phone keeps them a
    year and asks for none of them on the next page; a changed file has a new address."""
    page = client.get("/login", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"', page)
    assert {path for path, _digest in assets} >= {"/static/css/app.css", "/static/favicon.svg"}
    for path, digest in assets:
        data = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(digest), path
        kept = client.get(f"{path}?v={digest}")
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000", path
    # Without the digest, or with another file's, the answer is checked again each time.
    for address in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        answer = client.get(address)
        assert answer.headers["Cache-Control"] == "no-cache", address
        assert answer.headers["ETag"]
