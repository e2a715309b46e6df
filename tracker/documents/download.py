"""Sending a Word document as a download under its Vietnamese file name."""

from __future__ import annotations

from flask import Response

from ..spreadsheets import content_disposition

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send_document(data: bytes, filename: str) -> Response:
    """Answer a download of a .docx file (never cached: it holds the committee's figures)."""
    response = Response(data, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response
