"""Sending a report's minutes: always as a download, never cached, never sniffed."""

from __future__ import annotations

import io
import os

from flask import Response, abort, send_file

from ..services import attachments


def send_minutes(report, name_stem: str, missing: str) -> Response:
    """The report's attachment as ``name_stem`` plus its extension; 404 with ``missing``."""
    content = attachments.content_of(report)
    if content is None:
        abort(404, description=missing)
    extension = os.path.splitext(report.attachment_path)[1]
    response = send_file(
        io.BytesIO(content),
        mimetype=report.attachment_type or "application/octet-stream",
        as_attachment=True,
        download_name=f"{name_stem}{extension}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
