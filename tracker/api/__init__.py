"""The JSON API of contract.md (``/api/v1``), authenticated by bearer tokens."""

from . import catalog, openapi, rankings, reports, summary  # noqa: F401  (register the routes)
from .core import bp

__all__ = ["bp"]
