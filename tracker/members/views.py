"""Pages of the members area."""

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")
