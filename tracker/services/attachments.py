"""Minutes attachments: checked from their content, stored outside the web root.

A file is accepted only when its first bytes say PDF, PNG or JPEG *and* its name ends with the
extension of that type. It is stored under ``UPLOAD_FOLDER`` with a generated name. Files are
written inside the database transaction of the change: a rollback deletes the new file, a
commit deletes the file it replaced.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

ATTACHMENT_FIELD = "minutes_file"

# kind -> (MIME type, stored extension, magic prefixes)
KINDS = {
    "pdf": ("application/pdf", "pdf", (b"%PDF-",)),
    "png": ("image/png", "png", (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": ("image/jpeg", "jpg", (b"\xff\xd8\xff",)),
}
EXTENSIONS = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")

MSG_EMPTY = "Tệp rỗng; hãy chọn lại tệp biên bản."
MSG_EXTENSION = "Chỉ nhận tệp PDF, JPEG hoặc PNG (.pdf, .jpg, .jpeg, .png)."
MSG_CONTENT = "Nội dung tệp không phải PDF, JPEG hoặc PNG."


def msg_too_large(max_bytes: int) -> str:
    return f"Tệp quá lớn: tối đa {max_bytes // (1024 * 1024)} MB."


def msg_mismatch(extension: str, actual: str) -> str:
    return f"Tệp có đuôi {extension} nhưng nội dung là {KIND_LABELS[actual]}; hãy chọn đúng tệp."


@dataclass(frozen=True)
class Upload:
    """A file received from a form: its name as sent and its bytes."""

    filename: str
    data: bytes

    @classmethod
    def from_storage(cls, storage, max_bytes: int) -> Upload | None:
        """Read a Werkzeug FileStorage (at most ``max_bytes`` + 1 bytes); None when empty."""
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return cls(storage.filename, storage.stream.read(max_bytes + 1))


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    kind: str
    data: bytes

    @property
    def mime_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def extension(self) -> str:
        return KINDS[self.kind][1]


def sniff(data: bytes) -> str | None:
    """Return the kind of file the bytes are (pdf, png, jpeg), or None."""
    for kind, (_mime, _ext, magics) in KINDS.items():
        if any(data.startswith(magic) for magic in magics):
            return kind
    return None


def check_upload(upload: Upload, max_bytes: int) -> tuple[CheckedUpload | None, str | None]:
    """Return the checked upload, or an error message for the attachment field."""
    if len(upload.data) > max_bytes:
        return None, msg_too_large(max_bytes)
    if not upload.data:
        return None, MSG_EMPTY
    extension = os.path.splitext(upload.filename.strip().lower())[1]
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        return None, MSG_EXTENSION
    actual = sniff(upload.data)
    if actual is None:
        return None, MSG_CONTENT
    if actual != claimed:
        return None, msg_mismatch(extension, actual)
    name = (
        os.path.basename(upload.filename.replace("\\", "/")).strip()[:200] or f"bien-ban{extension}"
    )
    return CheckedUpload(name, actual, upload.data), None


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def store(session: Session, checked: CheckedUpload) -> str:
    """Write the file under a generated name; return that name. A rollback deletes it."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(checked.data)
    session.info.setdefault("tracker_files_written", []).append(path)
    return name


def discard_on_commit(session: Session, stored_name: str) -> None:
    """Delete a replaced file once the change that replaced it is committed."""
    if stored_name and STORED_NAME.match(stored_name):
        session.info.setdefault("tracker_files_replaced", []).append(upload_folder() / stored_name)


def path_of(stored_name: str) -> Path | None:
    """The file of a stored name, or None when the name is not one we generate."""
    if not stored_name or not STORED_NAME.match(stored_name):
        return None
    path = upload_folder() / stored_name
    return path if path.is_file() else None


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit comes later
    session.info.pop("tracker_files_written", None)
    _unlink_all(session.info.pop("tracker_files_replaced", []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested or previous_transaction.parent is not None:
        return
    session.info.pop("tracker_files_replaced", None)
    _unlink_all(session.info.pop("tracker_files_written", []))
