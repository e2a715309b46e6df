"""The service layer: every state change of the app goes through a function here.

Service functions check the rules, change the objects, write their audit rows and flush; the
caller (a view, the API, a CLI command) commits once, or rolls back on error.
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
