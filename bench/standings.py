"""Benchmark the standings of a campaign year against one bare SQL statement.

    python bench/standings.py --cells 10000 --years 4 [--database-url URL] [--repeat 7]

Builds a throwaway database (SQLite in a temporary folder, or a new database on the PostgreSQL
server of --database-url), fills it with bulk inserts, then times, in the same run:
- app: ``tracker.standings.standings_for_period(year)``, what the page, the API and the award
  workbook call (campaign and bands, regular and thematic aggregates, the ranking rule);
- bare: one hand-written statement through the bare DB driver (sqlite3 / psycopg) computing the
  same sums (averages) and Tốt counts per cell, ordered.
Last line: ``standings cells=N app_ms=… bare_ms=… ratio=…`` (medians; goal ratio <= 1.5).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Import from the project root, not from this folder: bench/http.py would shadow the standard
# library's http package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import datetime as dt

import sqlalchemy as sa

from bench._common import (
    add_cells,
    add_reports,
    bench_app,
    median_ms,
    throwaway_database,
)
from tracker.extensions import db

BARE_SQL = """
SELECT c.id, c.code, c.name, c.category,
       COALESCE(SUM(CASE WHEN r.status = 'approved' THEN r.final_total_half_points END), 0) AS total,
       COUNT(CASE WHEN r.status = 'approved' AND r.grade = 'tot' THEN 1 END) AS tot_months
FROM cell AS c
LEFT JOIN report AS r
  ON r.cell_id = c.id AND r.kind = 'regular' AND r.campaign_id = {campaign_id}
 AND r.month BETWEEN {first} AND {last}
WHERE c.active
GROUP BY c.id, c.code, c.name, c.category
ORDER BY total DESC, tot_months DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=4, choices=range(1, 5))
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with throwaway_database(args.database_url) as url:
        app = bench_app(url)
        with app.app_context():
            add_cells(args.cells)
            rows = add_reports(args.years)
            campaign_id, year, first, last = db.session.execute(
                sa.text(
                    "SELECT id, year, first_month, last_month FROM campaign ORDER BY year LIMIT 1"
                )
            ).one()
            # Analyse the tables like a running production database would have.
            with db.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
        print(f"data: {args.cells} cells, {rows} reports over {args.years} year(s); "
              f"ranking {year} on {db_name(url)}", flush=True)

        from tracker.standings import standings_for_period

        today = dt.date(year + 1, 1, 15)  # the whole year has ended

        def app_standings():
            with app.app_context():
                result = standings_for_period(year, today=today)
                assert len(result.rows) == args.cells
                db.session.remove()

        statement = BARE_SQL.format(campaign_id=int(campaign_id), first=int(first), last=int(last))
        with app.app_context():
            raw = db.engine.raw_connection()  # the bare DB-API connection of the driver
        try:
            def bare_standings():
                cursor = raw.cursor()
                cursor.execute(statement)
                result = cursor.fetchall()
                cursor.close()
                raw.rollback()
                assert len(result) == args.cells

            # Interleave the two so that drifting load hits both alike.
            app_runs, bare_runs = [], []
            for _ in range(3):
                app_runs.append(median_ms(app_standings, args.repeat))
                bare_runs.append(median_ms(bare_standings, args.repeat))
        finally:
            raw.close()
        with app.app_context():
            db.engine.dispose()

    app_ms = sorted(app_runs)[1]
    bare_ms = sorted(bare_runs)[1]
    print(f"standings cells={args.cells} app_ms={app_ms:.1f} bare_ms={bare_ms:.1f} "
          f"ratio={app_ms / bare_ms:.2f}")


def db_name(url: str) -> str:
    return sa.make_url(url).get_backend_name()


if __name__ == "__main__":
    main()
