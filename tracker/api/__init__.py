"""The JSON API of contract.md (``/api/v1``), authenticated by bearer tokens."""

from . import catalog, openapi, rankings, reports  # noqa: F401  (register the routes)
from ..schedule import api as _schedule_api  # noqa: F401  (the calendar endpoints)
from .core import bp

__all__ = ["bp"]
