"""Benchmark the year's review: the summary figures, the indicators and the .docx.

    python bench/summary.py --cells 10000 [--database-url URL] [--repeat 5]

Builds a throwaway database with two campaign years of bulk reports (2022 and 2023), then
times ``tracker.summary.year_summary(2023)`` (what GET /api/v1/summary answers: the standings
of both years and their sums), ``tracker.review.indicators.indicators(2023)`` (the indicators
page's data) and the whole review document. Last line: ``summary cells=N summary_ms=…
indicators_ms=… document_ms=…`` (medians).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import datetime as dt

from bench._common import add_cells, add_reports, bench_app, median_ms, throwaway_database

TODAY = dt.date(2024, 2, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with throwaway_database(options.database_url) as url:
        app = bench_app(url)
        with app.app_context():
            add_cells(options.cells)
            written = add_reports(2)
            from tracker.campaigns import campaign_for_year
            from tracker.review.indicators import indicators
            from tracker.review.queries import document_for
            from tracker.summary import year_summary

            campaign = campaign_for_year(2023)
            summary_ms = median_ms(lambda: year_summary(2023, TODAY), options.repeat)
            indicators_ms = median_ms(lambda: indicators(2023, TODAY), options.repeat)
            document_ms = median_ms(lambda: document_for(campaign, TODAY), options.repeat)
            figures = year_summary(2023, TODAY).current
        print(f"reports={written} approved_2023={figures.regular_reports_approved}")
        print(
            f"summary cells={options.cells} summary_ms={summary_ms:.1f} "
            f"indicators_ms={indicators_ms:.1f} document_ms={document_ms:.1f}"
        )


if __name__ == "__main__":
    main()
