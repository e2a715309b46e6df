"""The service layer: every state change of the app goes through a function here.

Service functions check the rules, change the objects, write their audit rows and flush; the
caller (a view, the API, a CLI command) commits once, or rolls back on error. The refusals
they raise live in ``tracker/failures.py`` and are re-exported here.
"""

from ..failures import Conflict, NotAllowed, NotFound, ServiceError, ValidationFailed

__all__ = ["Conflict", "NotAllowed", "NotFound", "ServiceError", "ValidationFailed"]
