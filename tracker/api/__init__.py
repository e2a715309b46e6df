"""The JSON API of contract.md (``/api/v1``), authenticated by bearer tokens."""

from ..schedule import api as _schedule_api  # noqa: F401  (the calendar endpoints)
from . import catalog, openapi, rankings, reports, summary  # noqa: F401  (register the routes)
from .core import bp

__all__ = ["bp"]
