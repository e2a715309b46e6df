"""Attachments kept in the database; server-side login sessions

- ``attachment_content``: the bytes of each report's minutes attachment. The files of the old
  upload folder are moved in (each file a report names), then deleted; a file no report names
  is an orphan of an interrupted upload and is deleted too.
- ``login_session``: the signed-in browser sessions, so that logout and password changes end
  them on the server.

Revision ID: 7d3e9a41c2b8
Revises: 5c1f0e2a9b7d
Create Date: 2026-12-02 23:30:00

"""
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3e9a41c2b8'
down_revision = '5c1f0e2a9b7d'
branch_labels = None
depends_on = None

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg)$")


def _upload_folder():
    try:
        from flask import current_app

        folder = current_app.config.get("UPLOAD_FOLDER")
    except RuntimeError:  # run outside the app
        return None
    return Path(folder) if folder else None


def upgrade():
    op.create_table(
        'attachment_content',
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'],
                                name=op.f('fk_attachment_content_report_id_report'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('report_id', name=op.f('pk_attachment_content')),
    )
    op.create_table(
        'login_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_login_session_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_login_session_key_hash')),
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    folder = _upload_folder()
    if folder is None or not folder.is_dir():
        return
    connection = op.get_bind()
    content = sa.table(
        'attachment_content',
        sa.column('report_id', sa.Integer), sa.column('name', sa.String),
        sa.column('data', sa.LargeBinary), sa.column('stored_at', sa.DateTime(timezone=True)),
    )
    named = dict(connection.execute(sa.text(
        "SELECT attachment_path, id FROM report WHERE attachment_path <> ''"
    )).all())
    import datetime as dt

    moved = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        report_id = named.get(path.name) if STORED_NAME.match(path.name) else None
        if report_id is not None:
            connection.execute(content.insert().values(
                report_id=report_id, name=path.name, data=path.read_bytes(),
                stored_at=dt.datetime.now(dt.UTC),
            ))
        moved.append(path)
    # Files go only once their bytes are safely in the transaction's rows; a failed migration
    # rolls back (PostgreSQL) and would leave them in place. Files are removed by the app's
    # startup sweep if this step is interrupted.
    for path in moved:
        path.unlink(missing_ok=True)


def downgrade():
    folder = _upload_folder()
    if folder is not None:
        connection = op.get_bind()
        rows = connection.execute(sa.text("SELECT name, data FROM attachment_content")).all()
        if rows:
            folder.mkdir(parents=True, exist_ok=True)
        for name, data in rows:
            if STORED_NAME.match(name):
                (folder / name).write_bytes(bytes(data))
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
    op.drop_table('login_session')
    op.drop_table('attachment_content')
