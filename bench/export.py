"""Benchmark the year-end award workbook against bare openpyxl writing the same rows.

    python bench/export.py --cells 10000 [--repeat 3]

Builds a throwaway SQLite database with --cells cells and a year of reports, then runs, each in
a process of its own so that peak memory is its own (--repeat times, medians):
- app: the award workbook in Party document layout (``tracker.spreadsheets.award_workbook``)
  written to a file, given the award book of the year in memory;
- bare: openpyxl in write-only mode writing the same rows and columns of the three sheets
  (plain values, no layout), given the rows in memory;
- xlsxwriter: bare XlsxWriter (constant-memory mode) writing the same rows with one Times New
  Roman bordered, wrapped format and a height on every row: what the writer itself costs,
  so that ``xlsxwriter_ratio`` is what the layout work (metrics, pagination) adds over it;
- and, for information, the whole `flask --app tracker export-awards` path: the award book
  read from the database (standings, proposal, members), then the workbook.
Memory is the rise of the process's peak resident size during the work. Last line:
``export cells=N app_s=… bare_s=… ratio=… mem_ratio=… xlsxwriter_ratio=…`` (goals at 10,000
cells: ratio <= 1.3, mem_ratio <= 1.5, xlsxwriter_ratio <= 1.3).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Import from the project root, not from this folder: bench/http.py would shadow the standard
# library's http package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import gc
import json
import statistics
import subprocess
import tempfile
import time

from bench._common import add_cells, add_reports, bench_app

SHEETS = ("Tập thể", "Cá nhân", "Xếp hạng")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


class PeakMemory:
    """The rise of the resident set size during a block, C allocations included (Linux).

    Resets the kernel's high-water mark (VmHWM) first, so that what was loaded before the
    block, and freed, does not hide the block's own peak.
    """

    def __enter__(self):
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")
        self.before = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc):
        self.rise_kb = _status_kb("VmHWM") - self.before


def run_app(url: str, year: int, output: str, *, whole_export: bool) -> dict:
    """The app's workbook, given its award book in memory like the bare writer gets its rows;
    with ``whole_export``, also reading the book from the database (as the command does)."""
    from tracker import create_app
    from tracker.award_queries import book_for_year
    from tracker.campaigns import campaign_for_year
    from tracker.spreadsheets import award_workbook

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        campaign = campaign_for_year(year)
        book = None if whole_export else book_for_year(campaign)
        with PeakMemory() as memory:
            start = time.perf_counter()
            data = award_workbook(book or book_for_year(campaign))
            Path(output).write_bytes(data)
            seconds = time.perf_counter() - start
    return {"seconds": seconds, "memory_kb": memory.rise_kb}


def run_bare(rows_file: str, output: str) -> dict:
    from openpyxl import Workbook

    tables = json.loads(Path(rows_file).read_text(encoding="utf-8"))
    with PeakMemory() as memory:
        start = time.perf_counter()
        workbook = Workbook(write_only=True)
        for title in SHEETS:
            sheet = workbook.create_sheet(title)
            for row in tables[title]:
                sheet.append(row)
        workbook.save(output)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "memory_kb": memory.rise_kb}


def run_xlsxwriter(rows_file: str, output: str) -> dict:
    import xlsxwriter

    tables = json.loads(Path(rows_file).read_text(encoding="utf-8"))
    with PeakMemory() as memory:
        start = time.perf_counter()
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        style = workbook.add_format(
            {"font_name": "Times New Roman", "font_size": 12, "border": 1, "text_wrap": True}
        )
        for title in SHEETS:
            sheet = workbook.add_worksheet(title)
            for index, row in enumerate(tables[title]):
                sheet.set_row(index, 17.25)
                sheet.write_row(index, 0, row, style)
        workbook.close()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "memory_kb": memory.rise_kb}


def table_rows(book) -> dict[str, list[list]]:
    """The rows and columns of the three tables, as the bare writer gets them."""
    from tracker.spreadsheets import CELL_COLUMNS, MEMBER_COLUMNS_AWARD, standings_columns

    def header(columns):
        return [column.header for column in columns]

    return {
        "Tập thể": [header(CELL_COLUMNS)] + [
            [n, c.name, c.category, c.members, c.average, c.tot_months, c.rank, c.summary,
             c.award_form, c.note]
            for n, c in enumerate(book.cells, start=1)
        ],
        "Cá nhân": [header(MEMBER_COLUMNS_AWARD)] + [
            [n, m.full_name, m.birth_year, m.position, m.cell_name, m.summary, m.award_form,
             m.note]
            for n, m in enumerate(book.members, start=1)
        ],
        "Xếp hạng": [header(standings_columns(book.months))] + [
            [n, s.name, s.category, *s.scores, s.average, s.tot_months, s.rank, s.grade]
            for n, s in enumerate(book.standings, start=1)
        ],
    }  # fmt: skip


def in_child(mode: str, *arguments: str) -> dict:
    answer = subprocess.run(
        [sys.executable, __file__, "--child", mode, *arguments],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        mode, *rest = args.child
        if mode == "bare":
            result = run_bare(*rest)
        elif mode == "xlsxwriter":
            result = run_xlsxwriter(*rest)
        else:
            result = run_app(rest[0], int(rest[1]), rest[2], whole_export=mode == "export")
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="tracker-export-bench-") as folder:
        folder = Path(folder)
        url = "sqlite:///" + str(folder / "bench.sqlite3")
        app = bench_app(url)
        from tracker.award_queries import book_for_year
        from tracker.campaigns import campaign_for_year
        from tracker.extensions import db

        with app.app_context():
            add_cells(args.cells)
            add_reports(1)
            campaign = campaign_for_year(2022)
            book = book_for_year(campaign)
            rows = table_rows(book)
            db.engine.dispose()
        rows_file = folder / "rows.json"
        rows_file.write_text(json.dumps(rows, default=float), encoding="utf-8")
        print(f"data: {args.cells} cells; the workbook has {len(book.standings)} ranked cells, "
              f"{len(book.cells)} proposed cells, {len(book.members)} members", flush=True)

        app_runs, bare_runs, export_runs, writer_runs = [], [], [], []
        for index in range(args.repeat):  # alternate, so that drifting load hits both alike
            app_runs.append(in_child("app", url, "2022", str(folder / f"app{index}.xlsx")))
            bare_runs.append(in_child("bare", str(rows_file), str(folder / f"bare{index}.xlsx")))
            export_runs.append(in_child("export", url, "2022", str(folder / f"all{index}.xlsx")))
            writer_runs.append(
                in_child("xlsxwriter", str(rows_file), str(folder / f"xw{index}.xlsx"))
            )
        size_app = (folder / "app0.xlsx").stat().st_size
        size_bare = (folder / "bare0.xlsx").stat().st_size

    app_s = statistics.median(run["seconds"] for run in app_runs)
    bare_s = statistics.median(run["seconds"] for run in bare_runs)
    app_mb = statistics.median(run["memory_kb"] for run in app_runs) / 1024
    bare_mb = statistics.median(run["memory_kb"] for run in bare_runs) / 1024
    writer_s = statistics.median(run["seconds"] for run in writer_runs)
    writer_mb = statistics.median(run["memory_kb"] for run in writer_runs) / 1024
    export_s = statistics.median(run["seconds"] for run in export_runs)
    export_mb = statistics.median(run["memory_kb"] for run in export_runs) / 1024
    print(f"whole export (database read included): {export_s:.2f} s, +{export_mb:.1f} MB")
    print(f"app workbook: {app_s:.2f} s, +{app_mb:.1f} MB, {size_app:,} bytes; "
          f"bare: {bare_s:.2f} s, +{bare_mb:.1f} MB, {size_bare:,} bytes; "
          f"bare XlsxWriter: {writer_s:.2f} s, +{writer_mb:.1f} MB")
    print(f"export cells={args.cells} app_s={app_s:.2f} bare_s={bare_s:.2f} "
          f"ratio={app_s / bare_s:.2f} mem_ratio={app_mb / bare_mb:.2f} "
          f"xlsxwriter_s={writer_s:.2f} xlsxwriter_ratio={app_s / writer_s:.2f}")


if __name__ == "__main__":
    main()
