"""The meeting calendar: planning, the committee's view, phone calendars, the monthly
notice, report deadlines and reminders (issue 13).

- ``rules.py``: plain functions (no Flask): start times, monthly rules, gaps, clashes,
  deadlines;
- ``service.py``: every change (plan, move, cancel, assign, follow, feed address, deadline),
  each with its audit row;
- ``queries.py``: what pages, the API and the feed read;
- ``api.py``, ``ics.py``, ``views.py``, ``notice.py``, ``reminders.py``, ``cli.py``.
"""
