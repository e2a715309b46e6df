"""Maintained year tallies: per cell and campaign year, what the approved reports add up to.

``YearTally`` rows are derived data, never edited by hand: an ``after_flush`` listener
recomputes the rows of every (cell, campaign) whose reports a flush inserted, changed or
deleted, in the same transaction, so they cannot drift from the reports. Writes that bypass
the ORM (bulk Core statements, as in the benchmarks) call ``rebuild_year_tallies`` afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from .aggregates import cell_sums, is_regular, unpacked
from .models import Report, YearTally


def _tally_select(where=None):
    """The tallies of every (cell, campaign) that has reports (those ``where`` selects), in
    the database: the shared aggregation (tracker/aggregates.py) over every month of a year."""
    sums = cell_sums(sa.true() if where is None else where, is_regular(), Report.campaign_id)
    counts = unpacked(sums)
    return sa.select(sums.c.cell_id, sums.c.slice, counts.total, *counts.months)


_COLUMNS = [
    "cell_id",
    "campaign_id",
    "total_half_points",
    "tot_months",
    "kha_months",
    "trung_binh_months",
    "kem_months",
    "pending_months",
    "thematic_quarter_mask",
]


def _serialise(connection, keys: list[tuple[int, int]]) -> None:
    """Let one transaction at a time recompute a (cell, campaign) tally, on PostgreSQL.

    Two transactions filing reports of the same cell at once would each recompute the tally
    from a snapshot without the other's report, then write the same key: the second would
    fail on the primary key, or (with an upsert) lose the first one's report. A lock held to
    the end of the transaction makes the second wait, and its next statement then sees the
    first's committed report. Keys are locked in order, so two transactions cannot deadlock
    on them. SQLite needs nothing: its write transactions already run one at a time
    (BEGIN IMMEDIATE, tracker/database.py).
    """
    if connection.dialect.name != "postgresql":
        return
    for cell_id, campaign_id in keys:
        connection.execute(
            sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_SPACE + campaign_id, cell_id))
        )


# Advisory locks are identified by two integers: (this space + campaign id, cell id).
ADVISORY_LOCK_SPACE = 7_310_000


def refresh_year_tallies(connection, keys: Iterable[tuple[int, int]]) -> None:
    """Recompute the tallies of the given (cell_id, campaign_id) pairs."""
    keys = sorted(set(keys))
    if not keys:
        return
    _serialise(connection, keys)
    delete, insert = _refresh_statements()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        connection.execute(delete, {"keys": chunk})
        connection.execute(insert, {"keys": chunk})


@functools.cache
def _refresh_statements() -> tuple[sa.Delete, sa.Insert]:
    """The two statements of a refresh, built once: every flush that files a report runs
    them, and building the aggregation anew each time was most of their cost."""
    table = YearTally.__table__
    keys = sa.bindparam("keys", expanding=True)
    delete = sa.delete(table).where(sa.tuple_(table.c.cell_id, table.c.campaign_id).in_(keys))
    source = _tally_select(sa.tuple_(Report.cell_id, Report.campaign_id).in_(keys))
    return delete, sa.insert(table).from_select(_COLUMNS, source)


def rebuild_year_tallies(connection) -> None:
    """Recompute every tally from the reports (after bulk writes that bypass the ORM)."""
    table = YearTally.__table__
    connection.execute(sa.delete(table))
    connection.execute(sa.insert(table).from_select(_COLUMNS, _tally_select()))


# The report columns a tally is computed from: a flush that changed none of them on an
# existing report (its minutes, its attendance rows, a timestamp) leaves every tally as it was.
_INPUTS = ("cell_id", "campaign_id", "month", "kind", "status", "grade", "final_total_half_points")


def _changes_a_tally(session: Session, instance: Report) -> bool:
    if instance in session.new or instance in session.deleted:
        return True
    return any(attributes.get_history(instance, name).has_changes() for name in _INPUTS)


def _touched_keys(session: Session) -> set[tuple[int, int]]:
    keys: set[tuple[int, int]] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(instance, Report) or not _changes_a_tally(session, instance):
            continue
        if instance.cell_id is not None and instance.campaign_id is not None:
            keys.add((instance.cell_id, instance.campaign_id))
        # A report moved to another cell or year leaves its old tally to recompute too.
        for name in ("cell_id", "campaign_id"):
            old = attributes.get_history(instance, name).deleted
            if old and old[0] is not None:
                other = {"cell_id": instance.cell_id, "campaign_id": instance.campaign_id}
                other[name] = old[0]
                keys.add((other["cell_id"], other["campaign_id"]))
    return keys


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _flush_context) -> None:
    keys = _touched_keys(session)
    if keys:
        refresh_year_tallies(session.connection(), keys)
