"""The same question gets the same answer through the API, the pages and the award workbook.

Rankings: GET /api/v1/rankings against the rankings page (rank, average written with a comma,
missing months, Tốt months, grade) and against the "Xếp hạng" sheet of the award workbook
(`export-awards`). Reports: GET /api/v1/reports/ID against the report's page (status, the
points of every criterion, totals, grade, the committee's comment) in every state.
"""

from __future__ import annotations

import io
from decimal import Decimal

import lxml.html
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tracker.domain.scoring import Grade
from tracker.extensions import db
from tracker.models import Report, ReportKind, ReportStatus, User
from tracker.services.accounts import create_token

from .ranking_data import make_season
from .reporting import api_body

GRADE_LABELS = {grade.value: grade.label for grade in Grade}


@pytest.fixture
def bearer(app, users):
    headers = {}
    with app.app_context():
        for key, account in users.items():
            raw = create_token(db.session.get(User, account.id), label="test")[0]
            headers[key] = {"Authorization": f"Bearer {raw}"}
        db.session.commit()
    return headers


@pytest.fixture
def season(app, prepared):
    app.config["TODAY"] = "2023-01-15"  # the whole 2022 campaign has ended
    prepared(make_season)


def comma_number(text: str) -> Decimal | None:
    """ "92,50" -> Decimal("92.50"); "—" -> None."""
    text = text.strip()
    return None if text in ("", "—") else Decimal(text.replace(".", "").replace(",", "."))


def api_number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def grade_in(element) -> str | None:
    """The grade shown by a grade badge (``grade grade--tot``), None when there is none."""
    badges = element.xpath(".//span[contains(concat(' ', @class, ' '), ' grade ')]")
    if not badges:
        return None
    value = next(c.removeprefix("grade--") for c in badges[0].classes if c.startswith("grade--"))
    assert badges[0].text_content().strip() == GRADE_LABELS[value]
    return value


# --------------------------------------------------------------------------------------------
# Rankings: API and page


def page_rankings(client, query: str) -> list[dict]:
    answer = client.get(f"/rankings/?{query}")
    assert answer.status_code == 200
    tree = lxml.html.fromstring(answer.text)
    rows = []
    for tr in tree.xpath("//table[contains(@class, 'ranking-table')]/tbody/tr"):
        cells = {td.get("data-label"): td for td in tr.xpath("./td")}
        average_cell = next(td for label, td in cells.items() if label.startswith("Điểm TB"))
        rows.append(
            {
                "cell": tr.get("data-cell"),
                "rank": int(cells["Hạng"].xpath(".//span")[0].text_content().lstrip("=")),
                "name": cells["Chi bộ"].xpath("string(./a)").strip(),
                "average": comma_number(average_cell.xpath("./strong")[0].text_content()),
                "months_counted": int(cells["Tháng tính"].text_content()),
                "months_missing": int(cells["Tháng thiếu"].xpath("string(./span[1])") or 0),
                "tot_months": int(cells["Tháng Tốt"].text_content()),
                "grade": grade_in(cells["Xếp loại"]),
                "waiting": "chờ duyệt" in cells["Xếp loại"].text_content()
                or "bị trả lại" in cells["Xếp loại"].text_content(),
            }
        )
    return rows


def api_rankings(client, headers, query: str) -> dict:
    answer = client.get(f"/api/v1/rankings?{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize(
    "query",
    [
        "year=2022",
        "year=2022&quarter=3",
        "year=2022&month=6",
        "year=2022&month=8",
        "year=2022&category=hamlet",
        "year=2022&quarter=4&category=school",
    ],
)
def test_the_rankings_page_shows_what_the_api_answers(client, auth, users, season, bearer, query):
    api = api_rankings(client, bearer["secretary"], query)
    auth.login(users["secretary"])
    page = page_rankings(client, query)
    assert len(page) == len(api["rankings"]) > 0
    for shown, answered in zip(page, api["rankings"], strict=True):
        # A month only waiting for review: the page says so and grades nothing yet (contract,
        # "Pages the checks use"); the API still gives the provisional grade.
        assert shown.pop("waiting") == (answered["months_pending"] > 0)
        if answered["months_pending"]:
            assert shown["grade"] is None
            shown["grade"] = answered["grade"]
        assert shown == {
            "cell": answered["cell"],
            "rank": answered["rank"],
            "name": answered["name"],
            "average": api_number(answered["average"]),
            "months_counted": answered["months_counted"],
            "months_missing": answered["months_missing"],
            "tot_months": answered["tot_months"],
            "grade": answered["grade"],
        }


