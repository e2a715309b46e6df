"""Pages of the rankings area."""

from flask import Blueprint

bp = Blueprint("rankings", __name__, url_prefix="/rankings")
