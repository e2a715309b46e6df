"""The refusals shared by every layer: a change the rules refuse, or a thing that is not there.

Services raise them, read modules raise ``NotFound`` and ``ValidationFailed`` too, and views,
the API and the CLI turn them into pages, JSON answers and messages. They live here, beside
neither, so that reads need not import the service layer (``tracker.services`` re-exports
them). The Flask error pages are in ``errors.py``.
"""


class ServiceError(Exception):
    """A change refused by the rules; ``status`` maps to HTTP, ``fields`` to form fields."""

    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 400


class NotAllowed(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