def test_shared_ranks_agree_between_the_page_and_the_api(app, client, auth, users, bearer):
    app.config["TODAY"] = "2022-05-15"
    with app.app_context():
        make_season(season={"ap-cho": [92], "quan-su": [92], "cong-an": [80]}, thematic={})
        db.session.commit()
    api = api_rankings(client, bearer["committee"], "year=2022&month=4")
    auth.login(users["committee"])
    page = page_rankings(client, "year=2022&month=4")
    assert [r["rank"] for r in api["rankings"]][:3] == [1, 1, 3]
    assert [(r["cell"], r["rank"]) for r in page] == [
        (r["cell"], r["rank"]) for r in api["rankings"]
    ]


# --------------------------------------------------------------------------------------------
# Rankings: API and the "Xếp hạng" sheet of the award workbook


def standings_sheet(runner, tmp_path, year: int) -> tuple[list[str], list[dict]]:
    path = tmp_path / "khen-thuong.xlsx"
    result = runner.invoke(args=["export-awards", "--year", str(year), "--output", str(path)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["Xếp hạng"]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "STT")
    headers = [cell.value for cell in header_row if cell.value is not None]
    rows = []
    for row in sheet.iter_rows(min_row=header_row[0].row + 1):
        if not isinstance(row[0].value, int):
            break
        rows.append(dict(zip(headers, (cell.value for cell in row), strict=False)))
    return headers, rows


def test_the_award_workbook_ranks_the_cells_as_the_api_does(
    app, client, runner, season, bearer, tmp_path
):
    api = api_rankings(client, bearer["admin"], "year=2022")
    headers, rows = standings_sheet(runner, tmp_path, 2022)
    month_headers = [f"T{month}" for month in api["months"]]
    assert headers == [
        "STT",
        "Tên chi bộ",
        "Loại",
        *month_headers,
        "Điểm trung bình",
        "Số kỳ Tốt",
        "Xếp hạng",
        "Xếp loại",
    ]
    assert len(rows) == len(api["rankings"])
    for number, (row, answered) in enumerate(zip(rows, api["rankings"], strict=True), start=1):
        assert row["STT"] == number
        assert row["Tên chi bộ"] == answered["name"]
        assert isinstance(row["Điểm trung bình"], (int, float))
        assert api_number(row["Điểm trung bình"]) == api_number(answered["average"])
        assert row["Số kỳ Tốt"] == answered["tot_months"]
        assert row["Xếp hạng"] == answered["rank"]
        assert row["Xếp loại"] == GRADE_LABELS[answered["grade"]]
        missing = sum(1 for header in month_headers if row[header] in (None, ""))
        assert missing == answered["months_missing"]


def test_each_month_of_the_workbook_is_the_total_the_api_gives_for_that_report(
    app, client, runner, season, bearer, tmp_path
):
    _headers, rows = standings_sheet(runner, tmp_path, 2022)
    by_name = {row["Tên chi bộ"]: row for row in rows}
    with app.app_context():
        approved = db.session.execute(
            sa.select(Report.id, Report.month)
            .where(Report.kind == ReportKind.REGULAR, Report.status == ReportStatus.APPROVED)
            .order_by(Report.id)
        ).all()
    assert approved
    names = {
        row["cell"]: row["name"]
        for row in api_rankings(client, bearer["admin"], "year=2022")["rankings"]
    }
    for report_id, month in approved:
        report = client.get(f"/api/v1/reports/{report_id}", headers=bearer["admin"]).get_json()
        name = names[report["cell"]]
        assert api_number(by_name[name][f"T{month}"]) == api_number(report["total"])


# --------------------------------------------------------------------------------------------
# Reports: API and page


def page_report(client, report_id: int) -> dict:
    answer = client.get(f"/reports/{report_id}")
    assert answer.status_code == 200
    tree = lxml.html.fromstring(answer.text)
    status = tree.xpath("//span[contains(concat(' ', @class, ' '), ' status ')]")[0]
    table = tree.xpath("//table[contains(@class, 'score-table')]")[0]
    rows = table.xpath("./tbody/tr")
    total = table.xpath("./tfoot/tr/th")
    comment = tree.xpath("//span[@class='prewrap']")
    finals = [comma_number(row.xpath("./td")[3].text_content().replace("*", "")) for row in rows]
    return {
        "status": next(c.removeprefix("status--") for c in status.classes if c != "status"),
        "self_scores": [comma_number(row.xpath("./td")[2].text_content()) for row in rows],
        "final_scores": finals if any(value is not None for value in finals) else None,
        "self_total": comma_number(total[2].text_content()),
        "final_total": comma_number(total[3].text_content()),
        "grade": grade_in(tree.xpath("//section[h2='Điểm']")[0]),
        "review_comment": comment[0].text_content() if comment else "",
    }


def rubric_codes(client, headers, year: int = 2022) -> list[str]:
    """The criteria codes in the rubric's order (the order of the page's rows)."""
    rubric = client.get(f"/api/v1/rubric/{year}", headers=headers).get_json()
    return [criterion["code"] for criterion in rubric["criteria"]]


def as_shown(report: dict, codes: list[str]) -> dict:
    """What the page should show of an API answer (points in rubric order)."""
    approved = report["status"] == "approved"
    self_scores = [api_number(report["self_scores"][code]) for code in codes]
    return {
        "status": report["status"],
        "self_scores": self_scores,
        "final_scores": [api_number(report["final_scores"][code]) for code in codes]
        if approved
        else None,
        "self_total": sum(self_scores),
        "final_total": api_number(report["total"]) if approved else None,
        "grade": report["grade"],
        "review_comment": report["review_comment"],
    }


def test_a_report_reads_the_same_through_the_api_and_its_page(client, auth, users, bearer):
    """Filed, returned, resubmitted, approved with adjusted points: compared at every step."""
    filed = client.post("/api/v1/reports", json=api_body(), headers=bearer["secretary"])
    report_id = filed.get_json()["id"]
    url = f"/api/v1/reports/{report_id}"
    codes = rubric_codes(client, bearer["secretary"])
    auth.login(users["secretary"])

    def compare():
        report = client.get(url, headers=bearer["secretary"]).get_json()
        assert page_report(client, report_id) == as_shown(report, codes)
        return report

    assert compare()["status"] == "submitted"
    returned = client.post(
        url + "/review",
        json={"decision": "return", "comment": "Bổ sung biên bản.\nGhi rõ ý kiến phát biểu."},
        headers=bearer["committee"],
    )
    assert returned.status_code == 200
    assert compare()["review_comment"] == "Bổ sung biên bản.\nGhi rõ ý kiến phát biểu."
    assert client.put(url, json=api_body(), headers=bearer["secretary"]).status_code == 200
    assert compare()["status"] == "submitted"
    approved = client.post(
        url + "/review",
        json={"decision": "approve", "scores": {"results": 20, "ideology": 4.5}, "comment": "Đạt."},
        headers=bearer["admin"],
    )
    assert approved.status_code == 200
    report = compare()
    assert (report["status"], report["total"], report["grade"]) == ("approved", 91.5, "tot")


def test_a_report_missing_a_gate_reads_kha_everywhere(client, auth, users, bearer):
    filed = client.post("/api/v1/reports", json=api_body(), headers=bearer["admin"])
    report_id = filed.get_json()["id"]
    approved = client.post(
        f"/api/v1/reports/{report_id}/review",
        json={"decision": "approve", "scores": {"duration": 4.5}},
        headers=bearer["committee"],
    ).get_json()
    assert (approved["total"], approved["grade"]) == (94, "kha")
    auth.login(users["committee"])
    assert page_report(client, report_id) == as_shown(
        approved, rubric_codes(client, bearer["admin"])
    )
