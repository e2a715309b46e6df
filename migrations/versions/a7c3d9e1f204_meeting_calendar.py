"""The meeting calendar: planned meetings, cell followers, calendar accounts, report
deadlines and the reminder outbox

Revision ID: a7c3d9e1f204
Revises: e14a5b7c9d20
Create Date: 2026-12-02 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3d9e1f204'
down_revision = 'e14a5b7c9d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=80), nullable=False),
        sa.Column('cell_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('regular', 'thematic', name='meeting_kind', native_enum=False,
                                  create_constraint=True, length=20), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('topic', sa.String(length=300), nullable=False),
        sa.Column('attendee_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_meeting_month_range')),
        sa.ForeignKeyConstraint(['attendee_id'], ['user_account.id'], name=op.f('fk_meeting_attendee_id_user_account')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_meeting_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['cell_id'], ['cell.id'], name=op.f('fk_meeting_cell_id_cell')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_meeting_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
        sa.UniqueConstraint('uid', name=op.f('uq_meeting_uid')),
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_cell_id'), ['cell_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendee_id'), ['attendee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index('ix_meeting_campaign_month', ['campaign_id', 'month'], unique=False)
        batch_op.create_index(
            'uq_meeting_regular_cell_month', ['cell_id', 'campaign_id', 'month'], unique=True,
            sqlite_where=sa.text("kind = 'regular'"), postgresql_where=sa.text("kind = 'regular'"),
        )

    op.create_table(
        'cell_follower',
        sa.Column('cell_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cell_id'], ['cell.id'], name=op.f('fk_cell_follower_cell_id_cell')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_cell_follower_user_id_user_account')),
        sa.PrimaryKeyConstraint('cell_id', 'user_id', name=op.f('pk_cell_follower')),
    )
    op.create_table(
        'calendar_account',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('feed_secret', sa.String(length=64), nullable=True),
        sa.Column('feed_created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_account_user_id_user_account')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_account')),
        sa.UniqueConstraint('feed_secret', name=op.f('uq_calendar_account_feed_secret')),
    )
    op.create_table(
        'report_deadline',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('rule', sa.Enum('after_meeting', 'next_month_day', name='deadline_rule',
                                  native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.CheckConstraint('days BETWEEN 1 AND 60', name=op.f('ck_report_deadline_days_range')),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_report_deadline_campaign_id_campaign')),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_report_deadline')),
    )
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_outbox_message_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_message_key')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('outbox_message')
    op.drop_table('report_deadline')
    op.drop_table('calendar_account')
    op.drop_table('cell_follower')
    op.drop_table('meeting')
