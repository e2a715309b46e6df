"""The committee's home and the outstanding-work page count the same thing in the same words."""

import re

import pytest

# What these tests pin (the home page's wording) does not depend on the database: they run on
# SQLite, and tests/test_pages_on_postgresql.py reads every page on PostgreSQL.
pytestmark = pytest.mark.backends("sqlite")

MISSING_MONTHS = "kỳ sinh hoạt thường kỳ chưa có báo cáo đã gửi"
MISSING_QUARTERS = "quý chưa có chuyên đề được duyệt"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_and_outstanding_work_use_the_same_words(app, client, auth, users):
    app.config["TODAY"] = "2022-07-15"
    auth.login(users["committee"])
    home = text_of(client.get("/").text)
    outstanding = text_of(client.get("/reports/outstanding?year=2022").text)
    for words in (MISSING_MONTHS, MISSING_QUARTERS):
        assert words in home and words in outstanding, words
    assert "kỳ thường kỳ" not in home  # the old, clumsy wording
    # The same count on both pages.
    count = re.search(rf"(\d+) {MISSING_MONTHS}", home).group(1)
    assert re.search(rf"{count} {MISSING_MONTHS}", outstanding)
