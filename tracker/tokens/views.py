"""Pages of the tokens area."""

from flask import Blueprint

bp = Blueprint("tokens", __name__, url_prefix="/tokens")
