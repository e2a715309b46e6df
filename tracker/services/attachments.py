"""Minutes attachments: checked from their content, kept in the database.

A file is accepted only when its first bytes say PDF, PNG or JPEG *and* its name ends with the
extension of that type. Its bytes are stored in ``attachment_content``, one row per report,
in the transaction of the change (see models.AttachmentContent for why), under a generated
name that the report records.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import utcnow

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
    """Where attachments were kept before they moved into the database (see sweep_orphans)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def store(session: Session, report, checked: CheckedUpload) -> str:
    """Keep the file's bytes with ``report`` (replacing any earlier file); return its new
    generated name. The row is part of the change's transaction: a rollback keeps nothing."""
    from ..models import AttachmentContent

    if report.id is None:
        session.flush()
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    row = session.get(AttachmentContent, report.id)
    if row is None:
        session.add(AttachmentContent(report_id=report.id, name=name, data=checked.data))
    else:
        row.name, row.data, row.stored_at = name, checked.data, utcnow()
    return name


def content_of(report) -> bytes | None:
    """The bytes of the report's current attachment, or None when it has none."""
    from ..models import AttachmentContent

    name = report.attachment_path
    if not name or not STORED_NAME.match(name):
        return None
    return db.session.scalar(
        sa.select(AttachmentContent.data).where(
            AttachmentContent.report_id == report.id, AttachmentContent.name == name
        )
    )


def sweep_orphans() -> dict[str, int]:
    """Clean what a crash or an old version left behind; return what was done.

    - a file of the old upload folder that a report still names and whose bytes are not in the
      database yet is moved in (a migration run without the folder at hand);
    - every other file of that folder (orphans, half-written files) is deleted;
    - stored bytes no report names any more are deleted.
    The caller commits.
    """
    from ..models import AttachmentContent, Report

    done = {"imported": 0, "files_removed": 0, "rows_removed": 0}
    folder = upload_folder()
    if folder.is_dir():
        wanted = dict(
            db.session.execute(
                sa.select(Report.attachment_path, Report.id)
                .outerjoin(AttachmentContent, AttachmentContent.report_id == Report.id)
                .where(Report.attachment_path != "", AttachmentContent.report_id.is_(None))
            ).all()
        )
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            report_id = wanted.get(path.name)
            if report_id is not None:
                db.session.add(
                    AttachmentContent(
                        report_id=report_id, name=path.name, data=path.read_bytes()
                    )
                )
                db.session.flush()
                done["imported"] += 1
            path.unlink(missing_ok=True)
            done["files_removed"] += report_id is None
    stale = db.session.execute(
        sa.delete(AttachmentContent).where(
            ~sa.exists().where(
                Report.id == AttachmentContent.report_id,
                Report.attachment_path == AttachmentContent.name,
            )
        )
    )
    done["rows_removed"] = stale.rowcount or 0
    return done
