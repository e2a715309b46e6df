"""Stylesheets and scripts that a phone keeps instead of asking for them on every page.

Each static address the app draws carries a digest of the file (``/static/css/app.css?v=…``),
so a browser may keep it for a year: a changed file gets a new address. An address without
the digest is revalidated as before (ETag, ``no-cache``). On a weak connection this spares
every page its round trips for the stylesheet, the scripts and the icon.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

KEEP_SECONDS = 365 * 24 * 3600
DIGEST_LENGTH = 12


class Digests:
    """File digests per static file, read again when the file's size or time changes."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}  # one assignment per entry

    def __call__(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size)
            known = self._known.get(filename)
            if known is not None and known[0] == stamp:
                return known[1]
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()[:DIGEST_LENGTH]
        except OSError:  # no such file (the address then 404s as before), or a folder
            return None
        self._known[filename] = (stamp, digest)
        return digest


def init_app(app: Flask) -> None:
    digests = Digests(app.static_folder)

    @app.url_defaults
    def add_digest(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            digest = digests(values.get("filename", ""))
            if digest is not None:
                values["v"] = digest

    revalidate = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        wanted = request.args.get("v")
        if wanted and filename and wanted == digests(filename):
            return KEEP_SECONDS  # this very content: it never changes under this address
        return revalidate(filename)

    app.get_send_file_max_age = max_age
