"""Sending a workbook under a Vietnamese file name."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

from ..domain.vietnamese import ascii_fold, normalise
from .cells import XLSX_MIMETYPE, DataBook, workbook_bytes

# --------------------------------------------------------------------------------------------
# Sending files


def ascii_filename(filename: str) -> str:
    """Return an ASCII file name for old clients: accents folded (Đảng -> Dang), unsafe out."""
    folded = ascii_fold(filename)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|;]+', "_", folded)
    folded = " ".join(folded.split())
    return folded or "tep"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """Build a Content-Disposition header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    filename = normalise(filename)
    kind = "inline" if inline else "attachment"
    fallback = ascii_filename(filename)
    header = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        header += "; filename*=UTF-8''" + quote(filename, safe="")
    return header


def send_workbook(data: bytes | DataBook, filename: str) -> Response:
    """Answer a download of a workbook under a Vietnamese file name."""
    if isinstance(data, DataBook):
        data = workbook_bytes(data)
    response = Response(data, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response
