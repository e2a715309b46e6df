"""The JSON API of contract.md (``/api/v1``), authenticated by bearer tokens."""

from .core import bp
from . import catalog, rankings, reports  # noqa: F401,E402  (register the routes)

__all__ = ["bp"]
