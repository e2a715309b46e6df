"""Compressed responses (issue 12): pages, CSS, JS and JSON go out gzip- or brotli-encoded
when the browser asks, so every page stays well under 100 KB on the wire on a slow phone
connection. Downloads (workbooks, documents, minutes) are already compressed formats or
streamed files and are left alone."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

compress = Compress()

MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/calendar",
    "application/javascript",
    "text/javascript",
    "application/json",
    "image/svg+xml",
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_LEVEL", 6)  # gzip
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)  # brotli: fast enough for every request
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Streamed bodies are not compressed: Flask-Compress would wrap a file without closing it.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    # Registered after Compress, so it runs before it: the small static files are read into
    # memory (their file closed at once) and then compressed like a page.
    app.after_request(_buffer_static_files)


STATIC_BUFFER_LIMIT = 512 * 1024


def _buffer_static_files(response):
    from flask import request

    if (
        request.endpoint == "static"
        and response.status_code == 200
        and response.direct_passthrough
        and (response.content_length or 0) <= STATIC_BUFFER_LIMIT
    ):
        body = response.response
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        response.direct_passthrough = False
        response.set_data(data)  # now a plain body: compressible like a page
    return response
